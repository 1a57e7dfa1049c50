"""Many people signing up at once never overbook a shift (runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from opsuite.errors import OpsuiteError
from opsuite.shifts import service
from opsuite.shifts.models import SignUp, SignUpStatus
from tests.factories.shifts import make_shift, make_volunteer


async def test_hundred_concurrent_signups_never_exceed_capacity(settings):
    shift = await make_shift(capacity=20)
    people = [await make_volunteer() for _ in range(100)]
    results = await asyncio.gather(
        *(service.sign_up(p, shift.id, settings=settings) for p in people),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures[:3]
    confirmed = await SignUp.filter(shift_id=shift.id, status=SignUpStatus.CONFIRMED).count()
    waiting = await SignUp.filter(shift_id=shift.id, status=SignUpStatus.WAITLISTED).count()
    assert (confirmed, waiting) == (20, 80)
    positions = sorted(
        [await service.waitlist_position(r) for r in results if r.status == "waitlisted"]
    )
    assert positions == list(range(1, 81))


async def test_concurrent_double_signup_by_one_person_makes_one_row(settings):
    shift = await make_shift(capacity=5)
    volunteer = await make_volunteer()
    results = await asyncio.gather(
        *(service.sign_up(volunteer, shift.id, settings=settings) for _ in range(10)),
        return_exceptions=True,
    )
    assert sum(1 for r in results if isinstance(r, SignUp)) == 1
    assert all(isinstance(r, SignUp | OpsuiteError) for r in results)
    assert await SignUp.filter(shift_id=shift.id).count() == 1


async def test_concurrent_cancellations_and_signups_keep_the_count(settings):
    shift = await make_shift(capacity=10)
    first = [await make_volunteer() for _ in range(10)]
    for p in first:
        await service.sign_up(p, shift.id, settings=settings)
    later = [await make_volunteer() for _ in range(30)]
    await asyncio.gather(
        *(service.cancel_signup(p, shift.id, settings=settings) for p in first[:5]),
        *(service.sign_up(p, shift.id, settings=settings) for p in later),
    )
    held = await SignUp.filter(
        shift_id=shift.id, status__in=(SignUpStatus.CONFIRMED, SignUpStatus.OFFERED)
    ).count()
    assert held == 10
