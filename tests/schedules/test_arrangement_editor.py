"""The manager's arrangement editor and staff proposals, through the pages."""

from __future__ import annotations

from datetime import date

from opsuite.schedules.models import Arrangement, ArrangementStatus
from opsuite.schedules.service import expand
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, make_office
from tests.schedules.helpers import field_error, switch_to, table_rows, text_of


def arrangement_form(blocks: dict[str, tuple[str, str]] | None = None, **fields: str) -> dict:
    """What the editor posts: ``blocks`` maps a grid cell (``b00`` = Monday, first block) to
    (start, end); Monday to Friday 09:00-17:00 in Shanghai unless told otherwise."""
    if blocks is None:
        blocks = {f"b{day}0": ("09:00", "17:00") for day in range(5)}
    data = {
        "kind": "fixed",
        "valid_from": "2026-03-02",
        "timezone": "Asia/Shanghai",
        "office_id": "",
        "core_start": "",
        "core_end": "",
        "window_start": "",
        "window_end": "",
        "weekly_hours_target": "",
        "note": "",
        "action": "save",
    }
    for cell, (start, end) in blocks.items():
        data |= {f"{cell}_start": start, f"{cell}_end": end, f"{cell}_location": "office"}
    return data | fields


async def team_of_two(manager_zone: str = "Asia/Shanghai"):
    manager = await make_user("manager", name="Li Na", timezone=manager_zone)
    staff = await make_user("staff", name="Sam Carter", timezone="Asia/Shanghai")
    await make_team(manager=manager, members=[staff])
    return manager, staff


async def test_a_manager_saves_an_arrangement_and_sees_it_in_the_history(client, frozen_clock):
    manager, staff = await team_of_two()
    office = await make_office(name="Beijing HQ")
    await log_in(client, manager.email)
    url = f"/schedule/people/{staff.id}/arrangement"
    response = await post_form(client, url, arrangement_form(office_id=str(office.id)))
    assert response.status_code == 303
    assert response.headers["location"] == url
    page = await client.get(url)
    assert "The arrangement of Sam Carter is saved." in page.text
    assert 'name="b00_start" value="09:00"' in page.text  # the form shows what is in force
    history = text_of(page.text.split("<h2>History</h2>", 1)[1])
    assert "Monday 09:00–17:00 Office" in history
    assert "In force" in history
    arrangement = await Arrangement.get(user_id=staff.id)
    assert arrangement.office_id == office.id
    assert arrangement.created_by_id == manager.id


async def test_overlapping_blocks_are_shown_on_the_block_and_nothing_is_saved(client, frozen_clock):
    manager, staff = await team_of_two()
    await log_in(client, manager.email)
    data = arrangement_form({"b00": ("09:00", "13:00"), "b01": ("12:00", "17:00")})
    response = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    assert response.status_code == 400
    assert field_error(response, "b01") == "This block overlaps another one."
    assert field_error(response, "b00") == ""
    assert 'name="b01_start" value="12:00"' in response.text
    assert await Arrangement.all().count() == 0


async def test_a_sunday_night_block_overlapping_monday_morning_is_caught(client, frozen_clock):
    manager, staff = await team_of_two()
    await log_in(client, manager.email)
    data = arrangement_form({"b00": ("05:00", "12:00"), "b60": ("22:00", "06:00")})
    response = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    assert response.status_code == 400
    assert field_error(response, "b60") == "This block overlaps another one."
    assert await Arrangement.all().count() == 0


async def test_flexible_target_above_the_window_is_refused_next_to_the_target(client, frozen_clock):
    manager, staff = await team_of_two()
    await log_in(client, manager.email)
    data = arrangement_form(
        {f"b{day}0": ("08:00", "18:00") for day in range(5)},
        kind="flexible",
        window_start="08:00",
        window_end="18:00",
        core_start="10:00",
        core_end="15:00",
        weekly_hours_target="60",
    )
    response = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    assert response.status_code == 400
    assert field_error(response, "weekly_hours_target") == (
        "The weekly target must be more than 0 and at most 50 hours "
        "(the window times the working days)."
    )
    assert 'value="60"' in response.text
    assert await Arrangement.all().count() == 0

    data["weekly_hours_target"] = "37.5"
    saved = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    assert saved.status_code == 303


