"""A flexible arrangement on the team week and on my schedule (#16): its window as a light bar
with the core hours solid inside it, the same in words, and the hours planned against the
weekly target; on a phone the team week does not scroll sideways."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from playwright.async_api import expect

from opsuite.schedules.service import BlockInput
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_design import PHONE, WIDE, logged_in
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("locale", "planned"), [("en", "of 37.5 h planned"), ("zh_Hans", "37.5")])
async def test_flexible_day_draws_window_and_core_with_the_weekly_target(
    new_context, settings, locale, planned
):
    manager = await make_user(
        "manager", name="王芳 Wang Fang", locale=locale, timezone="Europe/Madrid"
    )
    maria = await make_user("staff", name="Maria González", locale=locale, timezone="Europe/Madrid")
    fixed = await make_user("staff", name="Sarah Thompson", timezone="Europe/London")
    await make_team(manager=manager, members=[maria, fixed], name="Field Services")
    await make_arrangement(fixed)
    await make_arrangement(
        maria,
        kind="flexible",
        blocks=tuple(BlockInput(d, time(8), time(18)) for d in range(5)),
        window=(time(8), time(18)),
        core=(time(10), time(15)),
        weekly_hours_target=Decimal("37.5"),
    )
    for who, viewport, width in ((manager, WIDE, "1280"), (manager, PHONE, "390")):
        page = await logged_in(new_context, who, viewport=viewport, is_mobile=viewport is PHONE)
        await page.goto("/schedule/team")
        row = page.locator("tr", has_text="Maria González")
        bar = row.locator(".flexbar").first
        await expect(bar.locator(".fx-window")).to_have_count(1)
        await expect(bar.locator(".fx-core")).to_have_count(1)
        window, core = (
            await bar.locator(".fx-window").bounding_box(),
            await bar.locator(".fx-core").bounding_box(),
        )
        assert window is not None
        assert core is not None
        # The core sits inside the window, and is narrower: 5 of 10 hours.
        assert window["x"] <= core["x"]
        assert core["x"] + core["width"] <= window["x"] + window["width"] + 1
        assert core["width"] == pytest.approx(window["width"] / 2, rel=0.1)
        await expect(row.locator(".flex-text").first).to_contain_text("10:00")
        await expect(row.locator(".week-target")).to_contain_text(planned)
        await expect(
            page.locator("tr", has_text="Sarah Thompson").locator(".flexbar")
        ).to_have_count(0)
        if viewport is PHONE:
            assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await page.screenshot(
            path=str(ARTIFACTS / f"flex-team-{locale}-{width}.png"), full_page=True
        )
    mine = await logged_in(new_context, maria, viewport=WIDE)
    await mine.goto("/schedule")
    await expect(mine.locator(".flexbar").first).to_be_visible()
    await expect(mine.locator(".week-target").first).to_contain_text(planned)
    await mine.screenshot(path=str(ARTIFACTS / f"flex-mine-{locale}-1280.png"), full_page=True)
