"""In a real browser: a form sent after the session ended comes back filled in after logging
in again, and a draft typed into a form survives closing the tab."""

from __future__ import annotations

import pytest

from opsuite.auth.models import Session, User
from tests.browser.conftest import log_in_through_form
from tests.factories.auth import PASSWORD, make_user

pytestmark = pytest.mark.browser

TYPED = {  # the profile form's fields, by their input ids
    "#f-name": "王芳 Wang Fang",
    "#f-timezone": "Europe/London",
    "#f-phone": "+44 20 7946 0000",
    "#f-skills": "first aid, driving, Mandarin",
}


async def type_profile(page):
    for field, value in TYPED.items():
        if field == "#f-timezone":  # a list of zones, common ones first
            await page.locator(field).select_option(value)
        else:
            await page.locator(field).fill(value)


async def test_session_expires_while_typing_and_nothing_is_lost(page):
    staff = await make_user("staff", name="Old Name")
    await log_in_through_form(page, staff.email)
    await page.goto("/me")
    await type_profile(page)
    await Session.all().delete()  # the session ends while the person is typing

    async with page.expect_navigation():
        await page.get_by_role("button", name="Save profile").click()
    assert "/login" in page.url
    await page.get_by_text("Your session had ended").wait_for()
    assert (await User.get(id=staff.id)).name == "Old Name"

    await page.get_by_label("Email").fill(staff.email)
    await page.get_by_label("Password").fill(PASSWORD)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log in").click()
    assert "/me?resume=" in page.url
    for field, value in TYPED.items():
        assert await page.locator(field).input_value() == value

    async with page.expect_navigation():
        await page.get_by_role("button", name="Save profile").click()
    await page.get_by_text("Your profile is saved.").wait_for()
    saved = await User.get(id=staff.id)
    assert (saved.name, saved.phone, saved.timezone) == (
        "王芳 Wang Fang",
        "+44 20 7946 0000",
        "Europe/London",
    )


async def test_a_draft_survives_closing_the_tab(new_context):
    staff = await make_user("staff", name="Old Name")
    context = await new_context()
    page = await context.new_page()
    await log_in_through_form(page, staff.email)
    await page.goto("/me")
    await type_profile(page)
    await page.get_by_text("Draft saved").wait_for()  # autosaved while typing
    await page.close()

    page = await context.new_page()
    await page.goto("/me")
    await page.get_by_text("You have an unsent draft of this form").wait_for()
    assert await page.locator("#f-phone").input_value() == ""
    async with page.expect_navigation():
        await page.get_by_role("link", name="Restore the draft").click()
    for field, value in TYPED.items():
        assert await page.locator(field).input_value() == value
    assert (await User.get(id=staff.id)).name == "Old Name"  # a draft is not a submission


async def test_without_javascript_an_expired_session_still_keeps_the_form(new_context):
    staff = await make_user("staff")
    context = await new_context(java_script_enabled=False)
    page = await context.new_page()
    await log_in_through_form(page, staff.email)
    await page.goto("/me")
    await type_profile(page)
    await Session.all().delete()
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save profile").click()
    await page.get_by_label("Email").fill(staff.email)
    await page.get_by_label("Password").fill(PASSWORD)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log in").click()
    assert await page.locator("#f-phone").input_value() == TYPED["#f-phone"]