async def test_core_hours_outside_the_window_and_half_pairs_are_refused(client, frozen_clock):
    manager, staff = await team_of_two()
    await log_in(client, manager.email)
    data = arrangement_form(
        kind="flexible",
        window_start="08:00",
        window_end="18:00",
        core_start="07:00",
        core_end="12:00",
    )
    response = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    assert field_error(response, "core") == "Core hours must lie inside the daily window."
    data |= {"window_end": ""}
    response = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    assert field_error(response, "window") == "Give both times, or neither."
    assert await Arrangement.all().count() == 0


async def test_an_unknown_time_zone_is_refused_next_to_the_field(client, frozen_clock):
    manager, staff = await team_of_two()
    await log_in(client, manager.email)
    data = arrangement_form(timezone="Mars/Olympus_Mons")
    response = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    assert response.status_code == 400
    assert field_error(response, "timezone").startswith("Unknown time zone")
    assert 'value="Mars/Olympus_Mons"' in response.text
    assert await Arrangement.all().count() == 0


async def test_a_block_with_half_a_time_or_no_days_at_all_is_refused(client, frozen_clock):
    manager, staff = await team_of_two()
    await log_in(client, manager.email)
    url = f"/schedule/people/{staff.id}/arrangement"
    half = await post_form(client, url, arrangement_form({"b20": ("09:00", "")}))
    assert field_error(half, "b20") == "Give a start and an end like 09:00 and 17:30."
    empty = await post_form(client, url, arrangement_form({}))
    assert field_error(empty, "blocks") == "Add at least one working day."
    assert await Arrangement.all().count() == 0


async def test_a_block_past_midnight_is_accepted_and_expands_across_the_dst_change(
    client, frozen_clock
):
    manager, staff = await team_of_two()
    await log_in(client, manager.email)
    # Saturday nights 22:00-06:00 in New York. The night of 7-8 March 2026 the clocks go
    # from 02:00 EST to 03:00 EDT: 22:00 EST = 03:00Z, 06:00 EDT = 10:00Z, seven hours.
    data = arrangement_form(
        {"b50": ("22:00", "06:00")}, timezone="America/New_York", valid_from="2026-02-23"
    )
    response = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    assert response.status_code == 303
    expanded = (await expand([staff.id], date(2026, 2, 28), date(2026, 3, 15)))[staff.id]
    spans = [(i.start.isoformat(), i.end.isoformat()) for i in expanded]
    assert spans == [
        ("2026-03-01T03:00:00+00:00", "2026-03-01T11:00:00+00:00"),  # EST both ends: 8 h
        ("2026-03-08T03:00:00+00:00", "2026-03-08T10:00:00+00:00"),  # the change night: 7 h
        ("2026-03-15T02:00:00+00:00", "2026-03-15T10:00:00+00:00"),  # EDT both ends: 8 h
    ]


async def test_preview_shows_the_next_two_weeks_without_saving(client, frozen_clock):
    manager, staff = await team_of_two()
    await log_in(client, manager.email)
    data = arrangement_form(
        {"b00": ("09:00", "12:00"), "b01": ("13:00", "17:30")}, action="preview"
    )
    response = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    assert response.status_code == 200
    assert "Preview of the next two weeks (not saved)" in response.text
    rows = table_rows(response, "preview")
    assert len(rows) == 14
    assert rows[0] == "Mon 2 Mar 09:00–12:00 Office 13:00–17:30 Office 7.5 h"
    assert rows[1] == "Tue 3 Mar —"
    assert rows[7] == "Mon 9 Mar 09:00–12:00 Office 13:00–17:30 Office 7.5 h"
    assert 'name="b01_end" value="17:30"' in response.text
    assert await Arrangement.all().count() == 0


async def test_preview_is_in_the_viewers_zone(client, frozen_clock):
    manager, staff = await team_of_two(manager_zone="Europe/London")
    await log_in(client, manager.email)
    data = arrangement_form({"b00": ("09:00", "17:00")}, action="preview")
    response = await post_form(client, f"/schedule/people/{staff.id}/arrangement", data)
    # 09:00-17:00 in Shanghai (UTC+8) is 01:00-09:00 in London (UTC+0 in March until the 29th).
    assert table_rows(response, "preview")[0] == "Mon 2 Mar 01:00–09:00 Office 8 h"
    assert "All times are in your time zone, Europe/London." in response.text


