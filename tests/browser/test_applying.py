"""Applying in Chromium: a newcomer opens a program's public application page, creates an
account, answers and accepts the consent; the shift page refuses them until a coordinator
approves (the volunteer is emailed), then they sign up. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from opsuite.notify.service import dispatch_due
from tests.browser.conftest import ARTIFACTS, log_in_through_form
from tests.factories.applications import make_application, require_applications
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of

pytestmark = pytest.mark.browser


async def shoot(page: Page, name: str) -> None:
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=str(ARTIFACTS / f"apply-{name}-{width}.png"), full_page=True)
        scroll = await page.evaluate("document.documentElement.scrollWidth > innerWidth")
        assert not scroll, f"{name} scrolls sideways at {width} px"


async def test_newcomer_applies_is_approved_and_signs_up(new_context, settings, inbox):
    opportunity = await make_opportunity(title="Sorting")
    shift = await make_shift(opportunity)
    program = await opportunity.program
    await require_applications(program)
    coordinator = await manager_of(opportunity)

    newcomer = await (await new_context()).new_page()
    await newcomer.goto(f"/shifts/{shift.id}")
    await expect(newcomer.get_by_text("This program takes volunteers whose")).to_be_visible()
    await newcomer.get_by_role("link", name="Apply to this program to sign up").click()
    await newcomer.get_by_role("link", name="Create an account").click()
    await newcomer.get_by_label("Name").fill("Ana Lima")
    await newcomer.get_by_label("Email").fill("ana@example.org")
    await newcomer.get_by_label("Password").fill("correct horse 1")
    async with newcomer.expect_navigation():
        await newcomer.get_by_role("button", name="Create account").click()
    assert newcomer.url.endswith(f"/programs/{program.id}/apply")
    await newcomer.get_by_label("Why do you want to help?").fill("I like sorting.")
    await newcomer.get_by_label("Preferred day").select_option("Sunday")
    await newcomer.get_by_label("Have you volunteered before?").select_option("no")
    await newcomer.get_by_label("First day you can start").fill("2026-03-14")
    await shoot(newcomer, "form")
    # Without the consent the form comes back with everything typed still there.
    await newcomer.get_by_role("button", name="Send my application").click()
    await expect(newcomer.get_by_text("Accept this to apply.")).to_be_visible()
    await expect(newcomer.get_by_label("Why do you want to help?")).to_have_value("I like sorting.")
    await newcomer.get_by_label("I accept: Photo consent").check()
    await newcomer.get_by_role("button", name="Send my application").click()
    await expect(newcomer.get_by_text("Your application is sent")).to_be_visible()
    await expect(newcomer.get_by_text("Received, waiting for a decision")).to_be_visible()
    # Before approval the shift refuses, and says why.
    await newcomer.goto(f"/shifts/{shift.id}")
    await expect(newcomer.get_by_text("waiting for a coordinator's decision")).to_be_visible()
    assert await newcomer.get_by_role("button", name="Sign up").count() == 0
    await shoot(newcomer, "refused")

    desk = await (await new_context()).new_page()
    await log_in_through_form(desk, coordinator.email)
    await desk.goto("/applications")
    await desk.get_by_role("link", name="Ana Lima").click()
    await expect(desk.get_by_text("I like sorting.")).to_be_visible()
    await shoot(desk, "detail")
    await desk.get_by_role("button", name="Approve").click()
    await expect(desk.get_by_text("Approved; Ana Lima has been told by email.")).to_be_visible()
    await dispatch_due(settings)
    (told,) = inbox.to("ana@example.org")
    assert "approved" in told.subject
    assert f"/programs/{program.id}/apply" in told.text

    await newcomer.goto(f"/shifts/{shift.id}")
    await newcomer.get_by_role("button", name="Sign up").click()
    await expect(newcomer.get_by_text("You are signed up.", exact=True)).to_be_visible()


async def test_the_pages_read_in_chinese(new_context, settings):
    opportunity = await make_opportunity(title="Sorting")
    shift = await make_shift(opportunity)
    program = await opportunity.program
    await require_applications(program)
    coordinator = await manager_of(opportunity)
    coordinator.locale = "zh_Hans"
    await coordinator.save()
    volunteer = await make_volunteer(name="李娜", locale="zh_Hans")
    await make_application(volunteer, program)
    phone = await (await new_context()).new_page()
    await log_in_through_form(phone, volunteer.email)
    await phone.goto(f"/shifts/{shift.id}")
    await expect(phone.get_by_text("你的申请正在等待协调员审核。")).to_be_visible()
    await shoot(phone, "refused-zh")
    await phone.goto(f"/programs/{program.id}/apply")
    await shoot(phone, "form-zh")
    desk = await (await new_context()).new_page()
    await log_in_through_form(desk, coordinator.email)
    await desk.goto(f"/programs/{program.id}/application-form")
    await expect(desk.get_by_role("heading", name=f"{program.name}的申请表")).to_be_visible()
    await shoot(desk, "editor-zh")
    await desk.goto("/applications")
    await shoot(desk, "queue-zh")
    await desk.get_by_role("link", name="李娜").click()
    await shoot(desk, "detail-zh")
