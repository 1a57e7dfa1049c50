"""What a person sees in a real browser: logging in, the language switcher, a form that keeps
what was typed, pages without JavaScript and on a phone."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, NewContext, log_in_through_form
from tests.factories.auth import make_user

pytestmark = pytest.mark.browser


async def test_manager_logs_in_and_sees_greeting_and_navigation(page: Page) -> None:
    manager = await make_user("manager", name="Mina Okafor")

    await log_in_through_form(page, manager.email)

    await expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Mina Okafor")
    navigation = page.get_by_role("navigation", name="Main")
    for label in ("Home", "People", "Teams", "Programs", "My profile"):
        await expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
    await expect(navigation.get_by_role("link", name="Outbox")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "home-after-login.png", full_page=True)


async def test_failed_login_shows_error_at_password_and_keeps_email(page: Page) -> None:
    person = await make_user("staff")
    await page.goto("/login")

    await page.get_by_label("Email").fill(person.email)
    await page.get_by_label("Password").fill("not my password")
    await page.get_by_role("button", name="Log in").click()

    password = page.get_by_label("Password")
    message = "That email and password do not match an active account."
    await expect(password).to_have_accessible_description(message)
    await expect(page.locator(".field", has=password).get_by_role("alert")).to_have_text(message)
    await expect(password).to_have_value("")
    await expect(page.get_by_label("Email")).to_have_value(person.email)


async def test_language_switcher_changes_page_language_and_back(page: Page) -> None:
    await page.goto("/login")
    switcher = page.locator("#lang-select")
    switch_button = page.locator("form[action='/lang'] button")

    await switcher.select_option(label="简体中文")
    await switch_button.click()

    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    await expect(switcher).to_have_value("zh_Hans")
    await expect(switcher.locator("option:checked")).to_have_text("简体中文")

    await switcher.select_option(label="English")
    await switch_button.click()

    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(switcher).to_have_value("en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


async def test_login_page_in_chinese_for_browser_asking_for_zh_cn(new_context: NewContext) -> None:
    context = await new_context(locale="zh-CN")
    page = await context.new_page()

    await page.goto("/login")

    await expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    await expect(page.get_by_role("heading", level=1)).to_have_text("登录")


async def test_profile_form_keeps_typing_on_error_then_saves(page: Page) -> None:
    person = await make_user("staff", name="Li Wei", timezone="Asia/Shanghai")
    await log_in_through_form(page, person.email)
    await page.goto("/me")
    name, zone, phone = (page.get_by_label(x) for x in ("Full name", "Time zone", "Phone"))

    await name.fill("")
    await zone.select_option("Europe/London")  # a list of zones: nothing to mistype
    await phone.fill("+44 20 7946 0000")
    await page.get_by_role("button", name="Save profile").click()

    error = "This field is required."
    await expect(page.locator(".field", has=name).get_by_role("alert")).to_have_text(error)
    await expect(name).to_have_accessible_description(error)
    await expect(zone).to_have_value("Europe/London")
    await expect(phone).to_have_value("+44 20 7946 0000")

    await name.fill("Li Wei-Tan")
    await page.get_by_role("button", name="Save profile").click()

    await expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    await expect(page.locator("footer p").first).to_have_text("Times are shown in Europe/London.")
    await expect(page.get_by_label("Full name")).to_have_value("Li Wei-Tan")


async def test_log_in_and_out_without_javascript(new_context: NewContext) -> None:
    person = await make_user("volunteer", name="Ana Lima")
    context = await new_context(java_script_enabled=False)
    page = await context.new_page()

    await log_in_through_form(page, person.email)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ana Lima")

    await page.get_by_role("button", name="Log out").click()

    await expect(page.get_by_role("status")).to_have_text("You have logged out.")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    await page.goto("/me")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


async def test_login_page_fits_a_phone_screen(new_context: NewContext) -> None:
    context = await new_context(viewport={"width": 375, "height": 667}, is_mobile=True)
    page = await context.new_page()

    await page.goto("/login")

    await expect(page.get_by_role("button", name="Log in")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "login-phone.png", full_page=True)
