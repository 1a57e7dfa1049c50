"""Checking in on a phone that lost its signal: the queued action arrives later with the time it
really happened, once, however often the phone retries."""

from __future__ import annotations

import re
from datetime import timedelta

from opsuite import clock
from opsuite.shifts.models import SignUp
from opsuite.shifts.service import sign_up
from tests.conftest import CSRF_RE, log_in
from tests.factories.shifts import make_shift, make_volunteer

KEY_RE = re.compile(r'name="submission_key" value="([^"]+)"')


async def test_a_queued_check_in_keeps_its_real_time_and_counts_once(
    client, settings, frozen_clock
):
    shift = await make_shift(starts_at=frozen_clock + timedelta(minutes=30))
    volunteer = await make_volunteer()
    await sign_up(volunteer, shift.id, settings=settings)
    await log_in(client, volunteer.email)
    page = await client.get(f"/shifts/{shift.id}")
    fields = {
        "csrf_token": CSRF_RE.search(page.text).group(1),
        "submission_key": KEY_RE.search(page.text).group(1),
    }
    pressed_at = frozen_clock + timedelta(minutes=25)  # pressed in a basement with no signal
    clock.set_now(frozen_clock + timedelta(minutes=50))  # back online 25 minutes later

    queued = {**fields, "happened_at": pressed_at.isoformat().replace("+00:00", "Z")}
    first = await client.post(f"/shifts/{shift.id}/checkin", data=queued)
    again = await client.post(f"/shifts/{shift.id}/checkin", data=queued)  # the phone retries

    assert first.status_code == again.status_code == 303
    signup = await SignUp.get(shift_id=shift.id, volunteer_id=volunteer.id)
    assert signup.checked_in_at == pressed_at
    assert "not carried out twice" in (await client.get(again.headers["location"])).text


async def test_a_queued_time_too_old_or_in_the_future_is_refused(client, settings, frozen_clock):
    shift = await make_shift(starts_at=frozen_clock + timedelta(minutes=30))
    volunteer = await make_volunteer()
    await sign_up(volunteer, shift.id, settings=settings)
    await log_in(client, volunteer.email)
    for happened_at, message in [
        ((frozen_clock - timedelta(days=2)).isoformat(), "must be from the last 24 hours"),
        ((frozen_clock + timedelta(hours=1)).isoformat(), "must be from the last 24 hours"),
        ("yesterday", "must look like 2026-03-07T09:05:00Z"),
    ]:
        page = await client.get(f"/shifts/{shift.id}")
        response = await client.post(
            f"/shifts/{shift.id}/checkin",
            data={
                "csrf_token": CSRF_RE.search(page.text).group(1),
                "submission_key": KEY_RE.search(page.text).group(1),
                "happened_at": happened_at,
            },
        )
        assert response.status_code == 400
        assert message in response.text
        assert (
            await SignUp.get(shift_id=shift.id, volunteer_id=volunteer.id)
        ).checked_in_at is None
