"""Swaps (open, in waitlist order, with approval), a moved shift re-checked against everyone's
other shifts, and the confirmation a volunteer gets for signing up themselves."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from opsuite import clock
from opsuite.errors import NotFound
from opsuite.notify.service import dispatch_due
from opsuite.shifts import planning, service
from opsuite.shifts.models import HandoverKind, HandoverStatus, ShiftHandover, SignUp, SignUpStatus
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def status_of(shift_id: int, person) -> str | None:
    row = await SignUp.get_or_none(shift_id=shift_id, volunteer_id=person.id)
    return str(row.status) if row else None


async def full_shift_with_waitlist(settings, *, follow=True, approve=False):
    opportunity = await make_opportunity(title="Food sorting")
    manager = await manager_of(opportunity)
    await service.set_policy(
        manager, opportunity.program_id, auto_promote=False, offer_hours=12,
        approve_transfers=approve, swaps_follow_waitlist=follow,
    )  # fmt: skip
    shift = await make_shift(opportunity, capacity=1)
    ana = await make_volunteer(name="Ana Lima")
    first, second = await make_volunteer(name="Wai One"), await make_volunteer(name="Wai Two")
    for person in (ana, first, second):
        await service.sign_up(person, shift.id, settings=settings)
    return shift, manager, ana, first, second


async def test_an_open_swap_goes_to_whoever_takes_it_first(settings, frozen_clock, inbox):
    shift, manager, ana, _first, _second = await full_shift_with_waitlist(settings, follow=False)
    ben, cleo = await make_volunteer(name="Ben Okoro"), await make_volunteer(name="Cleo Park")
    await service.offer_swap(ana, shift.id, settings=settings)

    results = await asyncio.gather(
        service.take_swap(ben, shift.id, settings=settings),
        service.take_swap(cleo, shift.id, settings=settings),
        return_exceptions=True,
    )

    taken = [r for r in results if isinstance(r, ShiftHandover)]
    assert len(taken) == 1, results
    assert [type(r) for r in results if r not in taken] == [NotFound]
    assert taken[0].status == HandoverStatus.COMPLETED
    assert await SignUp.filter(shift_id=shift.id, status=SignUpStatus.CONFIRMED).count() == 1
    assert await status_of(shift.id, ana) == "cancelled"
    await dispatch_due(settings)
    assert [m for m in inbox.to(manager.email) if "Shift swap" in m.subject]


async def test_a_swap_follows_the_waitlist_when_the_program_says_so(settings, frozen_clock, inbox):
    shift, _manager, ana, first, second = await full_shift_with_waitlist(settings)
    outsider = await make_volunteer(name="Ben Okoro")

    await service.offer_swap(ana, shift.id, settings=settings)

    # The first in line is asked for the program's offer window (12 hours, 3 days ahead).
    turn = await ShiftHandover.get(recipient_id=first.id)
    assert (turn.kind, turn.status) == (HandoverKind.SWAP, HandoverStatus.OFFERED)
    assert turn.expires_at == clock.now() + timedelta(hours=12)
    await dispatch_due(settings)
    assert [m for m in inbox.to(first.email) if "A place is offered to you" in m.subject]
    assert not [m for m in inbox.to(second.email) if "offered" in m.subject]
    for person in (outsider, second):  # not their turn
        with pytest.raises(NotFound):
            await service.take_swap(person, shift.id, settings=settings)

    clock.advance(timedelta(hours=12))
    assert await service.expire_handovers(settings) == 1
    assert (await ShiftHandover.get(id=turn.id)).status == HandoverStatus.EXPIRED
    nxt = await ShiftHandover.get(recipient_id=second.id)
    assert nxt.status == HandoverStatus.OFFERED
    await service.decline_handover(second, shift.id, settings=settings)

    # Nobody waiting took it: now anyone may.
    taken = await service.take_swap(outsider, shift.id, settings=settings)

    assert taken.status == HandoverStatus.COMPLETED
    assert await status_of(shift.id, outsider) == "confirmed"
    assert await status_of(shift.id, ana) == "cancelled"
    assert [await status_of(shift.id, p) for p in (first, second)] == ["waitlisted"] * 2


async def test_the_first_in_line_takes_the_swap_and_leaves_the_waitlist(settings, frozen_clock):
    shift, _manager, ana, first, second = await full_shift_with_waitlist(settings)
    await service.offer_swap(ana, shift.id, settings=settings)

    await service.take_swap(first, shift.id, settings=settings)  # the button on the shift page

    assert [await status_of(shift.id, p) for p in (ana, first, second)] == [
        "cancelled",
        "confirmed",
        "waitlisted",
    ]
    assert await service.waitlist_position(await SignUp.get(volunteer_id=second.id)) == 1


async def test_a_swap_waits_for_approval_when_the_program_asks(settings, frozen_clock, inbox):
    shift, manager, ana, _first, _second = await full_shift_with_waitlist(
        settings, follow=False, approve=True
    )
    ben = await make_volunteer(name="Ben Okoro")
    await service.offer_swap(ana, shift.id, settings=settings)

    waiting = await service.take_swap(ben, shift.id, settings=settings)

    assert waiting.status == HandoverStatus.AWAITING_APPROVAL
    assert await status_of(shift.id, ana) == "confirmed"
    cleo = await make_volunteer(name="Cleo Park")
    with pytest.raises(NotFound):  # the place is spoken for until the coordinator decides
        await service.take_swap(cleo, shift.id, settings=settings)
    await dispatch_due(settings)
    assert [m for m in inbox.to(manager.email) if "Approval needed" in m.subject]
    await service.approve_handover(manager, waiting.id, settings=settings)
    assert (await status_of(shift.id, ana), await status_of(shift.id, ben)) == (
        "cancelled",
        "confirmed",
    )


async def test_moving_a_shift_tells_whom_it_now_overlaps(settings, frozen_clock, inbox):
    zone = ZoneInfo("Europe/Berlin")
    morning = clock.now().astimezone(zone).replace(hour=10, minute=0) + timedelta(days=3)
    breakfast = await make_shift(await make_opportunity(title="Breakfast club"), starts_at=morning)
    sorting = await make_shift(
        await make_opportunity(title="Food sorting"), starts_at=morning + timedelta(hours=4)
    )
    ana, ben = await make_volunteer(name="Ana Lima"), await make_volunteer(name="Ben Okoro")
    await service.sign_up(ana, breakfast.id, settings=settings)
    for person in (ana, ben):
        await service.sign_up(person, sorting.id, settings=settings)
    await dispatch_due(settings)
    inbox.clear()
    manager = await manager_of(await sorting.opportunity)
    edit = planning.ShiftInput(
        day=morning.date(),
        start=(morning + timedelta(hours=2)).time(),  # 12:00-15:00, breakfast is 10:00-13:00
        end=(morning + timedelta(hours=5)).time(),
        timezone="Europe/Berlin",
        capacity=5,
    )

    await planning.update_shift(
        manager, sorting, edit, scope=planning.EditScope.THIS, settings=settings
    )

    moved = await planning.get_shift(sorting.id)
    assert moved.starts_at == (morning + timedelta(hours=2)).astimezone(UTC)
    assert await planning.double_booked(moved) == ["Ana Lima"]
    await dispatch_due(settings)
    [to_ana] = [m for m in inbox.to(ana.email) if "Shift moved" in m.subject]
    assert "overlaps another of your shifts: Breakfast club" in " ".join(to_ana.text.split())
    [to_ben] = [m for m in inbox.to(ben.email) if "Shift moved" in m.subject]
    assert "overlaps" not in to_ben.text
    assert await status_of(sorting.id, ana) == "confirmed"  # they choose which to give up


async def test_signing_up_yourself_sends_the_shift_for_your_calendar(settings, frozen_clock, inbox):
    shift = await make_shift(await make_opportunity(title="Food sorting"), capacity=1)
    ana, ben = await make_volunteer(name="Ana Lima"), await make_volunteer(name="Ben Okoro")

    await service.sign_up(ana, shift.id, settings=settings)
    await service.sign_up(ben, shift.id, settings=settings)  # full: the waitlist

    await dispatch_due(settings)
    [mail] = [m for m in inbox.to(ana.email) if "You are on the shift" in m.subject]
    assert "You signed up for a shift: Food sorting" in mail.text
    cal = icalendar.Calendar.from_ical(mail.part("text/calendar"))
    assert str(cal["METHOD"]) == "PUBLISH"
    [event] = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Food sorting"
    assert event.decoded("DTSTART").astimezone(UTC) == shift.starts_at
    assert not [m for m in inbox.to(ben.email) if "You are on the shift" in m.subject]
