"""'Add to calendar' on a shift's page and a meeting's page: the browser downloads one .ics
file with the item at its time, which a calendar reader takes back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from opsuite import clock
from tests.browser.lifecycle import logged_in
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.shifts import make_opportunity, make_shift

pytestmark = pytest.mark.browser


async def _download(page, link_name: str) -> icalendar.Calendar:
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name=link_name).click()
    download = await waiting.value
    assert download.suggested_filename.endswith(".ics")
    path = await download.path()
    return icalendar.Calendar.from_ical(await asyncio.to_thread(Path(path).read_bytes))


async def test_a_volunteer_adds_a_shift_and_a_meeting_to_their_calendar(new_context, settings):
    volunteer = await make_user("volunteer", name="Ana Lima", email="ana@example.org")
    start = (clock.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    shift = await make_shift(
        await make_opportunity(title="Food sorting"), starts_at=start, timezone="America/New_York"
    )
    meeting = await make_meeting(
        settings=settings,
        starts_at=start + timedelta(days=1),
        attendees=[volunteer],
        title="Volunteer briefing",
        timezone="America/New_York",
    )
    page = await logged_in(new_context, volunteer.email)

    await page.goto(f"/shifts/{shift.id}")
    cal = await _download(page, "Add to calendar")
    [event] = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Food sorting"
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART").astimezone(UTC) == start.astimezone(UTC)

    await page.goto(f"/meetings/{meeting.id}")
    cal = await _download(page, "Add to calendar")
    [event] = cal.walk("VEVENT")
    assert (str(event["SUMMARY"]), str(event["UID"])) == ("Volunteer briefing", meeting.uid)
    assert event.decoded("DTSTART").astimezone(UTC) == (start + timedelta(days=1)).astimezone(UTC)
    assert isinstance(event.decoded("DTSTART"), datetime)
