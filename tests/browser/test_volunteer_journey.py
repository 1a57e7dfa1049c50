"""A volunteer's whole journey in Chromium, on a 390 px phone: from the program's public
application page through the application (its questions, the consent), the coordinator's
approval (emailed through the real SMTP fixture), a sign-up, the shift's check-in QR link with
the network cut (the installed web app keeps the check-in and sends it when the signal is
back), the check-out, the hours' approval, and a certificate of service whose verification
page confirms it, and refuses it once one byte of its content is changed.

The app is served in this process (uvicorn in the test's event loop) so that the project
clock (the frozen_clock fixture) is the server's time too: the shift's hours pass without a
sleep, and every run sees the same dates. The phone's own clock is set to the same instant,
since an offline check-in carries the time it was pressed.
Screenshots at 390 px (English and Chinese) go to test-artifacts/journey-*.png."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, expect

from opsuite import clock
from opsuite.app import create_app
from opsuite.auth.models import User
from opsuite.notify.service import dispatch_due
from opsuite.shifts.models import Certificate, HoursRecord, HoursStatus, SignUp
from tests.browser.conftest import ARTIFACTS, NewContext, contexts_on, log_in_through_form
from tests.browser.test_certificates import log_in_through_form_zh
from tests.browser.test_offline import KEPT
from tests.conftest import make_settings
from tests.factories.applications import require_applications
from tests.factories.shifts import make_opportunity, make_shift, manager_of
from tests.smtp import Inbox, free_port

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
EMAIL = "mei@example.org"


@pytest.fixture
async def served(instance_dir: Path, smtp: tuple[int, Inbox]) -> AsyncIterator[tuple[str, Any]]:
    """(base URL, settings) of the app served in this process, on the project clock."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(instance_dir, smtp[0], server={"base_url": url})
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.01)  # startup poll, not synchronisation of the test itself
    yield url, settings
    server.should_exit = True
    await task


@pytest.fixture
async def contexts(browser: Browser, served: tuple[str, Any]) -> AsyncIterator[NewContext]:
    """Fresh contexts on the in-process server, a phone's screen unless told otherwise."""
    opened: list[BrowserContext] = []
    make = contexts_on(browser, served[0], opened)

    async def phone_first(**options: Any) -> BrowserContext:
        options.setdefault("viewport", PHONE)
        return await make(**options)

    yield phone_first
    for context in opened:
        await context.close()


async def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"journey-{name}-390.png"), full_page=True)
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


async def move_to(context: BrowserContext, instant: datetime) -> None:
    """The project clock (the server's) and the phone's clock, both at ``instant``."""
    clock.set_now(instant)
    await context.clock.set_fixed_time(instant)