async def test_staff_propose_and_a_manager_approves(client, frozen_clock):
    manager, staff = await team_of_two()
    await make_arrangement(staff, actor=manager, valid_from=date(2026, 1, 1))
    await log_in(client, staff.email)
    form = await client.get("/schedule/propose")
    assert 'name="b00_start" value="09:00"' in form.text
    data = arrangement_form(
        {f"b{day}0": ("08:00", "16:00") for day in range(4)}, note="Four days, please"
    )
    response = await post_form(client, "/schedule/propose", data)
    assert response.status_code == 303
    assert response.headers["location"] == "/schedule"
    proposal = await Arrangement.get(status=ArrangementStatus.PROPOSED)
    week = await client.get("/schedule?week=2026-03-02")
    assert "09:00–17:00" in table_rows(week, "week")[0]  # nothing changes until approved

    await switch_to(client, manager.email)
    approvals = await client.get("/schedule/approvals")
    assert "Four days, please" in approvals.text
    response = await post_form(
        client,
        f"/schedule/approvals/proposals/{proposal.id}",
        {"decision": "approve"},
        from_page="/schedule/approvals",
    )
    assert response.status_code == 303
    await proposal.refresh_from_db()
    assert proposal.status == ArrangementStatus.ACTIVE

    await switch_to(client, staff.email)
    week = await client.get("/schedule?week=2026-03-02")
    row = table_rows(week, "week")[0]
    assert "08:00–16:00" in row
    assert "09:00–17:00" not in row
    assert "Planned this week: 32 hours" in text_of(week.text)


async def test_a_rejected_proposal_changes_nothing(client, frozen_clock):
    manager, staff = await team_of_two()
    await log_in(client, staff.email)
    await post_form(client, "/schedule/propose", arrangement_form())
    proposal = await Arrangement.get(status=ArrangementStatus.PROPOSED)
    await switch_to(client, manager.email)
    await post_form(
        client,
        f"/schedule/approvals/proposals/{proposal.id}",
        {"decision": "reject"},
        from_page="/schedule/approvals",
    )
    await proposal.refresh_from_db()
    assert proposal.status == ArrangementStatus.REJECTED
    assert (await expand([staff.id], date(2026, 3, 2), date(2026, 3, 9)))[staff.id] == []


async def test_only_a_manager_of_the_persons_team_or_an_admin_may_edit(client, frozen_clock):
    manager, staff = await team_of_two()
    colleague = await make_user("staff")
    other_manager = await make_user("manager")
    await make_team(manager=other_manager, members=[colleague])
    admin = await make_user("admin")
    url = f"/schedule/people/{staff.id}/arrangement"

    for refused in (colleague, other_manager):
        await switch_to(client, refused.email)
        assert (await client.get(url)).status_code == 403
        token_page = await client.get("/schedule")
        assert token_page.status_code == 200
        response = await post_form(client, url, arrangement_form(), from_page="/schedule")
        assert response.status_code == 403
    assert await Arrangement.all().count() == 0

    for allowed in (manager, admin):
        await switch_to(client, allowed.email)
        assert (await client.get(url)).status_code == 200
    assert (await client.get(f"/schedule/people/{staff.id}/exceptions")).status_code == 200


async def test_exceptions_move_a_day_home_add_a_saturday_and_swap_a_day_off(client, frozen_clock):
    manager, staff = await team_of_two()
    office = await make_office(name="Beijing HQ")
    await make_arrangement(staff, actor=manager, office=office)
    await log_in(client, manager.email)
    url = f"/schedule/people/{staff.id}/exceptions"
    for data in (
        {"day": "2026-03-02", "kind": "move", "location": "home"},
        {"day": "2026-03-03", "kind": "day_off", "note": "Swapped for Saturday"},
        {"day": "2026-03-07", "kind": "extra", "start": "10:00", "end": "14:00"},
    ):
        response = await post_form(client, url, data)
        assert response.status_code == 303, field_error(response, "end")
    missing = await post_form(client, url, {"day": "2026-03-08", "kind": "extra"})
    assert missing.status_code == 400
    assert field_error(missing, "end") == "Give the hours of the extra working day."
    page = await client.get(url)
    assert "Swapped for Saturday" in page.text

    await switch_to(client, staff.email)
    week = await client.get("/schedule?week=2026-03-02")
    days = table_rows(week, "week")[0]
    assert "09:00–17:00 At home" in days
    assert "10:00–14:00 Beijing HQ" in days
    assert "Planned this week: 36 hours" in text_of(week.text)
