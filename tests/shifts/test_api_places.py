"""A volunteer's own place over the API (issue #22's parity): accepting a waitlist offer,
swaps, check-in and check-out, through the same services and forms as the shift page."""

from __future__ import annotations

from datetime import timedelta

from opsuite import clock
from opsuite.shifts import service
from opsuite.shifts.models import HoursRecord, SignUp
from tests.factories.shifts import make_shift, make_volunteer
from tests.shifts.test_api import bearer


async def test_accepting_an_offered_place_confirms_it_once(client, settings, frozen_clock):
    shift = await make_shift(capacity=1)
    holder, waiting = await make_volunteer(), await make_volunteer()
    await service.sign_up(holder, shift.id, settings=settings)
    await service.sign_up(waiting, shift.id, settings=settings)
    early = await client.post(f"/api/v1/shifts/{shift.id}/accept", headers=await bearer(waiting))
    assert early.status_code == 404  # nothing is offered while the holder keeps the place
    await service.cancel_signup(holder, shift.id, settings=settings)

    taken = await client.post(f"/api/v1/shifts/{shift.id}/accept", headers=await bearer(waiting))
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "confirmed"
    assert taken.json()["volunteer_id"] == waiting.id
    again = await client.post(f"/api/v1/shifts/{shift.id}/accept", headers=await bearer(waiting))
    assert again.status_code == 404
    assert "no open offer" in again.json()["error"]


async def test_a_place_offered_for_a_swap_is_taken_by_another_volunteer(
    client, settings, frozen_clock
):
    shift = await make_shift(capacity=1)
    holder, taker = await make_volunteer(), await make_volunteer()
    await service.sign_up(holder, shift.id, settings=settings)
    url = f"/api/v1/shifts/{shift.id}/swap"
    offered = await client.post(url, json={"action": "offer"}, headers=await bearer(holder))
    assert offered.status_code == 200, offered.text
    assert offered.json()["status"] == "confirmed"  # still on the shift until someone takes it
    assert (await SignUp.get(shift_id=shift.id, volunteer_id=holder.id)).swap_offered_at

    took = await client.post(url, json={"action": "take"}, headers=await bearer(taker))
    assert took.status_code == 200, took.text
    assert took.json()["volunteer_id"] == taker.id
    assert took.json()["status"] == "confirmed"
    assert str((await SignUp.get(shift_id=shift.id, volunteer_id=holder.id)).status) == (
        "cancelled"
    )
    nothing = await client.post(url, json={"action": "withdraw"}, headers=await bearer(holder))
    assert nothing.status_code == 404


async def test_a_swap_offer_can_be_withdrawn_and_bad_actions_are_named(
    client, settings, frozen_clock
):
    shift = await make_shift()
    holder = await make_volunteer()
    await service.sign_up(holder, shift.id, settings=settings)
    url, headers = f"/api/v1/shifts/{shift.id}/swap", await bearer(holder)
    await client.post(url, json={"action": "offer"}, headers=headers)
    kept = await client.post(url, json={"action": "withdraw"}, headers=headers)
    assert kept.status_code == 200
    assert (await SignUp.get(shift_id=shift.id, volunteer_id=holder.id)).swap_offered_at is None
    for body, field in (({"action": "sell"}, "action"), ({}, "action"), ({"x": 1}, "x")):
        refused = await client.post(url, json=body, headers=headers)
        assert refused.status_code == 400, body
        assert refused.json()["field"] == field or field in refused.json().get("fields", {})


async def test_check_in_and_out_over_the_api_leaves_hours_to_approve(
    client, settings, frozen_clock
):
    shift = await make_shift(starts_at=clock.now() + timedelta(minutes=30), hours=2)
    volunteer, stranger = await make_volunteer(), await make_volunteer()
    await service.sign_up(volunteer, shift.id, settings=settings)
    headers = await bearer(volunteer)
    base = f"/api/v1/shifts/{shift.id}"
    out_first = await client.post(f"{base}/checkout", json={}, headers=headers)
    assert out_first.status_code == 409  # a check-out needs a check-in before it

    checked_in = await client.post(f"{base}/checkin", json={}, headers=headers)
    assert checked_in.status_code == 200, checked_in.text
    assert checked_in.json()["checked_in_at"] == "2026-03-02T09:00:00Z"
    twice = await client.post(f"{base}/checkin", json={}, headers=headers)
    assert twice.status_code == 409
    clock.advance(timedelta(hours=2, minutes=40))
    # sent late by a phone that had no signal: it counts from when it happened
    late = {"happened_at": "2026-03-02T11:30:00Z"}
    checked_out = await client.post(f"{base}/checkout", json=late, headers=headers)
    assert checked_out.status_code == 200, checked_out.text
    assert checked_out.json()["minutes"] == 150
    assert checked_out.json()["status"] == "pending"
    assert await HoursRecord.filter(volunteer_id=volunteer.id).count() == 1

    not_on_it = await client.post(f"{base}/checkin", json={}, headers=await bearer(stranger))
    assert not_on_it.status_code == 400
    bad_time = await client.post(
        f"{base}/checkout", json={"happened_at": "yesterday"}, headers=headers
    )
    assert bad_time.status_code == 400
    assert bad_time.json()["field"] == "happened_at"
