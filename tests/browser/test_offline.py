"""On a phone that loses its signal, check-in still works: the action waits in the browser and
is sent, with the time it happened, when the connection is back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Error as PlaywrightError

from opsuite import clock
from opsuite.shifts.models import Shift, SignUp
from opsuite.shifts.service import sign_up
from tests.browser.conftest import log_in_through_form
from tests.factories.shifts import make_shift, make_volunteer

pytestmark = pytest.mark.browser


async def test_check_in_without_signal_is_sent_when_back_online(new_context, settings):
    shift = await make_shift(starts_at=clock.now() + timedelta(minutes=20))
    volunteer = await make_volunteer()
    await sign_up(volunteer, shift.id, settings=settings)
    context = await new_context(viewport={"width": 375, "height": 667})
    page = await context.new_page()
    await log_in_through_form(page, volunteer.email)
    await page.goto(f"/shifts/{shift.id}")

    await context.set_offline(True)
    pressed = clock.now()
    await page.get_by_role("button", name="Check in").first.click()
    await page.get_by_text("No connection: kept on this phone").wait_for()
    signup = await SignUp.get(shift_id=shift.id, volunteer_id=volunteer.id)
    assert signup.checked_in_at is None  # nothing reached the server yet

    async with page.expect_navigation():  # the queue is sent, then the page reloads
        await context.set_offline(False)
    await page.reload()  # both page and worker online: see the note in the next test
    await page.get_by_text("Checked in at").wait_for()
    assert await page.get_by_role("button", name="Check in").count() == 0
    signup = await SignUp.get(shift_id=shift.id, volunteer_id=volunteer.id)
    assert signup.checked_in_at is not None
    assert abs((signup.checked_in_at - pressed).total_seconds()) < 30


# Whether this page is kept for a visit without signal, once the worker has stored it (it
# stores in the background): asked again every 50 ms for up to 10 s.
KEPT = """async (wanted) => {
  for (let i = 0; i < 200; i++) {
    const kept = await caches.has('opsuite-pages') &&
      !!(await (await caches.open('opsuite-pages')).match(location.origin + wanted));
    if (kept) return true;
    await new Promise(done => setTimeout(done, 50));
  }
  return false;
}"""
GONE = """async () => {
  for (let i = 0; i < 200; i++) {
    if (!(await caches.has('opsuite-pages'))) return true;
    await new Promise(done => setTimeout(done, 50));
  }
  return false;
}"""


async def test_a_visited_shift_page_opens_without_signal_and_its_check_in_waits(
    new_context, settings
):
    shift = await make_shift(starts_at=clock.now() + timedelta(minutes=20))
    volunteer = await make_volunteer()
    await sign_up(volunteer, shift.id, settings=settings)
    context = await new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await log_in_through_form(page, volunteer.email)
    assert await page.locator("link[rel=manifest]").count() == 1
    await page.goto(f"/shifts/{shift.id}")
    # The app's worker takes over the site; from then on a visit to the shift is kept.
    assert await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    await page.reload()
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert await page.evaluate(KEPT, f"/shifts/{shift.id}")

    # Meanwhile the coordinator adds a note: a page from the network would show it.
    await Shift.filter(id=shift.id).update(notes="Bring gloves")
    # In the basement: no signal. The page opens as it was, and says so.
    await context.set_offline(True)
    await page.goto("about:blank")
    await page.goto(f"/shifts/{shift.id}")
    await page.get_by_text("No connection: this is the page as it was").wait_for()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert await page.get_by_text("Bring gloves").count() == 0  # the kept copy, not the network
    await page.get_by_role("button", name="Check in").first.click()
    await page.get_by_text("No connection: kept on this phone").wait_for()
    signup = await SignUp.get(shift_id=shift.id, volunteer_id=volunteer.id)
    assert signup.checked_in_at is None

    async with page.expect_navigation():  # back upstairs: the check-in is sent, then a reload
        await context.set_offline(False)
    # Playwright brings the page online before its service worker, so that first reload may
    # still find the worker without network and show the kept copy; on a phone both share one
    # network. Opened again now both are online, the page is the server's, with the check-in.
    await page.reload()
    await page.get_by_text("Checked in at").wait_for()
    signup = await SignUp.get(shift_id=shift.id, volunteer_id=volunteer.id)
    assert signup.checked_in_at is not None

    # Signed out, the kept pages are gone: the next person on this phone sees none of them.
    await page.get_by_text("Menu").click()  # a phone's header: the account is in the menu
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log out").click()
    assert await page.evaluate(GONE)
    await context.set_offline(True)
    with pytest.raises(PlaywrightError):
        await page.goto(f"/shifts/{shift.id}")
