"""A manager opens "Who is working now" from the team schedule, sees people of all their teams
working at this moment, narrows to one team; and "When everyone is working" leaves out people
without hours until the box to include them is ticked."""

from __future__ import annotations

from datetime import time

import pytest

from tests.browser.lifecycle import logged_in
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, weekday_blocks

pytestmark = pytest.mark.browser
ALL_DAY = (time(0), time(23, 59))  # the server runs on the real clock: working whenever


async def test_a_manager_sees_who_works_now_in_every_team_and_narrows_to_one(new_context):
    mina = await make_user("manager", name="Mina Manager", timezone="Europe/London")
    ana = await make_user("staff", name="Ana Lima", timezone="America/New_York")
    ben = await make_user("staff", name="Ben Okoro", timezone="Asia/Shanghai")
    cleo = await make_user("volunteer", name="Cleo Volunteer", timezone="Europe/London")
    await make_team(manager=mina, members=[ana], name="New York office")
    await make_team(manager=mina, members=[ben, cleo], name="Shanghai office")
    every_day = range(7)
    await make_arrangement(ana, blocks=weekday_blocks(*ALL_DAY, days=every_day))
    await make_arrangement(ben, blocks=weekday_blocks(*ALL_DAY, days=every_day, location="home"))
    page = await logged_in(new_context, mina.email)

    await page.goto("/schedule/team")
    async with page.expect_navigation():
        await page.get_by_role("link", name="Who is working now in all teams").click()
    rows = page.locator("table.working-now tbody tr")
    assert [await r.locator("td").first.inner_text() for r in await rows.all()] == [
        "Ana Lima",
        "Ben Okoro",
    ]
    assert "Asia/Shanghai" in await rows.nth(1).inner_text()
    assert "At home" in await rows.nth(1).inner_text()

    await page.get_by_label("Team").select_option(label="Shanghai office")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Show").click()
    assert await rows.count() == 1
    assert "Ben Okoro" in await rows.first.inner_text()

    await page.goto("/schedule/team")
    await page.get_by_label("Team").select_option(label="Shanghai office")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Show").click()
    overlap = page.locator("#overlap")
    assert not await overlap.get_by_label("Cleo Volunteer").is_checked()
    assert await overlap.get_by_label("Ben Okoro").is_checked()
    await overlap.get_by_label("Include people without a work arrangement").check()
    async with page.expect_navigation():
        await overlap.get_by_role("button", name="Find overlap").click()
    overlap = page.locator("#overlap")
    assert await overlap.get_by_label("Cleo Volunteer").is_checked()
    assert "There is no time this week when all of them are working." in (
        await overlap.inner_text()
    )
