"""Availability in Chromium: a volunteer on a 390 px phone says when they can come and filters
the open shifts to those that fit; the coordinator invites the available volunteers to a short
shift and sees how many were invited. Screenshots at 1280 and 390 px in English and Chinese."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.async_api import expect

from opsuite import clock
from opsuite.auth.models import User
from opsuite.notify.service import dispatch_due
from opsuite.shifts import service
from opsuite.shifts.service import WeeklyBlock
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_design import PHONE, WIDE, logged_in
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of

pytestmark = pytest.mark.browser


def in_three_days_at(hour: int) -> datetime:
    day = clock.now().astimezone(UTC).date() + timedelta(days=3)
    return datetime.combine(day, time(hour), tzinfo=UTC)


async def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def test_a_volunteer_sets_availability_on_a_phone_and_the_coordinator_invites(
    new_context, settings, inbox
):
    opportunity = await make_opportunity(title="Food sorting")
    manager = await manager_of(opportunity)
    fits = await make_shift(opportunity, starts_at=in_three_days_at(9), hours=2, capacity=3)
    await make_shift(opportunity, starts_at=in_three_days_at(15), hours=2)
    ana = await make_volunteer(name="Ana Lima", timezone="UTC", email="ana@example.org")
    for name in ("Ben Okoro", "Cai Wen"):
        other = await make_volunteer(name=name, timezone="UTC")
        await service.set_weekly_availability(other, [WeeklyBlock(d, 0, 1440) for d in range(7)])

    phone = await logged_in(new_context, ana, viewport=PHONE, is_mobile=True)
    await phone.goto("/shifts/mine")
    async with phone.expect_navigation():
        await phone.get_by_role("link", name="My availability").first.click()
    await phone.get_by_label("Monday").fill("25:00-26:00")
    async with phone.expect_navigation():
        await phone.get_by_role("button", name="Save my availability").click()
    await expect(phone.locator("#e-day0")).to_contain_text("Enter times like 09:00-13:00")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        await phone.get_by_label(day).fill("08:00-12:00")
    async with phone.expect_navigation():
        await phone.get_by_role("button", name="Save my availability").click()
    await expect(
        phone.get_by_text("Your weekly availability is saved (7 stretches).")
    ).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await shoot(phone, "availability-en-390")

    await phone.goto("/shifts")
    await expect(phone.get_by_text("fits your availability")).to_have_count(1)
    await phone.get_by_label("Fits my availability").check()
    async with phone.expect_navigation():
        await phone.get_by_role("button", name="Show").click()
    listed = phone.locator("ul.agenda li")
    await expect(listed).to_have_count(1)
    await expect(listed.first).to_contain_text("fits your availability")
    await expect(listed.first.get_by_role("link", name="Food sorting")).to_have_attribute(
        "href", f"/shifts/{fits.id}"
    )
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await shoot(phone, "shifts-fits-en-390")

    coordinator = await logged_in(new_context, manager, viewport=WIDE)
    await coordinator.goto(f"/shifts/{fits.id}")
    async with coordinator.expect_navigation():
        await coordinator.get_by_role("button", name="Invite available volunteers").click()
    await expect(
        coordinator.get_by_text("Invited 3 available volunteers for 3 open places.")
    ).to_be_visible()
    await expect(coordinator.get_by_text("3 volunteers invited so far.")).to_be_visible()
    await shoot(coordinator, "shift-invited-en-1280")
    await dispatch_due(settings)
    invited = sorted(m.rcpt_tos[0] for m in inbox.messages if "Can you help?" in m.subject)
    assert len(invited) == 3
    assert "ana@example.org" in invited

    await coordinator.goto(f"/shifts/{fits.id}/roster")
    await shoot(coordinator, "roster-record-en-1280")


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_the_availability_pages_in_both_languages_and_widths(new_context, settings, locale):
    opportunity = await make_opportunity(title="Food sorting 整理食物")
    manager = await manager_of(opportunity)
    await User.filter(id=manager.id).update(locale=locale)
    shift = await make_shift(opportunity, starts_at=in_three_days_at(9), hours=2, capacity=2)
    ana = await make_volunteer(name="Ana Lima", timezone="Asia/Shanghai", locale=locale)
    await service.set_weekly_availability(ana, [WeeklyBlock(d, 8 * 60, 22 * 60) for d in range(7)])
    today = clock.now().date()
    await service.add_blackout(
        ana,
        first_day=today + timedelta(days=20),
        last_day=today + timedelta(days=22),
        note="Away at the coast",
    )
    await service.sign_up(ana, shift.id, settings=settings)
    manager = await User.get(id=manager.id)
    for width, viewport in (("1280", WIDE), ("390", PHONE)):
        options = {"viewport": viewport, "is_mobile": viewport is PHONE}
        if locale == "zh_Hans":
            options["locale"] = "zh-CN"
        page = await logged_in(new_context, ana, **options)
        await page.goto("/shifts/mine/availability")
        await expect(page.locator("#f-day0")).to_have_value("08:00-22:00")
        await expect(page.locator("li", has_text="Away at the coast")).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        await shoot(page, f"availability-{locale}-{width}")
        await page.goto("/shifts?fits=1")
        await shoot(page, f"shifts-fits-{locale}-{width}")
        boss = await logged_in(new_context, manager, **options)
        await boss.goto(f"/shifts/{shift.id}")
        await expect(boss.locator("form[action$='/invite-available'] button")).to_be_visible()
        await shoot(boss, f"shift-invite-{locale}-{width}")
        await boss.goto(f"/shifts/{shift.id}/roster")
        await expect(boss.locator(".record").first).to_be_visible()
        await shoot(boss, f"roster-record-{locale}-{width}")


async def test_the_availability_page_has_no_serious_accessibility_violations(new_context):
    from tests.browser.test_accessibility import serious_violations

    ana = await make_volunteer(name="Ana Lima", timezone="UTC")
    await service.set_weekly_availability(ana, [WeeklyBlock(0, 8 * 60, 12 * 60)])
    page = await logged_in(new_context, ana, bypass_csp=True)  # axe is an injected script
    found = {}
    for path in ("/shifts/mine/availability", "/shifts?fits=1"):
        await page.goto(path)
        found[path] = await serious_violations(page)
    await page.goto("/shifts/mine/availability")
    await page.locator("#f-day1").fill("21:00-18:00")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save my availability").click()
    await expect(page.locator("#e-day1")).to_contain_text("must end after it starts")
    found["refused"] = await serious_violations(page)
    assert not {path: v for path, v in found.items() if v}
