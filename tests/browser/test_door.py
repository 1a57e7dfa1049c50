"""At the door, in a real browser: a volunteer scans the shift's QR code on a phone and checks
in; a tablet in kiosk mode shows first names only, checks people in with a tap, and lets go
only with the coordinator's PIN."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from opsuite import clock
from opsuite.shifts.models import SignUp
from opsuite.shifts.service import sign_up
from tests.browser.conftest import ARTIFACTS, log_in_through_form
from tests.factories.shifts import make_shift, make_volunteer, manager_of

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


async def coordinator_page(new_context, shift, **options):
    manager = await manager_of(await shift.opportunity)
    context = await new_context(**options)
    page = await context.new_page()
    await log_in_through_form(page, manager.email)
    return page


async def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def test_a_volunteer_scans_the_code_on_a_phone_and_checks_in(new_context, settings):
    shift = await make_shift(starts_at=clock.now() + timedelta(minutes=20))
    volunteer = await make_volunteer(name="Ana Pereira")
    await sign_up(volunteer, shift.id, settings=settings)
    coordinator = await coordinator_page(new_context, shift)
    await coordinator.goto(f"/shifts/{shift.id}")
    await coordinator.get_by_role("link", name="Check-in QR code").click()
    assert await coordinator.locator(".door-qr svg").count() == 1
    # Big enough to scan from a step away: the code fills its box (up to 320 px), not a
    # small corner of it.
    box = await coordinator.locator(".door-qr svg path").bounding_box()
    assert box is not None
    assert box["width"] >= 250
    door = urlsplit(await coordinator.locator(".door-url").inner_text()).path

    phone = await (await new_context(viewport=PHONE)).new_page()
    await phone.goto(door)  # what the camera opens: not signed in yet
    async with phone.expect_navigation():
        await phone.get_by_role("link", name="Log in to check in").click()
    await phone.get_by_label("Email").fill(volunteer.email)
    await phone.get_by_label("Password").fill("correct horse 1")
    async with phone.expect_navigation():
        await phone.get_by_role("button", name="Log in").click()
    assert urlsplit(phone.url).path == door  # back where the code led
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    async with phone.expect_navigation():
        await phone.get_by_role("button", name="Check in").click()
    await phone.get_by_text("Checked in at").wait_for()
    signup = await SignUp.get(shift_id=shift.id, volunteer_id=volunteer.id)
    assert signup.checked_in_at is not None

    await phone.goto(door.rsplit("/", 1)[0] + "/1.0123")  # an altered code
    await phone.get_by_role("heading", name="Check-in refused").wait_for()
    assert await phone.get_by_text("Nothing was saved").count() == 1


async def test_the_kiosk_shows_first_names_checks_in_and_needs_the_pin(new_context, settings):
    shift = await make_shift(starts_at=clock.now() + timedelta(minutes=20))
    ana = await make_volunteer(name="Ana Pereira", phone="+49 30 555")
    ana_too = await make_volunteer(name="Ana Souza")
    ben = await make_volunteer(name="Ben Okafor")
    sun = await make_volunteer(name="孙丽", phone="+86 138 0013 8000")
    li = await make_volunteer(name="李丽")
    people = (ana, ana_too, ben, sun, li)
    for person in people:
        await sign_up(person, shift.id, settings=settings)
    tablet = await coordinator_page(new_context, shift, viewport={"width": 1024, "height": 768})
    await tablet.goto(f"/shifts/{shift.id}/roster")
    await tablet.get_by_role("link", name="Kiosk").click()
    await tablet.get_by_label("PIN to leave kiosk mode").fill("4321")
    await tablet.get_by_label("The PIN again").fill("4321")
    async with tablet.expect_navigation():
        await tablet.get_by_role("button", name="Start kiosk mode").click()

    text = await tablet.locator("body").inner_text()
    for shown in ("Ana P.", "Ana S.", "Ben", "丽 S.", "丽 L."):
        assert shown in text, shown
    assert "Ben O." not in text  # the only Ben: the first name is enough
    html = await tablet.content()  # nothing in the markup either (titles, attributes, scripts)
    private = ["Pereira", "Souza", "Okafor", "孙", "李", "+49 30 555", "+86 138"]
    for item in [*private, *(p.email for p in people), *(p.name for p in people)]:
        assert item not in html, item
    for absent in ("Log out", "Menu"):
        assert absent not in text
    await shoot(tablet, "kiosk-1024-en")

    async with tablet.expect_navigation():
        await tablet.get_by_role("button", name="Ana P.").click()
    await tablet.get_by_text("Welcome, Ana P.: you are checked in.").wait_for()
    assert (await SignUp.get(shift_id=shift.id, volunteer_id=ana.id)).checked_in_at is not None

    await tablet.goto("/shifts")  # any other page leads back to the kiosk
    assert urlsplit(tablet.url).path == f"/shifts/{shift.id}/kiosk"

    await tablet.get_by_role("link", name="Leave kiosk mode").click()
    await tablet.get_by_label("PIN").fill("1111")
    async with tablet.expect_navigation():
        await tablet.get_by_role("button", name="Leave kiosk mode").click()
    await tablet.get_by_text("That PIN is not the one set for this kiosk.").wait_for()
    await tablet.goto(f"/shifts/{shift.id}/roster")
    assert urlsplit(tablet.url).path == f"/shifts/{shift.id}/kiosk"  # still a kiosk

    await tablet.get_by_role("link", name="Leave kiosk mode").click()
    await tablet.get_by_label("PIN").fill("4321")
    async with tablet.expect_navigation():
        await tablet.get_by_role("button", name="Leave kiosk mode").click()
    assert urlsplit(tablet.url).path == f"/shifts/{shift.id}/roster"
    await tablet.get_by_text("Kiosk mode ended.").wait_for()
