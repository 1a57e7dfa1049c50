"""Find a time with someone who works flexibly: the times inside their core hours come first
and say so, the rest of their flexible window follows, marked, and booking takes the time."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from opsuite import clock
from tests.browser.lifecycle import logged_in
from tests.factories.auth import make_user
from tests.factories.schedules import make_arrangement, weekday_blocks

pytestmark = pytest.mark.browser


async def test_core_hours_come_first_on_the_find_a_time_page(new_context):
    organizer = await make_user("staff", name="Frida Flex", timezone="UTC")
    guest = await make_user("volunteer", name="Val Volunteer", timezone="UTC")
    await make_arrangement(
        organizer,
        kind="flexible",
        blocks=weekday_blocks(time(8), time(18)),
        window=(time(8), time(18)),
        core=(time(13), time(15)),
    )
    # The server runs on the real clock: next week's Monday.
    monday = clock.now().date() + timedelta(days=7 - clock.now().weekday())
    page = await logged_in(new_context, organizer.email)
    await page.goto("/meetings/find")
    await page.get_by_label("Required", exact=True).select_option(
        [str(organizer.id), str(guest.id)]
    )
    await page.get_by_label("Length in minutes").fill("60")
    await page.locator("input[name=from_date]").fill(monday.isoformat())
    await page.locator("input[name=to_date]").fill(monday.isoformat())
    async with page.expect_navigation():
        await page.get_by_role("button", name="Find times").click()

    rows = page.locator("#poll-form tbody tr")
    texts = [await rows.nth(i).inner_text() for i in range(await rows.count())]
    assert ["Within core hours" in t for t in texts] == [True] * 3 + [False] * (len(texts) - 3)
    assert "13:00" in texts[0]
    assert "14:00" in texts[2]
    assert "Flexible hours" in texts[3]
    assert "Frida Flex" in texts[3]
    assert "outside core hours" in texts[3]
    assert "outside core hours" not in texts[0]

    async with page.expect_navigation():
        await rows.nth(0).get_by_role("link", name="Book").click()
    assert "start=13:00" in page.url
    assert await page.locator("input[name=start_time]").input_value() == "13:00"
