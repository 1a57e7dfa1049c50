"""On a phone that loses its signal, check-in still works: the action waits in the browser and
is sent, with the time it happened, when the connection is back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.shifts.models import SignUp
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
    await page.get_by_text("Checked in at").wait_for()
    assert await page.get_by_role("button", name="Check in").count() == 0
    signup = await SignUp.get(shift_id=shift.id, volunteer_id=volunteer.id)
    assert signup.checked_in_at is not None
    assert abs((signup.checked_in_at - pressed).total_seconds()) < 30
