"""Signing up and cancelling: places, waitlist, and every refusal leaving nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.audit.models import Activity
from opsuite.errors import Conflict, NotFound
from opsuite.shifts import planning, service
from opsuite.shifts.models import SignUp, SignUpStatus
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def statuses(shift_id: int) -> dict[int, str]:
    rows = await SignUp.filter(shift_id=shift_id)
    return {r.volunteer_id: str(r.status) for r in rows}


async def test_signup_confirms_until_full_then_waitlists_in_order(settings, frozen_clock):
    shift = await make_shift(capacity=2)
    people = [await make_volunteer() for _ in range(4)]
    results = [await service.sign_up(p, shift.id, settings=settings) for p in people]
    assert [str(r.status) for r in results] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert [await service.waitlist_position(r) for r in results] == [None, None, 1, 2]
    assert await Activity.filter(action="shifts.signup.confirmed").count() == 2


async def test_signing_up_twice_is_refused(settings, frozen_clock):
    shift = await make_shift()
    volunteer = await make_volunteer()
    await service.sign_up(volunteer, shift.id, settings=settings)
    with pytest.raises(service.AlreadySignedUpError):
        await service.sign_up(volunteer, shift.id, settings=settings)
    assert await SignUp.filter(shift_id=shift.id).count() == 1


async def test_signup_rejected_for_cancelled_or_past_shift(settings, frozen_clock):
    shift = await make_shift()
    manager = await manager_of(await shift.opportunity)
    await planning.cancel_shift(manager, shift, reason="Storm", settings=settings)
    volunteer = await make_volunteer()
    with pytest.raises(Conflict, match="cancelled"):
        await service.sign_up(volunteer, shift.id, settings=settings)
    soon = await make_shift(starts_at=clock.now() + timedelta(hours=1))
    clock.advance(timedelta(hours=2))
    with pytest.raises(Conflict, match="started"):
        await service.sign_up(volunteer, soon.id, settings=settings)
    assert await SignUp.all().count() == 0


async def test_required_skills_are_enforced_with_a_manager_override(settings, frozen_clock):
    opportunity = await make_opportunity(required_skills=["First aid"])
    shift = await make_shift(opportunity)
    manager = await manager_of(opportunity)
    untrained = await make_volunteer()
    with pytest.raises(service.MissingSkillsError, match="First aid"):
        await service.sign_up(untrained, shift.id, settings=settings)
    with pytest.raises(service.MissingSkillsError):
        await service.add_to_shift(manager, shift.id, untrained, settings=settings)
    signup = await service.add_to_shift(
        manager, shift.id, untrained, settings=settings, override_skills=True
    )
    assert signup.status == SignUpStatus.CONFIRMED
    assert signup.skills_overridden
    trained = await make_volunteer(skills=["first aid"])
    assert (await service.sign_up(trained, shift.id, settings=settings)).status == "confirmed"


async def test_overlapping_shifts_are_refused(settings, frozen_clock):
    start = clock.now() + timedelta(days=2)
    first = await make_shift(starts_at=start, hours=3)
    second = await make_shift(starts_at=start + timedelta(hours=2), hours=3)
    after = await make_shift(starts_at=start + timedelta(hours=3), hours=1)
    volunteer = await make_volunteer()
    await service.sign_up(volunteer, first.id, settings=settings)
    with pytest.raises(service.OverlapError):
        await service.sign_up(volunteer, second.id, settings=settings)
    assert (await service.sign_up(volunteer, after.id, settings=settings)).status == "confirmed"


async def test_cancel_frees_the_place_until_the_cutoff(settings, frozen_clock):
    shift = await make_shift(starts_at=clock.now() + timedelta(days=1))
    volunteer = await make_volunteer()
    await service.sign_up(volunteer, shift.id, settings=settings)
    clock.advance(timedelta(hours=13))  # 11 hours before the start: past the 12-hour cut-off
    with pytest.raises(Conflict, match="contact the coordinator"):
        await service.cancel_signup(volunteer, shift.id, settings=settings)
    assert (await statuses(shift.id))[volunteer.id] == "confirmed"
    manager = await manager_of(await shift.opportunity)
    signup = await SignUp.get(shift_id=shift.id)
    await service.remove_from_shift(manager, shift.id, signup.id, settings=settings)
    assert (await statuses(shift.id))[volunteer.id] == "cancelled"


async def test_cancel_and_sign_up_again(settings, frozen_clock):
    shift = await make_shift()
    volunteer = await make_volunteer()
    await service.sign_up(volunteer, shift.id, settings=settings)
    await service.cancel_signup(volunteer, shift.id, settings=settings)
    with pytest.raises(NotFound):
        await service.cancel_signup(volunteer, shift.id, settings=settings)
    again = await service.sign_up(volunteer, shift.id, settings=settings)
    assert again.status == SignUpStatus.CONFIRMED
    assert await SignUp.filter(shift_id=shift.id).count() == 1


async def test_capacity_cannot_drop_below_signups(settings, frozen_clock):
    shift = await make_shift(capacity=3)
    for _ in range(2):
        await service.sign_up(await make_volunteer(), shift.id, settings=settings)
    manager = await manager_of(await shift.opportunity)
    shift = await planning.get_shift(shift.id)
    data = planning.ShiftInput(
        day=shift.starts_at.date(),
        start=shift.starts_at.astimezone().time(),
        end=shift.ends_at.astimezone().time(),
        timezone=shift.timezone,
        capacity=1,
    )
    with pytest.raises(Conflict, match="2 people"):
        await planning.update_shift(
            manager, shift, data, scope=planning.EditScope.THIS, settings=settings
        )
    assert (await planning.get_shift(shift.id)).capacity == 3


async def test_coordinator_cannot_add_above_capacity(settings, frozen_clock):
    shift = await make_shift(capacity=1)
    await service.sign_up(await make_volunteer(), shift.id, settings=settings)
    manager = await manager_of(await shift.opportunity)
    with pytest.raises(service.ShiftFullError):
        await service.add_to_shift(manager, shift.id, await make_volunteer(), settings=settings)
    assert await SignUp.filter(shift_id=shift.id).count() == 1


async def test_a_sign_up_costs_the_same_however_many_are_on_the_shift(
    settings, frozen_clock, queries
):
    """Under the shift's lock a sign-up queues only the newcomer's reminders: the others'
    stay as they were, so a rush of sign-ups does not redo everyone's at each one."""
    from opsuite.notify.models import Notification, NotificationStatus

    few, many = await make_shift(capacity=100), await make_shift(capacity=100)
    await service.sign_up(await make_volunteer(), few.id, settings=settings)
    for _ in range(12):
        await service.sign_up(await make_volunteer(), many.id, settings=settings)
    before = {
        n.id: n.due_at
        for n in await Notification.filter(
            item_key=f"shift:{many.id}", status=NotificationStatus.PENDING
        )
    }
    costs = []
    for shift in (few, many):
        newcomer = await make_volunteer()
        queries.count = 0
        await service.sign_up(newcomer, shift.id, settings=settings)
        costs.append(queries.count)

    assert costs[0] == costs[1], costs
    after = await Notification.filter(
        item_key=f"shift:{many.id}", status=NotificationStatus.PENDING
    )
    assert {n.id: n.due_at for n in after if n.id in before} == before  # left as they were
    assert len(after) > len(before)  # and the newcomer's reminder is queued
