"""Find a time, then send the best times as a poll, in the browser: the poll form asks how
people meet, and a refusal shows on the same page with what was typed (issue #14, defect 8)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.meetings.models import Poll
from tests.browser.conftest import log_in_through_form
from tests.factories.auth import make_user
from tests.factories.schedules import make_arrangement

pytestmark = pytest.mark.browser


async def test_find_a_time_then_send_a_poll(new_context):
    organizer = await make_user("staff", timezone="Europe/London")
    guest = await make_user("staff", timezone="Europe/London")
    for person in (organizer, guest):
        await make_arrangement(person)
    page = await (await new_context()).new_page()
    await log_in_through_form(page, organizer.email)
    # The server runs on the real clock: search next week.
    monday = clock.now().date() + timedelta(days=7 - clock.now().weekday())
    await page.goto(
        f"/meetings/find?required={organizer.id}&required={guest.id}&duration=60"
        f"&from_date={monday}&to_date={monday + timedelta(days=4)}"
    )

    poll = page.locator("#poll-form")
    await poll.get_by_label("Title").fill("Budget review")
    assert await poll.get_by_label("How people meet").input_value() == "in_person"
    await poll.get_by_label("How people meet").select_option("online")
    async with page.expect_navigation():
        await poll.get_by_role("button", name="Send the chosen times as a poll").click()

    error = page.locator("#e-video_url")
    assert "needs a video link" in await error.inner_text()
    assert await page.locator("#poll-form").get_by_label("Title").input_value() == "Budget review"
    assert await Poll.all().count() == 0

    poll = page.locator("#poll-form")
    await poll.get_by_label("How people meet").select_option("in_person")
    await poll.get_by_label("Room or address").fill("Room 2")
    async with page.expect_navigation():
        await poll.get_by_role("button", name="Send the chosen times as a poll").click()

    assert "/meetings/polls/" in page.url
    await page.get_by_text("Poll sent.").wait_for()
    assert (await Poll.get()).location == "Room 2"
