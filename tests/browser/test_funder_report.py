"""A program's report for funders in Chromium: the manager writes the narrative, prints the
report on A4 (the menu and the tools hidden), shares it by a link that a signed-out browser
opens, revokes the link and sees it refused; the program's read-only viewer opens the report.
Screenshots on screen at 1280 and 390 px and as printed A4, in English and Chinese, go to
test-artifacts/ (page.pdf too; PNGs of its pages when pdftoppm is installed)."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, expect

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.shifts.hours import decide_hours, log_offsite_hours
from opsuite.shifts.service import add_to_shift
from tests.browser.conftest import ARTIFACTS, log_in_through_form
from tests.browser.test_certificates import log_in_through_form_zh
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer

pytestmark = pytest.mark.browser

NARRATIVE = (
    "We visited **40** older people at home this month.\n\n- 12 new volunteers\n- 3 new streets"
)


def last_month() -> tuple[date, date]:
    """Last month by the server's (real) clock, in UTC, the test settings' organisation zone."""
    first_of_this = datetime.now(UTC).date().replace(day=1)
    last = first_of_this - timedelta(days=1)
    return last.replace(day=1), last


async def world(settings, locale="en"):
    first, last = last_month()
    clock.set_now(datetime.combine(first, datetime.min.time(), tzinfo=UTC) - timedelta(days=2))
    try:
        manager = await make_user(
            Role.MANAGER, email="mia@example.org", timezone="UTC", locale=locale
        )
        funder = await make_user(Role.VOLUNTEER, email="funder@example.org", timezone="UTC")
        care = await make_program(manager=manager, name="Elderly care", readers=[funder])
        people = [await make_volunteer(name=f"Volunteer {n}", timezone="UTC") for n in range(3)]
        visits = await make_opportunity(program=care, manager=manager, title="Home visits")
        for day, capacity, taken in ((first + timedelta(days=4), 4, 3), (last, 2, 1)):
            starts = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
            shift = await make_shift(visits, capacity=capacity, starts_at=starts, timezone="UTC")
            for person in people[:taken]:
                await add_to_shift(manager, shift.id, person, settings=settings)
    finally:
        clock.set_now(None)
    for person, day, minutes in ((people[0], first, 120), (people[1], last, 90)):
        logged = await log_offsite_hours(
            person, program_id=care.id, work_date=day, minutes=minutes, description="visits"
        )
        await decide_hours(manager, logged.id, approve=True)
    return manager, funder, care


async def shoot(page: Page, name: str) -> None:
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=str(ARTIFACTS / f"funder-{name}-{width}.png"), full_page=True)
        assert await page.evaluate("document.documentElement.scrollWidth") <= width


async def print_a4(page: Page, name: str) -> None:
    """The printed report: a PDF on A4, its pages as PNG if pdftoppm is there, and the print
    styles seen at A4's width (210 mm at 96 px/in is 794 px)."""
    await page.emulate_media(media="print")
    await page.set_viewport_size({"width": 794, "height": 1123})
    await page.screenshot(path=str(ARTIFACTS / f"funder-{name}-print.png"), full_page=True)
    pdf = ARTIFACTS / f"funder-{name}.pdf"
    await page.pdf(path=str(pdf), format="A4", print_background=True)
    tool = shutil.which("pdftoppm")
    if tool:
        pages = str(ARTIFACTS / f"funder-{name}-a4")
        done = await asyncio.create_subprocess_exec(tool, "-png", "-r", "60", str(pdf), pages)
        assert await done.wait() == 0
    await page.emulate_media(media="screen")


async def test_manager_writes_prints_shares_and_revokes(new_context, settings):
    manager, funder, care = await world(settings)
    ARTIFACTS.mkdir(exist_ok=True)
    page = await (await new_context()).new_page()
    await log_in_through_form(page, manager.email)
    await page.goto(f"/reports/programs/{care.id}")
    await expect(page.get_by_role("heading", name="Elderly care")).to_be_visible()
    figures = page.locator("dl.key-figures")
    await expect(figures).to_contain_text("3.5")  # 120 + 90 minutes
    await expect(figures).to_contain_text("4 of 6 places")

    await page.get_by_role("textbox", name="Narrative").fill(NARRATIVE)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save the narrative").click()
    await expect(page.locator(".narrative strong")).to_have_text("40")
    await expect(page.locator(".narrative li")).to_have_count(2)

    await page.emulate_media(media="print")
    await expect(page.locator("header.top")).to_be_hidden()
    await expect(page.locator(".report-tools")).to_be_hidden()
    await expect(page.locator(".report-manage")).to_be_hidden()
    await expect(page.locator(".report-sheet")).to_be_visible()
    await page.emulate_media(media="screen")
    await print_a4(page, "en")

    await page.get_by_label("For whom (a note)").fill("City foundation")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Create a link").click()
    # The address is on the configured base URL; the live server listens on another port.
    link = urlsplit((await page.locator("#new-link code").inner_text()).strip()).path
    assert link.startswith("/shared/reports/rpt_")

    stranger = await (await new_context()).new_page()
    opened = await stranger.goto(link)
    assert opened is not None
    assert opened.status == 200
    await expect(stranger.get_by_role("heading", name="Elderly care")).to_be_visible()
    await expect(stranger.locator(".narrative strong")).to_have_text("40")
    assert await stranger.locator("nav").count() == 0
    assert await stranger.locator("main a").count() == 0
    await expect(stranger.locator("main")).not_to_contain_text("Volunteer 0")
    await shoot(stranger, "shared-en")

    await page.goto(f"/reports/programs/{care.id}")
    async with page.expect_navigation():
        await page.locator("table.share-links").get_by_role("button", name="Revoke").click()
    await expect(page.locator("table.share-links")).to_contain_text("revoked")
    refused = await stranger.goto(link)
    assert refused is not None
    assert refused.status == 410
    await expect(stranger.get_by_role("heading", name="This link no longer works")).to_be_visible()
    await shoot(stranger, "gone-en")
    await shoot(page, "manager-en")

    reader = await (await new_context()).new_page()
    await log_in_through_form(reader, funder.email)
    seen = await reader.goto(f"/reports/programs/{care.id}")
    assert seen is not None
    assert seen.status == 200
    await expect(reader.locator(".narrative strong")).to_have_text("40")
    assert await reader.get_by_role("button", name="Save the narrative").count() == 0
    await shoot(reader, "reader-en")


async def test_the_report_in_chinese_on_screen_and_on_a4(new_context, settings):
    manager, _funder, care = await world(settings, locale="zh_Hans")
    ARTIFACTS.mkdir(exist_ok=True)
    page = await (await new_context(locale="zh-CN")).new_page()
    await log_in_through_form_zh(page, manager.email)
    await page.goto(f"/reports/programs/{care.id}")
    await page.locator("textarea[name=narrative]").fill("本月上门探访老人 **40** 位。")
    async with page.expect_navigation():
        await page.get_by_role("button", name="保存叙述说明").click()
    await expect(page.get_by_role("heading", name="主要数字")).to_be_visible()
    await expect(page.locator("dl.key-figures")).to_contain_text("6 个名额中已报名 4 个")
    await shoot(page, "manager-zh")
    await print_a4(page, "zh")
    async with page.expect_navigation():
        await page.get_by_role("button", name="创建链接").click()
    link = urlsplit((await page.locator("#new-link code").inner_text()).strip()).path
    stranger = await (await new_context(locale="zh-CN")).new_page()
    await stranger.goto(link)
    await expect(stranger.locator(".narrative strong")).to_have_text("40")
    await shoot(stranger, "shared-zh")
