"""Newcomers' holds: places kept for someone whose account is not confirmed yet."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.settings import Settings
from opsuite.shifts import notices
from opsuite.shifts.models import (
    ACTIVE_STATUSES,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service.places import _opportunity, lock_shift
from opsuite.shifts.service.signups import _release


async def release_expired_holds(settings: Settings) -> int:
    """Release newcomers' places and waitlist entries whose hold ran out unconfirmed, passing
    each place on as a cancellation does (the scheduler runs this every minute; safe in
    several processes: each shift is locked and its rows read again under the lock)."""
    now = clock.now()
    due = await SignUp.filter(status__in=ACTIVE_STATUSES, hold_expires_at__lte=now).values(
        "shift_id"
    )
    released = 0
    for shift_id in sorted({int(row["shift_id"]) for row in due}):
        async with in_transaction():
            shift = await lock_shift(shift_id)
            rows = await SignUp.filter(
                shift_id=shift.id, status__in=ACTIVE_STATUSES, hold_expires_at__lte=now
            )
            for signup in rows:
                await _release(
                    shift, signup, actor=None, code="shifts.newcomer.released", settings=settings
                )
                released += 1
    return released


async def confirm_holds(volunteer: User, *, settings: Settings) -> int:
    """The volunteer confirmed their account: places held for them become ordinary sign-ups
    (waitlist entries stay in line, no longer expiring). Holds that already ran out are
    released instead. Returns how many places were confirmed."""
    await release_expired_holds(settings)
    held = await SignUp.filter(
        volunteer_id=volunteer.id, status__in=ACTIVE_STATUSES, hold_expires_at__isnull=False
    ).values("shift_id")
    confirmed = 0
    for shift_id in sorted({int(row["shift_id"]) for row in held}):
        async with in_transaction():
            shift = await lock_shift(shift_id)
            signup = await SignUp.get_or_none(
                shift_id=shift.id, volunteer_id=volunteer.id, hold_expires_at__isnull=False
            )
            if signup is None or signup.status not in ACTIVE_STATUSES:
                continue
            signup.hold_expires_at = None
            if signup.status == SignUpStatus.HELD:
                signup.status = SignUpStatus.CONFIRMED
                confirmed += 1
            await signup.save(update_fields=["hold_expires_at", "status"])
            await record(volunteer, "shifts.newcomer.confirmed", signup, shift_id=shift.id)
            await notices.reschedule(shift, await _opportunity(shift), settings=settings)
    return confirmed
