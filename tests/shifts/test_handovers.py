"""Handing one's place to a named volunteer: who may be chosen, accepting and declining, a
coordinator's approval when the program asks for it, expiry at the start, and exactly one
outcome when people act at once. Mail is read from the SMTP fixture."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import icalendar
import pytest

from opsuite import clock
from opsuite.errors import Conflict, InvalidInput, NotFound, OpsuiteError, PermissionDenied
from opsuite.notify.service import dispatch_due
from opsuite.people.models import Program
from opsuite.privacy.service import export_person
from opsuite.shifts import service
from opsuite.shifts.models import HandoverStatus, ShiftHandover, SignUp, SignUpStatus
from tests.factories.auth import make_user
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def status_of(shift_id: int, person) -> str | None:
    row = await SignUp.get_or_none(shift_id=shift_id, volunteer_id=person.id)
    return str(row.status) if row else None


async def confirmed(shift_id: int) -> int:
    return await SignUp.filter(shift_id=shift_id, status=SignUpStatus.CONFIRMED).count()


async def of_program(opportunity, settings, *names, skills=("forklift",)):
    """Volunteers of the program: each has signed up for another shift of it, a week later."""
    desk = await make_opportunity(
        program=await Program.get(id=opportunity.program_id),
        manager=await manager_of(opportunity),
        title="Welcome desk",
    )
    later = await make_shift(desk, capacity=50, starts_at=clock.now() + timedelta(days=10))
    people = []
    for name in names:
        person = await make_volunteer(name=name, skills=skills)
        await service.sign_up(person, later.id, settings=settings)
        people.append(person)
    return people


async def a_shift_with_ana(settings, *, capacity=2, approve=False):
    opportunity = await make_opportunity(title="Food sorting", required_skills=["forklift"])
    manager = await manager_of(opportunity)
    if approve:
        await service.set_policy(
            manager, opportunity.program_id, auto_promote=False, offer_hours=12,
            approve_transfers=True,
        )  # fmt: skip
    shift = await make_shift(opportunity, capacity=capacity)
    ana, ben = await of_program(opportunity, settings, "Ana Lima", "Ben Okoro")
    await service.sign_up(ana, shift.id, settings=settings)
    return shift, manager, ana, ben


def mails(inbox, person, words):
    return [m for m in inbox.to(person.email) if words in m.subject]


async def test_only_volunteers_who_could_sign_up_are_offered_by_name(settings, frozen_clock):
    opportunity = await make_opportunity(title="Food sorting", required_skills=["forklift"])
    shift = await make_shift(opportunity, capacity=3)
    ana, _ben, cleo, dan, eve = await of_program(
        opportunity, settings, "Ana Lima", "Ben Okoro", "Cleo Park", "Dan Wu", "Eve Stone"
    )
    (noskill,) = await of_program(opportunity, settings, "Finn Gray", skills=())
    stranger = await make_volunteer(name="Gus Never", skills=["forklift"])  # not of the program
    await service.sign_up(ana, shift.id, settings=settings)
    await service.sign_up(cleo, shift.id, settings=settings)  # already on it
    elsewhere = await make_shift(opportunity, starts_at=shift.starts_at + timedelta(hours=1))
    await service.sign_up(dan, elsewhere.id, settings=settings)  # busy at that time
    eve.is_active = False
    await eve.save()

    names = [c.name for c in await service.handover_candidates(ana, shift.id)]

    assert names == ["Ben Okoro"]
    # Left out too: Finn (no forklift) and Gus (never volunteered in the program).
    assert {noskill.id, stranger.id}.isdisjoint(
        c.id for c in await service.handover_candidates(ana, shift.id)
    )
    with pytest.raises(OpsuiteError):
        await service.offer_handover(ana, shift.id, dan.id, settings=settings)
    with pytest.raises(InvalidInput):
        await service.offer_handover(ana, shift.id, ana.id, settings=settings)
    assert not await ShiftHandover.exists()


async def test_the_named_volunteer_accepts_and_both_are_told(settings, frozen_clock, inbox):
    shift, manager, ana, ben = await a_shift_with_ana(settings)
    await dispatch_due(settings)
    inbox.clear()

    offer = await service.offer_handover(ana, shift.id, ben.id, settings=settings)
    await dispatch_due(settings)
    [mail] = mails(inbox, ben, "Ana Lima offers you their place")
    assert f"/shifts/{shift.id}" in mail.text
    assert await status_of(shift.id, ana) == "confirmed"  # until Ben answers

    taken = await service.accept_handover(ben, shift.id, settings=settings)

    assert (taken.id, taken.status) == (offer.id, HandoverStatus.COMPLETED)
    assert await status_of(shift.id, ben) == "confirmed"
    assert await status_of(shift.id, ana) == "cancelled"
    assert await confirmed(shift.id) == 1  # one out, one in
    await dispatch_due(settings)
    [welcome] = mails(inbox, ben, "You are on the shift: Food sorting")
    assert "took over the place of Ana Lima" in welcome.text
    cal = icalendar.Calendar.from_ical(welcome.part("text/calendar"))
    assert str(cal["METHOD"]) == "PUBLISH"
    [gone] = mails(inbox, ana, "Shift swap: Ben Okoro takes over from Ana Lima")
    assert str(icalendar.Calendar.from_ical(gone.part("text/calendar"))["METHOD"]) == "CANCEL"
    assert mails(inbox, manager, "Shift swap: Ben Okoro takes over from Ana Lima")
    with pytest.raises(NotFound):  # once only
        await service.accept_handover(ben, shift.id, settings=settings)
    [row] = (await export_person(ben))["shift_handovers"]  # in Ben's download of his data
    assert (row["id"], row["status"], row["giver_id"]) == (offer.id, "completed", ana.id)


async def test_declining_leaves_the_place_with_the_giver(settings, frozen_clock, inbox):
    shift, _manager, ana, ben = await a_shift_with_ana(settings)
    await service.offer_handover(ana, shift.id, ben.id, settings=settings)

    await service.decline_handover(ben, shift.id, settings=settings)

    assert await status_of(shift.id, ana) == "confirmed"
    assert await status_of(shift.id, ben) is None
    await dispatch_due(settings)
    [mail] = mails(inbox, ana, "Hand-over declined")
    assert "Ben Okoro declined your place on Food sorting" in mail.text
    # Declined, Ana may offer it again, to the same person or another.
    await service.offer_handover(ana, shift.id, ben.id, settings=settings)


async def test_with_approval_the_coordinator_decides(settings, frozen_clock, inbox):
    shift, manager, ana, ben = await a_shift_with_ana(settings, approve=True)
    other_manager = await make_user("manager")
    await service.offer_handover(ana, shift.id, ben.id, settings=settings)

    waiting = await service.accept_handover(ben, shift.id, settings=settings)

    assert waiting.status == HandoverStatus.AWAITING_APPROVAL
    assert (await status_of(shift.id, ana), await status_of(shift.id, ben)) == ("confirmed", None)
    await dispatch_due(settings)
    [ask] = mails(inbox, manager, "Approval needed: Ben Okoro for Ana Lima on Food sorting")
    assert f"/shifts/{shift.id}/roster" in ask.text
    assert mails(inbox, ana, "Accepted, waiting for the coordinator")
    assert [h.id for h in await service.awaiting_approval(shift.id)] == [waiting.id]
    with pytest.raises(PermissionDenied):
        await service.approve_handover(other_manager, waiting.id, settings=settings)

    done = await service.approve_handover(manager, waiting.id, settings=settings)

    assert (done.status, done.decided_by_id) == (HandoverStatus.COMPLETED, manager.id)
    assert (await status_of(shift.id, ana), await status_of(shift.id, ben)) == (
        "cancelled",
        "confirmed",
    )
    await dispatch_due(settings)
    assert mails(inbox, ben, "You are on the shift: Food sorting")
    with pytest.raises(Conflict):  # decided once
        await service.reject_handover(manager, waiting.id, settings=settings)


async def test_a_declined_approval_keeps_the_place_and_tells_both(settings, frozen_clock, inbox):
    shift, manager, ana, ben = await a_shift_with_ana(settings, approve=True)
    await service.offer_handover(ana, shift.id, ben.id, settings=settings)
    waiting = await service.accept_handover(ben, shift.id, settings=settings)

    await service.reject_handover(manager, waiting.id, settings=settings)

    assert (await status_of(shift.id, ana), await status_of(shift.id, ben)) == ("confirmed", None)
    await dispatch_due(settings)
    for person in (ana, ben):
        [mail] = mails(inbox, person, "Hand-over not approved: Food sorting")
        assert "Ana Lima keeps it" in mail.text


async def test_an_offer_expires_when_the_shift_starts(settings, frozen_clock):
    shift, _manager, ana, ben = await a_shift_with_ana(settings)
    offer = await service.offer_handover(ana, shift.id, ben.id, settings=settings)
    assert offer.expires_at == shift.starts_at
    clock.set_now(shift.starts_at - timedelta(minutes=1))
    assert await service.expire_handovers(settings) == 0
    assert [h.id for h in await service.offers_to(ben.id)] == [offer.id]

    clock.set_now(shift.starts_at)

    assert await service.offers_to(ben.id) == []
    with pytest.raises(Conflict):
        await service.accept_handover(ben, shift.id, settings=settings)
    assert await service.expire_handovers(settings) == 1
    assert (await ShiftHandover.get(id=offer.id)).status == HandoverStatus.EXPIRED
    assert await status_of(shift.id, ana) == "confirmed"


async def test_giving_up_the_place_withdraws_the_offer(settings, frozen_clock):
    shift, _manager, ana, ben = await a_shift_with_ana(settings)
    offer = await service.offer_handover(ana, shift.id, ben.id, settings=settings)
    with pytest.raises(Conflict):  # one offer of a place at a time
        await service.offer_swap(ana, shift.id, settings=settings)

    await service.cancel_signup(ana, shift.id, settings=settings)

    assert (await ShiftHandover.get(id=offer.id)).status == HandoverStatus.WITHDRAWN
    with pytest.raises(NotFound):
        await service.accept_handover(ben, shift.id, settings=settings)
    assert await status_of(shift.id, ben) is None


async def test_accepting_while_the_giver_withdraws_has_one_outcome(settings, frozen_clock):
    for _ in range(5):
        shift, _manager, ana, ben = await a_shift_with_ana(settings, capacity=1)
        await service.offer_handover(ana, shift.id, ben.id, settings=settings)
        results = await asyncio.gather(
            service.accept_handover(ben, shift.id, settings=settings),
            service.withdraw_handover(ana, shift.id, settings=settings),
            return_exceptions=True,
        )
        assert sum(1 for r in results if isinstance(r, ShiftHandover)) == 1, results
        assert all(isinstance(r, ShiftHandover | NotFound) for r in results), results
        assert await confirmed(shift.id) == 1
        holder = await SignUp.get(shift_id=shift.id, status=SignUpStatus.CONFIRMED)
        accepted = isinstance(results[0], ShiftHandover)
        assert holder.volunteer_id == (ben.id if accepted else ana.id)
