"""The one-statement checks a sign-up makes under the shift lock (``place_checks``) say what
``counts_for`` and ``find_overlap`` say, on every status, hold and overlap there is."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.shifts import service
from opsuite.shifts.models import ShiftStatus, SignUp, SignUpStatus
from opsuite.shifts.service.places import find_overlap, place_checks
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer


async def _signup(shift, person, status, *, hold=None):
    now = clock.now()
    return await SignUp.create(
        shift=shift, volunteer=person, status=status, queued_at=now, created_at=now,
        hold_expires_at=hold,
    )  # fmt: skip


async def test_checks_agree_with_counts_and_overlaps(frozen_clock):
    opportunity = await make_opportunity()
    start = frozen_clock.replace(second=0, microsecond=0) + timedelta(days=3)
    shift = await make_shift(opportunity, capacity=9, starts_at=start, hours=3)
    same_time = await make_shift(opportunity, starts_at=start + timedelta(hours=1), hours=1)
    touching = await make_shift(opportunity, starts_at=start + timedelta(hours=3), hours=2)
    cancelled = await make_shift(opportunity, starts_at=start, hours=3)
    await type(cancelled).filter(id=cancelled.id).update(status=ShiftStatus.CANCELLED)

    people = [await make_volunteer() for _ in range(9)]
    soon, gone = frozen_clock + timedelta(minutes=5), frozen_clock - timedelta(minutes=5)
    await _signup(shift, people[0], SignUpStatus.CONFIRMED)
    await _signup(shift, people[1], SignUpStatus.CONFIRMED)
    await _signup(shift, people[2], SignUpStatus.WAITLISTED)
    await _signup(shift, people[3], SignUpStatus.OFFERED)
    await _signup(shift, people[4], SignUpStatus.HELD, hold=soon)
    await _signup(shift, people[5], SignUpStatus.HELD, hold=gone)  # ran out: not counted
    await _signup(shift, people[6], SignUpStatus.CANCELLED)
    # Person 7 is confirmed on a shift at the same time, person 8 only on one that touches it,
    # on a cancelled one, and waitlisted on the one at the same time: no overlap for 8.
    await _signup(same_time, people[7], SignUpStatus.CONFIRMED)
    await _signup(touching, people[8], SignUpStatus.CONFIRMED)
    await _signup(cancelled, people[8], SignUpStatus.CONFIRMED)
    await _signup(same_time, people[8], SignUpStatus.WAITLISTED)

    counts = (await service.counts_for([shift.id]))[shift.id]
    assert (counts.confirmed, counts.waiting, counts.offered, counts.held) == (2, 1, 1, 1)
    for person in people:
        checks = await place_checks(shift, person.id)
        assert checks.counts == counts
        row = await SignUp.get_or_none(shift_id=shift.id, volunteer_id=person.id)
        assert checks.existing_id == (row.id if row else None)
        other = await find_overlap(person.id, shift)
        assert checks.overlap_id == (other.id if other else None)
    assert (await place_checks(shift, people[7].id)).overlap_id == same_time.id
    assert (await place_checks(shift, people[8].id)).overlap_id is None

    # An empty shift: no rows to count, and nobody on it.
    empty = await make_shift(opportunity, starts_at=start + timedelta(days=1))
    checks = await place_checks(empty, people[0].id)
    assert (checks.existing_id, checks.overlap_id) == (None, None)
    assert checks.counts.taken == 0
    assert checks.counts.waiting == 0


async def test_a_sign_up_is_refused_for_an_overlap_and_takes_the_place_it_counts(settings):
    opportunity = await make_opportunity()
    start = (clock.now() + timedelta(days=4)).replace(second=0, microsecond=0)
    first = await make_shift(opportunity, capacity=1, starts_at=start, hours=2)
    clash = await make_shift(opportunity, capacity=1, starts_at=start + timedelta(hours=1))
    person, other = await make_volunteer(), await make_volunteer()
    assert (await service.sign_up(person, first.id, settings=settings)).status == "confirmed"
    with pytest.raises(service.OverlapError, match="already has a shift at that time"):
        await service.sign_up(person, clash.id, settings=settings)
    assert (await service.sign_up(other, first.id, settings=settings)).status == "waitlisted"
