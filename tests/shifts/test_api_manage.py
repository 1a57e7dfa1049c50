"""A coordinator running one shift through the JSON API (the roster page's actions): take
someone off, email everyone on it, cancel it. Strangers refused, bad input a 400, nothing
half-done."""

from __future__ import annotations

from opsuite.auth.models import Role
from opsuite.notify.models import Notification
from opsuite.shifts import service
from opsuite.shifts.models import Shift, ShiftStatus, SignUp, SignUpStatus
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer
from tests.tasks.test_api import bearer


async def _shift_with_two(settings):
    manager = await make_user(Role.MANAGER)
    program = await make_program(manager=manager)
    shift = await make_shift(await make_opportunity(program=program, manager=manager))
    people = [await make_volunteer(), await make_volunteer()]
    signups = [await service.sign_up(p, shift.id, settings=settings) for p in people]
    return manager, shift, signups


async def test_a_coordinator_takes_someone_off_the_shift(client, settings, frozen_clock):
    manager, shift, (first, second) = await _shift_with_two(settings)
    url = f"/api/v1/shifts/{shift.id}/roster/{first.id}"

    stranger = await client.delete(url, headers=await bearer(await make_user(Role.MANAGER)))
    assert stranger.status_code == 403
    assert (await SignUp.get(id=first.id)).status == SignUpStatus.CONFIRMED
    removed = await client.delete(url, headers=await bearer(manager))
    again = await client.delete(url, headers=await bearer(manager))

    assert removed.status_code == 200, removed.text
    assert removed.json()["signup_id"] == first.id
    assert (await SignUp.get(id=first.id)).status != SignUpStatus.CONFIRMED
    assert (await SignUp.get(id=second.id)).status == SignUpStatus.CONFIRMED
    assert again.status_code == 404


async def test_a_coordinator_emails_everyone_confirmed(client, settings, frozen_clock):
    manager, shift, _signups = await _shift_with_two(settings)
    url = f"/api/v1/shifts/{shift.id}/message"
    boss = await bearer(manager)
    before = await Notification.filter(kind="shift_message").count()

    empty = await client.post(url, json={"subject": "", "body": "x"}, headers=boss)
    extra = await client.post(url, json={"subject": "s", "body": "b", "cc": "x"}, headers=boss)
    stranger = await client.post(
        url, json={"subject": "Hi", "body": "Bring gloves."},
        headers=await bearer(await make_user(Role.MANAGER)),
    )  # fmt: skip
    assert [empty.status_code, extra.status_code, stranger.status_code] == [400, 400, 403]
    assert empty.json()["fields"]["subject"]
    assert await Notification.filter(kind="shift_message").count() == before
    sent = await client.post(url, json={"subject": "Hi", "body": "Bring gloves."}, headers=boss)

    assert sent.status_code == 200, sent.text
    assert sent.json() == {"sent": 2}
    assert await Notification.filter(kind="shift_message").count() == before + 2


async def test_a_coordinator_cancels_the_shift_once(client, settings, frozen_clock):
    manager, shift, _signups = await _shift_with_two(settings)
    url = f"/api/v1/shifts/{shift.id}/cancel-shift"
    boss = await bearer(manager)

    stranger = await client.post(url, json={}, headers=await bearer(await make_user(Role.MANAGER)))
    volunteer = await client.post(url, json={}, headers=await bearer(await make_volunteer()))
    too_long = await client.post(url, json={"reason": "x" * 1001}, headers=boss)
    assert [stranger.status_code, volunteer.status_code, too_long.status_code] == [403, 403, 400]
    assert (await Shift.get(id=shift.id)).status != ShiftStatus.CANCELLED
    done = await client.post(url, json={"reason": "The hall is flooded."}, headers=boss)
    again = await client.post(url, json={}, headers=boss)

    assert done.status_code == 200, done.text
    assert (await Shift.get(id=shift.id)).status == ShiftStatus.CANCELLED
    assert done.json()["id"] == shift.id
    assert again.status_code == 409
