"""The waitlist: offers by email in order, lapses passing to the next, automatic promotion."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.areas import collect
from opsuite.errors import Conflict
from opsuite.notify.service import dispatch_due
from opsuite.shifts import service
from opsuite.shifts.models import SignUp, SignUpStatus
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def full_shift(settings, waiting: int = 2, **kwargs):
    shift = await make_shift(capacity=1, starts_at=clock.now() + timedelta(days=3), **kwargs)
    holder = await make_volunteer(name="Holder")
    await service.sign_up(holder, shift.id, settings=settings)
    queue = [await make_volunteer(name=f"Waiting {n}") for n in range(1, waiting + 1)]
    for person in queue:
        await service.sign_up(person, shift.id, settings=settings)
    return shift, holder, queue


async def status_of(shift_id: int, person) -> str:
    return str((await SignUp.get(shift_id=shift_id, volunteer_id=person.id)).status)


async def test_cancellation_offers_the_place_to_the_first_in_line_by_email(
    settings, frozen_clock, inbox
):
    shift, holder, (first, second) = await full_shift(settings)
    await service.cancel_signup(holder, shift.id, settings=settings)
    assert await status_of(shift.id, first) == "offered"
    assert await status_of(shift.id, second) == "waitlisted"
    await dispatch_due(settings)
    offers = [m for m in inbox.to(first.email) if "place opened up" in m.subject]
    assert len(offers) == 1
    assert f"/shifts/{shift.id}" in offers[0].text
    assert not [m for m in inbox.to(second.email) if "place opened up" in m.subject]
    # An open offer holds the place: a newcomer joins the waitlist behind the others.
    late = await make_volunteer()
    assert (await service.sign_up(late, shift.id, settings=settings)).status == "waitlisted"
    accepted = await service.accept_offer(first, shift.id, settings=settings)
    assert accepted.status == SignUpStatus.CONFIRMED


async def test_a_lapsed_offer_passes_to_the_next_person(settings, frozen_clock, inbox):
    shift, holder, (first, second) = await full_shift(settings)
    await service.cancel_signup(holder, shift.id, settings=settings)
    offer = await SignUp.get(shift_id=shift.id, volunteer_id=first.id)
    assert offer.offer_expires_at == clock.now() + timedelta(hours=12)
    clock.advance(timedelta(hours=11))
    assert await service.expire_offers(settings) == 0
    clock.advance(timedelta(hours=1, minutes=1))
    assert await service.expire_offers(settings) == 1
    assert await status_of(shift.id, first) == "lapsed"
    assert await status_of(shift.id, second) == "offered"
    with pytest.raises(Conflict):
        await service.accept_offer(first, shift.id, settings=settings)
    await dispatch_due(settings)
    assert [m for m in inbox.to(second.email) if "place opened up" in m.subject]


async def test_offers_are_shorter_close_to_the_shift(settings, frozen_clock):
    shift = await make_shift(capacity=1, starts_at=clock.now() + timedelta(hours=14))
    holder, waiting = await make_volunteer(), await make_volunteer()
    await service.sign_up(holder, shift.id, settings=settings)
    await service.sign_up(waiting, shift.id, settings=settings)
    manager = await manager_of(await shift.opportunity)
    signup = await SignUp.get(shift_id=shift.id, volunteer_id=holder.id)
    await service.remove_from_shift(manager, shift.id, signup.id, settings=settings)
    offer = await SignUp.get(shift_id=shift.id, volunteer_id=waiting.id)
    assert offer.offer_expires_at == clock.now() + timedelta(hours=7)


async def test_programs_may_promote_automatically(settings, frozen_clock, inbox):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    await service.set_policy(manager, opportunity.program_id, auto_promote=True, offer_hours=12)
    shift, holder, (first, second) = await full_shift(settings, opportunity=opportunity)
    await service.cancel_signup(holder, shift.id, settings=settings)
    assert await status_of(shift.id, first) == "confirmed"
    assert await status_of(shift.id, second) == "waitlisted"
    await dispatch_due(settings)
    assert [m for m in inbox.to(first.email) if "You are on the shift" in m.subject]


async def test_declining_an_offer_passes_it_on(settings, frozen_clock):
    shift, holder, (first, second) = await full_shift(settings)
    await service.cancel_signup(holder, shift.id, settings=settings)
    await service.cancel_signup(first, shift.id, settings=settings)
    assert await status_of(shift.id, second) == "offered"


def test_offer_expiry_is_a_scheduled_job(settings):
    assert "shifts.expire_offers" in [job.id for job in collect().jobs]