async def test_a_newcomer_walks_from_applying_to_a_verified_certificate(
    contexts, served, inbox, frozen_clock
):
    _url, settings = served
    start = frozen_clock  # the server's time, and the phone's (cookies count their own)
    opportunity = await make_opportunity(title="Food bank sorting")
    program = await opportunity.program
    await require_applications(program)
    shift = await make_shift(opportunity, starts_at=start + timedelta(minutes=30), hours=3)
    coordinator = await manager_of(opportunity)

    # --- the newcomer applies, on a phone -------------------------------------------------
    phone_context = await contexts()
    phone = await phone_context.new_page()
    await move_to(phone_context, start)
    await phone.goto(f"/programs/{program.id}/apply")
    await phone.get_by_role("link", name="Create an account").click()
    await phone.get_by_label("Name").fill("Mei Chen")
    await phone.get_by_label("Email").fill(EMAIL)
    await phone.get_by_label("Password").fill("correct horse 1")
    async with phone.expect_navigation():
        await phone.get_by_role("button", name="Create account").click()
    assert urlsplit(phone.url).path == f"/programs/{program.id}/apply"
    await phone.get_by_label("Why do you want to help?").fill("I want to help my neighbours.")
    await phone.get_by_label("Preferred day").select_option("Saturday")
    await phone.get_by_label("Have you volunteered before?").select_option("yes")
    await phone.get_by_label("I accept: Photo consent").check()
    await phone.get_by_role("button", name="Send my application").click()
    await expect(phone.get_by_text("Your application is sent")).to_be_visible()

    # --- the coordinator approves; the email arrives ------------------------------------
    desk = await (await contexts(viewport={"width": 1280, "height": 900})).new_page()
    await log_in_through_form(desk, coordinator.email)
    await desk.goto("/applications")
    await desk.get_by_role("link", name="Mei Chen").click()
    await expect(desk.get_by_text("I want to help my neighbours.")).to_be_visible()
    await desk.get_by_role("button", name="Approve").click()
    await expect(desk.get_by_text("Approved; Mei Chen has been told by email.")).to_be_visible()
    await dispatch_due(settings)
    (told,) = inbox.to(EMAIL)
    assert "approved" in told.subject

    # --- the volunteer signs up ------------------------------------------------------------
    await phone.goto(f"/shifts/{shift.id}")
    await phone.get_by_role("button", name="Sign up").click()
    await expect(phone.get_by_text("You are signed up.", exact=True)).to_be_visible()

    # --- at the door: the QR link, the installed app, the network cut ---------------------
    await desk.goto(f"/shifts/{shift.id}/qr")
    door = urlsplit(await desk.locator(".door-url").inner_text()).path
    await phone.goto(door)
    assert await phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    await phone.reload()
    await phone.wait_for_function("navigator.serviceWorker.controller !== null")
    assert await phone.evaluate(KEPT, door)

    arrived = start + timedelta(minutes=25)
    await move_to(phone_context, arrived)
    await phone_context.set_offline(True)
    await phone.goto("about:blank")
    await phone.goto(door)  # the kept copy: the phone has no signal
    await phone.get_by_role("button", name="Check in").click()
    await phone.get_by_text("No connection: kept on this phone").wait_for()
    await shoot(phone, "check-in-offline-en")
    signup = await SignUp.get(shift_id=shift.id, volunteer__email=EMAIL)
    assert signup.checked_in_at is None  # nothing reached the server yet

    await move_to(phone_context, arrived + timedelta(minutes=10))  # signal, ten minutes on
    async with phone.expect_navigation():  # the queue is sent, then the page reloads
        await phone_context.set_offline(False)
    await phone.get_by_text("Checked in at").wait_for()
    await shoot(phone, "check-in-en")
    signup = await SignUp.get(id=signup.id)
    assert signup.checked_in_at == arrived  # counted at the moment it was pressed

    # The same page for a volunteer who reads Chinese (their own setting wins over the browser's).
    await User.filter(email=EMAIL).update(locale="zh_Hans")
    chinese = await (await contexts(locale="zh-CN")).new_page()
    await log_in_through_form_zh(chinese, EMAIL)
    await chinese.goto(door)
    await expect(chinese.get_by_role("button", name="签退")).to_be_visible()
    await shoot(chinese, "check-in-zh_Hans")
    await User.filter(email=EMAIL).update(locale="en")

    # --- three hours later: check-out, and the coordinator approves the hours ----------
    left = start + timedelta(hours=3, minutes=30)
    await move_to(phone_context, left)
    async with phone.expect_navigation():
        await phone.get_by_role("button", name="Check out").click()
    await phone.get_by_text("Thank you!").wait_for()
    record = await HoursRecord.get(signup_id=signup.id)
    assert record.minutes == 185
    assert record.status == HoursStatus.PENDING

    await desk.goto("/shifts/hours")
    await desk.screenshot(path=str(ARTIFACTS / "journey-hours-1280.png"), full_page=True)
    pending = desk.locator("tr", has=desk.get_by_role("button", name="Approve"))
    await expect(pending).to_have_count(1)
    await expect(pending).to_contain_text("Mei Chen")
    await pending.get_by_role("button", name="Approve").click()
    await expect(desk.get_by_role("button", name="Approve")).to_have_count(0)
    assert (await HoursRecord.get(id=record.id)).status == HoursStatus.APPROVED

    # --- the certificate, and anyone checking it ----------------------------------------
    await move_to(phone_context, start + timedelta(days=1))
    await phone.goto("/shifts/mine")
    form = phone.locator("form[action='/shifts/mine/certificates']")
    await form.locator("select[name=locale]").select_option("en")
    async with phone.expect_navigation():
        await form.get_by_role("button", name="Get the certificate").click()
    await expect(
        phone.get_by_role("heading", name="Certificate of volunteer service")
    ).to_be_visible()
    await expect(phone.locator("main")).to_contain_text("Food bank sorting")
    await shoot(phone, "certificate-en")
    verify = urlsplit(await phone.locator(".cert-url a").get_attribute("href") or "").path

    anyone_context = await contexts()
    anyone = await anyone_context.new_page()
    await anyone.goto(verify)
    await expect(anyone.locator("main")).to_contain_text("Genuine: certificate")
    await shoot(anyone, "verify-en")
    zh_anyone = await (await contexts(locale="zh-CN")).new_page()
    await zh_anyone.goto(verify)
    await shoot(zh_anyone, "verify-zh_Hans")

    # An altered code is no certificate at all.
    code = verify.rsplit("/", 1)[1]
    altered = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = await anyone.goto(f"/verify/{altered}")
    assert response is not None
    assert response.status == 404
    # One byte of the content changed (the minutes, 185 -> 184): the signature no longer fits.
    certificate = await Certificate.get(volunteer__email=EMAIL)
    tampered = change_one_byte(certificate.content)
    await Certificate.filter(id=certificate.id).update(content=tampered)
    response = await anyone.goto(verify)
    assert response is not None
    assert response.status == 409
    await expect(anyone.locator("main")).to_contain_text("no longer matches its signature")
    assert "Genuine:" not in await anyone.locator("main").inner_text()
    await shoot(anyone, "verify-refused-en")
    await zh_anyone.goto(verify)
    await shoot(zh_anyone, "verify-refused-zh_Hans")


def change_one_byte(content: dict[str, Any]) -> dict[str, Any]:
    """The certificate's content with its total minutes one less: 185 -> 184, one byte."""
    assert content["total_minutes"] == 185
    return {**content, "total_minutes": 184}
