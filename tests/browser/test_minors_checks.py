"""Minors and required checks in Chromium: a minor applies and cannot sign up; the guardian
opens the emailed link and consents; the minor then signs up. A coordinator records a check
with an expiry, and a volunteer whose check expired sees what is missing on the shift page.
Screenshots of the pages this adds, at 1280 and 390 px, in English and Chinese, go to
test-artifacts/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.async_api import Page, expect

from opsuite import clock
from opsuite.applications.service import add_check, decide, record_check
from opsuite.notify.service import dispatch_due
from tests.browser.conftest import ARTIFACTS, log_in_through_form
from tests.factories.applications import make_application, require_applications
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of

pytestmark = pytest.mark.browser
LINK = re.compile(r"(/guardian-consent/\S+)")


async def shoot(page: Page, name: str) -> None:
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=str(ARTIFACTS / f"minors-{name}-{width}.png"), full_page=True)
        scroll = await page.evaluate("document.documentElement.scrollWidth > innerWidth")
        assert not scroll, f"{name} scrolls sideways at {width} px"


def years_ago(years: int) -> date:
    today = clock.now().date()
    return today.replace(year=today.year - years, day=min(today.day, 28))


async def _fill_application(page: Page) -> None:
    await page.get_by_label("Why do you want to help?").fill("I like sorting.")
    await page.get_by_label("Preferred day").select_option("Sunday")
    await page.get_by_label("Have you volunteered before?").select_option("no")
    await page.get_by_label("I accept: Photo consent").check()


async def test_a_minor_waits_for_the_guardian_who_consents_by_the_emailed_link(
    new_context, settings, inbox
):
    opportunity = await make_opportunity(title="Sorting")
    shift = await make_shift(opportunity)
    program = await opportunity.program
    await require_applications(program, guardian_age=16)
    coordinator = await manager_of(opportunity)
    mei = await make_volunteer(name="Mei Zhou", email="mei@example.org")

    phone = await (await new_context()).new_page()
    await log_in_through_form(phone, mei.email)
    await phone.goto(f"/programs/{program.id}/apply")
    await _fill_application(phone)
    await phone.get_by_label("Your birth date").fill(years_ago(14).isoformat())
    await shoot(phone, "form")
    # Under 16 without a guardian: refused, everything typed kept.
    await phone.get_by_role("button", name="Send my application").click()
    await expect(phone.get_by_text("a parent or guardian must consent: this is needed").first
                 ).to_be_visible()  # fmt: skip
    await expect(phone.get_by_label("Why do you want to help?")).to_have_value("I like sorting.")
    await phone.get_by_label("Parent's or guardian's name").fill("Lan Zhou")
    await phone.get_by_label("Parent's or guardian's email").fill("lan@example.org")
    await phone.get_by_label("I accept: Photo consent").check()
    await phone.get_by_role("button", name="Send my application").click()
    await expect(phone.get_by_text("Your application is sent")).to_be_visible()
    await expect(phone.get_by_text("Waiting for your guardian's consent: an email went to")
                 ).to_be_visible()  # fmt: skip
    application = await make_application_of(mei, program)
    await decide(coordinator, application, decision="approve", note="", settings=settings)

    await phone.goto(f"/shifts/{shift.id}")
    await expect(phone.get_by_text("Waiting for your guardian's consent.")).to_be_visible()
    assert await phone.get_by_role("button", name="Sign up").count() == 0
    await expect(phone.get_by_role("link", name="Send the email to your guardian again")
                 ).to_be_visible()  # fmt: skip
    await shoot(phone, "waiting")

    await dispatch_due(settings)
    (mail,) = inbox.to("lan@example.org")
    path = LINK.search(mail.text)[1]
    guardian = await (await new_context()).new_page()
    await guardian.goto(path)
    await expect(guardian.get_by_text("We may take photos at events.")).to_be_visible()
    await shoot(guardian, "guardian")
    await guardian.get_by_role("button", name="I consent", exact=True).click()
    await expect(guardian.get_by_text("Thank you: your consent is recorded.")).to_be_visible()
    await shoot(guardian, "guardian-done")
    # The link works once.
    await guardian.goto(path)
    await expect(guardian.get_by_text("This link was used already")).to_be_visible()
    # A changed link is refused.
    await guardian.goto(path[:-2] + ("00" if not path.endswith("00") else "11"))
    await expect(guardian.get_by_text("not complete or was changed")).to_be_visible()

    await phone.goto(f"/shifts/{shift.id}")
    await phone.get_by_role("button", name="Sign up").click()
    await expect(phone.get_by_text("You are signed up.", exact=True)).to_be_visible()


async def make_application_of(volunteer, program):
    from opsuite.applications.models import Application

    return await Application.get(program_id=program.id, volunteer_id=volunteer.id)


async def test_a_coordinator_records_a_check_and_an_expired_one_shows_on_the_shift(
    new_context, settings
):
    opportunity = await make_opportunity(title="Sorting")
    shift = await make_shift(opportunity)
    program = await opportunity.program
    await require_applications(program)
    coordinator = await manager_of(opportunity)
    ana = await make_volunteer(name="Ana Lima")
    ben = await make_volunteer(name="Ben Okafor")
    for person in (ana, ben):
        application = await make_application(person, program)
        await decide(coordinator, application, decision="approve", note="", settings=settings)
    check = await add_check(coordinator, program, name="Training done", expires=True)
    today = clock.now().date()
    await record_check(
        coordinator, program, check_id=check.id, volunteer_id=ben.id,
        done_on=today - timedelta(days=400), expires_on=today - timedelta(days=5), note="",
    )  # fmt: skip

    desk = await (await new_context()).new_page()
    await log_in_through_form(desk, coordinator.email)
    await desk.goto(f"/programs/{program.id}/checks")
    await desk.get_by_label("Check").fill("Background check on file")
    await desk.get_by_role("button", name="Add the check").click()
    await expect(desk.get_by_text("is required from now on")).to_be_visible()
    await expect(desk.get_by_text("Expired or expiring within 30 days")).to_be_visible()
    await shoot(desk, "checks")
    await desk.get_by_role("link", name="Ana Lima").first.click()
    training = desk.locator("section", has=desk.get_by_role("heading", name="Training done"))
    await training.get_by_label("Done on").fill((today - timedelta(days=1)).isoformat())
    await training.get_by_label("Valid through").fill((today + timedelta(days=20)).isoformat())
    await training.get_by_label("Note").fill("Spring course")
    await training.get_by_role("button", name="Record it").click()
    await expect(desk.get_by_text("“Training done” is recorded.")).to_be_visible()
    await expect(desk.get_by_text("Expires soon").first).to_be_visible()
    await shoot(desk, "person")
    # Bad input comes back with a message and the record unchanged.
    training = desk.locator("section", has=desk.get_by_role("heading", name="Training done"))
    await training.get_by_label("Valid through").fill((today - timedelta(days=30)).isoformat())
    await training.get_by_role("button", name="Save the record").click()
    await expect(desk.get_by_text("cannot be before the day it was done")).to_be_visible()

    phone = await (await new_context()).new_page()
    await log_in_through_form(phone, ben.email)
    await phone.goto(f"/shifts/{shift.id}")
    await expect(phone.get_by_text("Your check “Training done” expired on")).to_be_visible()
    await expect(phone.get_by_text("Required check missing: Background check on file.")
                 ).to_be_visible()  # fmt: skip
    assert await phone.get_by_role("button", name="Sign up").count() == 0
    await shoot(phone, "expired")
    await phone.get_by_role("link", name="Ask the coordinator of this program").first.click()
    await expect(phone.get_by_text(coordinator.email).first).to_be_visible()
    await shoot(phone, "ask")


async def test_the_pages_read_in_chinese(new_context, settings, inbox):
    opportunity = await make_opportunity(title="Sorting")
    shift = await make_shift(opportunity)
    program = await opportunity.program
    await require_applications(program, guardian_age=18)
    coordinator = await manager_of(opportunity)
    coordinator.locale = "zh_Hans"
    await coordinator.save()
    check = await add_check(coordinator, program, name="培训已完成", expires=True)
    mei = await make_volunteer(name="周美", locale="zh_Hans")
    phone = await (await new_context()).new_page()  # the account's language wins
    await log_in_through_form(phone, mei.email)
    await phone.goto(f"/programs/{program.id}/apply")
    await expect(phone.get_by_text("你的出生日期")).to_be_visible()
    await shoot(phone, "form-zh")
    await phone.get_by_label("Why do you want to help?").fill("我喜欢分拣。")
    await phone.get_by_label("Preferred day").select_option("Sunday")
    await phone.get_by_label("Have you volunteered before?").select_option("no")
    await phone.get_by_label("你的出生日期").fill(years_ago(15).isoformat())
    await phone.get_by_label("父母或监护人姓名").fill("周兰")
    await phone.get_by_label("父母或监护人电子邮箱").fill("lan@example.org")
    await phone.locator("input[name=c_c1]").check()
    await phone.locator("form.narrow button[type=submit]").click()
    await expect(phone.get_by_text("正在等待你的监护人同意：")).to_be_visible()
    application = await make_application_of(mei, program)
    await decide(coordinator, application, decision="approve", note="", settings=settings)
    await phone.goto(f"/shifts/{shift.id}")
    await expect(phone.get_by_text("正在等待你的监护人同意。")).to_be_visible()
    await expect(phone.get_by_text("缺少必需的检查项：培训已完成。")).to_be_visible()
    await shoot(phone, "waiting-zh")
    await dispatch_due(settings)
    (mail,) = inbox.to("lan@example.org")
    guardian = await (await new_context(locale="zh-CN")).new_page()
    await guardian.goto(LINK.search(mail.text)[1])
    await expect(guardian.get_by_role("button", name="我同意", exact=True)).to_be_visible()
    await shoot(guardian, "guardian-zh")

    desk = await (await new_context()).new_page()
    await log_in_through_form(desk, coordinator.email)
    await desk.goto(f"/programs/{program.id}/checks")
    await expect(desk.get_by_role("heading", name=f"必需的检查项：{program.name}")).to_be_visible()
    await shoot(desk, "checks-zh")
    await desk.goto(f"/programs/{program.id}/checks/people/{mei.id}")
    await expect(desk.get_by_role("heading", name="周美 的检查项")).to_be_visible()
    await shoot(desk, "person-zh")
    assert check.id
