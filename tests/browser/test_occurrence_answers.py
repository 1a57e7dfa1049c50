"""A guest answers one date of a weekly meeting and sees it; the organiser sees that date's
counts and keeps its notes, which the guest then reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.meetings.recurrence import stamp
from tests.browser.lifecycle import logged_in
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting

pytestmark = pytest.mark.browser


async def test_answering_one_date_of_a_series(new_context, settings):
    guest = await make_user("volunteer", name="Ana Lima", email="ana@example.org")
    organizer = await make_user("staff", name="Wei Zhang", email="wei@example.org")
    first = (clock.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    meeting = await make_meeting(
        settings=settings,
        organizer=organizer,
        starts_at=first,
        rrule="FREQ=WEEKLY;COUNT=4",
        attendees=[guest],
        title="Volunteer briefing",
        timezone="UTC",
    )
    second = stamp(first + timedelta(weeks=1))
    page = await logged_in(new_context, guest.email)
    await page.goto(f"/meetings/{meeting.id}")

    await page.locator(f'a[href$="occurrence={second}#occurrence"]').click()
    panel = page.locator("#occurrence")
    async with page.expect_navigation():
        await panel.get_by_role("button", name="No, not this date").click()

    assert page.url.endswith(f"/meetings/{meeting.id}?occurrence={second}#occurrence")
    assert "Your answer for this occurrence is saved." in await page.inner_text("main")
    assert "Your answer for this date: Declined" in await panel.inner_text()
    items = page.locator("ul.occurrences > li")
    assert await items.count() == 4
    said = [await items.nth(i).locator(".when").inner_text() for i in range(4)]
    assert said == [
        "Your answer: No answer yet",
        "Your answer: Declined (this date)",
        "Your answer: No answer yet",
        "Your answer: No answer yet",
    ]

    # The organiser sees who comes on that date and writes its notes.
    lead = await logged_in(new_context, organizer.email)
    await lead.goto(f"/meetings/{meeting.id}")
    row = lead.locator("ul.occurrences > li").nth(1)
    assert "Accepted 1 · Maybe 0 · Declined 1 · No answer yet 0" in await row.inner_text()
    await row.locator("a").first.click()
    await lead.get_by_label("Notes and minutes for this date").fill("Ana is away; Li covers.")
    async with lead.expect_navigation():
        await lead.locator("#occurrence").get_by_role("button", name="Save notes").click()
    assert "Notes saved." in await lead.inner_text("main")

    await page.reload()
    assert "Ana is away; Li covers." in await page.locator("#occurrence").inner_text()
