"""My schedule: the week and month views in my zone, holidays, leave, flexible hours."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal

from opsuite.schedules.models import Holiday
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.schedules import make_arrangement, make_leave, make_office, weekday_blocks
from tests.schedules.helpers import cells, text_of


def week_cells(response) -> list[str]:
    table = re.search(r'<table class="schedule week">(.*?)</table>', response.text, re.S)
    assert table
    return cells(table.group(1).split("<tbody>", 1)[1])


def month_rows(response) -> list[list[str]]:
    table = re.search(r'<table class="schedule month">(.*?)</table>', response.text, re.S)
    assert table
    body = table.group(1).split("<tbody>", 1)[1]
    return [cells(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


async def test_this_week_by_default_with_links_to_the_next_and_previous(client, frozen_clock):
    office = await make_office(name="Beijing HQ")
    staff = await make_user("staff", timezone="Asia/Shanghai")
    await make_arrangement(staff, office=office)
    await log_in(client, staff.email)
    response = await client.get("/schedule")
    assert response.status_code == 200
    assert "All times are in your time zone, Asia/Shanghai." in response.text
    assert "Week of Mar 2, 2026" in text_of(response.text)
    assert 'href="/schedule?week=2026-02-23"' in response.text
    assert 'href="/schedule?week=2026-03-09"' in response.text
    days = week_cells(response)
    assert days[0] == "09:00–17:00 Beijing HQ 8 h"
    assert days[5] == "—"
    assert "Planned this week: 40 hours" in text_of(response.text)

    wednesday = await client.get("/schedule?week=2026-03-11")
    assert "Week of Mar 9, 2026" in text_of(wednesday.text)
    assert (await client.get("/schedule?week=next-tuesday")).status_code == 400


async def test_the_week_is_shown_in_my_zone_not_the_arrangements(client, frozen_clock):
    # Someone living in London who keeps New York hours (a remote contract): 09:00-17:00 in
    # New York is 14:00-22:00 in London until the US change on 8 March, 13:00-21:00 after.
    staff = await make_user("staff", timezone="Europe/London")
    await make_arrangement(staff, timezone="America/New_York")
    await log_in(client, staff.email)
    before = week_cells(await client.get("/schedule?week=2026-03-02"))
    after = week_cells(await client.get("/schedule?week=2026-03-09"))
    assert before[4].startswith("14:00–22:00")
    assert after[0].startswith("13:00–21:00")


async def test_holidays_and_approved_leave_replace_the_working_day(client, settings, frozen_clock):
    office = await make_office(name="Beijing HQ")
    staff = await make_user("staff", timezone="Asia/Shanghai")
    manager = await make_user("manager")
    await make_arrangement(staff, office=office)
    await Holiday.create(office=office, date=date(2026, 3, 4), name="Tree Day")
    await make_leave(staff, date(2026, 3, 5), settings=settings, approved_by=manager)
    await log_in(client, staff.email)
    response = await client.get("/schedule?week=2026-03-02")
    days = week_cells(response)
    assert days[2] == "00:00–24:00 Holiday: Tree Day"
    assert days[3] == "00:00–24:00 Time off (Vacation)"
    text = text_of(response.text)
    assert "Planned this week: 24 hours" in text
    assert "time off: 24 hours" in text


async def test_month_view_covers_whole_weeks(client, settings, frozen_clock):
    staff = await make_user("staff", timezone="Asia/Shanghai")
    await make_arrangement(staff)
    await log_in(client, staff.email)
    response = await client.get("/schedule?view=month&month=2026-03")
    assert response.status_code == 200
    assert "March 2026" in response.text
    rows = month_rows(response)
    # 1 March 2026 is a Sunday and the 31st a Tuesday: Monday 23 February to Sunday 5 April.
    assert len(rows) == 6
    assert rows[0][0].startswith("23 09:00–17:00")
    assert rows[0][6] == "1 —"
    assert rows[5][6] == "5 —"
    assert 'href="/schedule?view=month&amp;month=2026-02"' in response.text
    assert 'href="/schedule?view=month&amp;month=2026-04"' in response.text
    assert (await client.get("/schedule?view=month&month=2026-13")).status_code == 400


async def test_flexible_staff_see_core_hours_window_and_planned_against_target(
    client, frozen_clock
):
    staff = await make_user("staff", timezone="Asia/Shanghai")
    await make_arrangement(
        staff,
        kind="flexible",
        blocks=weekday_blocks(time(8), time(18)),
        core=(time(10), time(15)),
        window=(time(8), time(18)),
        weekly_hours_target=Decimal("37.5"),
    )
    await log_in(client, staff.email)
    response = await client.get("/schedule?week=2026-03-02")
    text = text_of(response.text)
    assert "core hours 10:00–15:00 within 08:00–18:00, Asia/Shanghai time" in text
    assert week_cells(response)[0] == ("Flexible 08:00–18:00, core 10:00–15:00 · Office 5 h")
    assert "25 of 37.5 h planned" in text
    assert "Planned this week: 25 hours (of which core hours: 25) — target 37.5 hours" in text


async def test_volunteers_have_no_schedule_page(client):
    volunteer = await make_user("volunteer")
    await log_in(client, volunteer.email)
    assert (await client.get("/schedule")).status_code == 403
