"""Two-factor sign-in in a real browser: set it up from the profile, keep the recovery codes,
log out, and log in again with a code computed as the person's phone would."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, log_in_through_form
from tests.browser.test_accessibility import serious_violations
from tests.factories.auth import PASSWORD, make_user

pytestmark = pytest.mark.browser


async def test_enrol_and_log_in_with_a_code(page: Page) -> None:
    user = await make_user("manager", email="two.factor@example.org")
    await log_in_through_form(page, user.email)
    await page.goto("/me")
    await page.get_by_role("link", name="Two-factor sign-in").click()
    await page.get_by_role("button", name="Set up two-factor sign-in").click()
    await expect(page.locator(".qr svg")).to_be_visible()
    secret = (await page.locator("#two-factor-secret").inner_text()).strip()
    # The live server runs on the real clock, so the phone's code is computed at it.
    totp = pyotp.TOTP(secret)
    await page.get_by_label("Code from your app").fill(totp.now())
    await page.get_by_role("button", name="Turn on two-factor sign-in").click()
    await expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    await expect(page.locator(".recovery-codes li")).to_have_count(10)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "two-factor-codes.png", full_page=True)
    await page.get_by_role("link", name="I have kept them").click()
    await expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()

    await page.get_by_role("button", name="Log out").click()
    await page.goto("/login")
    await page.get_by_label("Email").fill(user.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    # The next step's code: the one that confirmed the set-up cannot be used again.
    await page.get_by_label("Code").fill(totp.at(time.time() + 30))
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log in").click()
    await page.goto("/me")
    await expect(page.get_by_role("heading", name="My profile")).to_be_visible()


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
async def test_new_pages_have_no_serious_accessibility_violations(new_context, locale) -> None:
    lang = "zh_Hans" if locale == "zh-CN" else "en"
    admin = await make_user("admin", locale=lang)
    person = await make_user("staff", locale=lang)
    context = await new_context(locale=locale, bypass_csp=True)
    page = await context.new_page()
    await page.goto("/login")  # by field ids, since the labels are in Chinese in one run
    await page.locator("#f-email").fill(admin.email)
    await page.locator("#f-password").fill(PASSWORD)
    async with page.expect_navigation():
        await page.locator("main button.primary").click()
    found: dict[str, list[str]] = {}
    await page.goto("/me/two-factor")
    async with page.expect_navigation():
        await page.locator("form[action='/me/two-factor/start'] button").click()
    found["enrolment"] = await serious_violations(page)
    await page.goto(f"/people/{person.id}/erase")
    found["erase"] = await serious_violations(page)
    assert not {name: v for name, v in found.items() if v}
