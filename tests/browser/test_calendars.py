"""One calendar component for meetings, shifts and "My calendar" (#16): a staff member's week
shows the meeting they attend beside their working time, the task due on its day above the hours
and the kind of each thing in words; a volunteer's shift calendar says how many places are free
and marks the shift they signed up for; and neither scrolls sideways on a phone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from opsuite import clock
from opsuite.shifts.service.signups import sign_up
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_design import PHONE, WIDE, logged_in
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.schedules import make_arrangement
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer
from tests.factories.tasks import make_board, make_task

pytestmark = pytest.mark.browser


def next_weekday_at(zone: str, hour: int) -> datetime:
    """The next Tuesday to Thursday at ``hour`` in ``zone``: a working day in the same week."""
    day = clock.now().astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
    while day.weekday() not in (1, 2, 3):
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_my_calendar_week_puts_meetings_beside_working_time_and_tasks_above(
    new_context, settings, locale
):
    person = await make_user(
        "staff", name="Sarah Thompson", locale=locale, timezone="Europe/London"
    )
    await make_arrangement(person)  # Monday to Friday 09:00-17:00 London
    ten = next_weekday_at(person.timezone, 10)
    await make_meeting(
        settings=settings, starts_at=ten, title="Partner call 合作方通话", attendees=[person]
    )
    board = await make_board(manager=await make_user("manager"), members=[person])
    await make_task(
        board,
        settings=settings,
        title="Send the report 发送报告",
        assignees=[person],
        due_date=ten.date(),
    )
    page = await logged_in(new_context, person, viewport=WIDE)

    await page.goto(f"/calendar?view=week&date={ten.date().isoformat()}")

    day = page.locator(f"table.calendar td[data-day='{ten.date().isoformat()}']")
    meeting = day.locator(".timeline .slot", has_text="Partner call")
    work = day.locator(".timeline .slot.band").first
    task = day.locator(".allday a.event.kind-task", has_text="Send the report")
    await expect(meeting).to_have_count(1)
    await expect(task).to_have_count(1)
    await expect(work).to_be_visible()
    m, w = await meeting.bounding_box(), await work.bounding_box()
    assert m is not None
    assert w is not None
    assert m["x"] + m["width"] <= w["x"] + 1  # side by side: the meeting is not hidden by work
    assert w["y"] < m["y"]  # the working day starts at 09:00, the meeting at 10:00
    # The kind is said in words for a screen reader, not only by colour.
    assert (await meeting.locator(".visually-hidden").inner_text()).strip()
    await page.screenshot(
        path=str(ARTIFACTS / f"my-calendar-week-{locale}-1280.png"), full_page=True
    )

    await page.goto(f"/calendar?view=agenda&date={ten.date().isoformat()}")
    item = page.locator("ul.agenda li", has_text="Partner call")
    await expect(item.locator(".badge")).to_have_count(1)

    phone = await logged_in(new_context, person, viewport=PHONE, is_mobile=True)
    for view in ("week", "month", "agenda"):
        await phone.goto(f"/calendar?view={view}&date={ten.date().isoformat()}")
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (view, width)
    await phone.goto(f"/calendar?view=week&date={ten.date().isoformat()}")
    await phone.screenshot(
        path=str(ARTIFACTS / f"my-calendar-week-{locale}-390.png"), full_page=True
    )


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_shift_calendar_shows_places_free_and_marks_my_sign_up(new_context, settings, locale):
    volunteer = await make_volunteer(locale=locale, timezone="Europe/Berlin")
    opportunity = await make_opportunity(title="Sort donations 整理捐赠")
    start = next_weekday_at("Europe/Berlin", 9)
    mine = await make_shift(opportunity, capacity=4, starts_at=start)
    await make_shift(opportunity, capacity=3, starts_at=start + timedelta(days=1))
    await sign_up(volunteer, mine.id, settings=settings)
    page = await logged_in(new_context, volunteer, viewport=WIDE)

    await page.goto(f"/shifts/calendar?view=month&date={start.date().isoformat()}")

    chips = page.locator("table.calendar a.event", has_text="Sort donations")
    await expect(chips).to_have_count(2)
    marked = page.locator(f"table.calendar td[data-day='{start.date()}'] a.event.kind-mine")
    await expect(marked).to_have_count(1)
    await page.screenshot(path=str(ARTIFACTS / f"shift-calendar-{locale}-1280.png"), full_page=True)

    await page.goto(f"/shifts/calendar?view=agenda&date={start.date().isoformat()}")
    other = page.locator("ul.agenda li", has_text="Sort donations").nth(1)
    free = "3 of 3 places free" if locale == "en" else "3"
    await expect(other).to_contain_text(free)
    # My calendar has the shift I signed up for, and not the one I did not.
    await page.goto(f"/calendar?view=agenda&date={start.date().isoformat()}")
    await expect(page.locator("ul.agenda li", has_text="Sort donations")).to_have_count(1)

    phone = await logged_in(new_context, volunteer, viewport=PHONE, is_mobile=True)
    await phone.goto(f"/shifts/calendar?view=month&date={start.date().isoformat()}")
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await phone.screenshot(path=str(ARTIFACTS / f"shift-calendar-{locale}-390.png"), full_page=True)
