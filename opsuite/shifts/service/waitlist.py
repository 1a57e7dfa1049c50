"""The waitlist: each program's policy, offering freed places to the first in line, accepting
and lapsing offers."""

from __future__ import annotations

from datetime import timedelta

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, InvalidInput, NotFound
from opsuite.settings import Settings
from opsuite.shifts import notices
from opsuite.shifts.access import authorize_manage_program
from opsuite.shifts.models import (
    Opportunity,
    ProgramShiftPolicy,
    Shift,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service.places import (
    _check_overlap,
    _lock_person,
    _opportunity,
    check_open,
    counts_for,
    find_overlap,
    lock_shift,
    unexpired_hold,
)
from opsuite.web.i18n import gettext as _

# Waitlist offers last the program's offer_hours, never more than half the time left before the
# shift, and at least MIN_OFFER (or whatever time is left).
DEFAULT_OFFER_HOURS = 12
DEFAULT_LATE_CANCEL_HOURS = 24
DEFAULT_INVITE_WITHIN_DAYS = 7
MIN_OFFER = timedelta(minutes=30)


async def policy_for(program_id: int) -> ProgramShiftPolicy:
    found = await ProgramShiftPolicy.get_or_none(program_id=program_id)
    return found or ProgramShiftPolicy(
        program_id=program_id,
        auto_promote=False,
        offer_hours=DEFAULT_OFFER_HOURS,
        approve_transfers=False,
        swaps_follow_waitlist=False,
        late_cancel_hours=DEFAULT_LATE_CANCEL_HOURS,
        invite_within_days=DEFAULT_INVITE_WITHIN_DAYS,
    )


async def set_policy(
    actor: User,
    program_id: int,
    *,
    auto_promote: bool,
    offer_hours: int,
    approve_transfers: bool = False,
    swaps_follow_waitlist: bool = False,
    late_cancel_hours: int = DEFAULT_LATE_CANCEL_HOURS,
    invite_within_days: int = DEFAULT_INVITE_WITHIN_DAYS,
) -> ProgramShiftPolicy:
    """How the program fills freed places, passes places between volunteers, counts late
    cancellations and invites the available. Raises PermissionDenied or InvalidInput
    (offer_hours outside 1-168, late_cancel_hours outside 0-168, invite_within_days 1-60)."""
    await authorize_manage_program(actor, program_id)
    if not 1 <= offer_hours <= 168:
        raise InvalidInput(_("Enter between 1 and 168 hours."), field="offer_hours")
    if not 0 <= late_cancel_hours <= 168:
        raise InvalidInput(_("Enter between 0 and 168 hours."), field="late_cancel_hours")
    if not 1 <= invite_within_days <= 60:
        raise InvalidInput(_("Enter between 1 and 60 days."), field="invite_within_days")
    values = {
        "auto_promote": auto_promote,
        "offer_hours": offer_hours,
        "approve_transfers": approve_transfers,
        "swaps_follow_waitlist": swaps_follow_waitlist,
        "late_cancel_hours": late_cancel_hours,
        "invite_within_days": invite_within_days,
    }
    policy, _created = await ProgramShiftPolicy.update_or_create(
        program_id=program_id, defaults=values
    )
    await record(actor, "shifts.policy.changed", policy, **values)
    return policy


def offer_window(shift: Shift, policy: ProgramShiftPolicy) -> timedelta:
    left = shift.starts_at - clock.now()
    window = min(timedelta(hours=policy.offer_hours), left / 2)
    return max(window, min(MIN_OFFER, left))


async def _fill_places(
    shift: Shift, opportunity: Opportunity, *, actor: User | None, settings: Settings
) -> None:
    """Offer freed places to the first in line (or confirm them, if the program prefers)."""
    if shift.is_cancelled or shift.starts_at <= clock.now():
        return
    free = (await counts_for([shift.id]))[shift.id].free(shift.capacity)
    if free <= 0:
        return
    policy = await policy_for(opportunity.program_id)
    queue = await SignUp.filter(
        unexpired_hold(), shift_id=shift.id, status=SignUpStatus.WAITLISTED
    ).prefetch_related("volunteer")
    now = clock.now()
    for signup in queue:
        if free <= 0:
            break
        if await find_overlap(signup.volunteer_id, shift) is not None:
            continue
        if policy.auto_promote:
            signup.status = SignUpStatus.CONFIRMED
            await signup.save(update_fields=["status"])
            await record(actor, "shifts.waitlist.promoted", signup, shift_id=shift.id)
            await notices.send(
                shift,
                opportunity,
                kind="shift_confirmed",
                to=signup.volunteer,
                key=f"promoted:{signup.id}:{now:%Y%m%dT%H%M%S}",
                settings=settings,
                calendar="PUBLISH",
                promoted=True,
            )
        else:
            signup.status = SignUpStatus.OFFERED
            signup.offered_at = now
            signup.offer_expires_at = now + offer_window(shift, policy)
            await signup.save(update_fields=["status", "offered_at", "offer_expires_at"])
            await record(actor, "shifts.waitlist.offered", signup, shift_id=shift.id)
        free -= 1


async def accept_offer(volunteer: User, shift_id: int, *, settings: Settings) -> SignUp:
    """Take the place offered from the waitlist. Raises NotFound or Conflict (lapsed offer,
    overlapping shift)."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        check_open(shift)
        signup = await SignUp.get_or_none(shift_id=shift.id, volunteer_id=volunteer.id)
        lapsed = signup is not None and signup.status == SignUpStatus.LAPSED
        if signup is None or signup.status not in (SignUpStatus.OFFERED, SignUpStatus.LAPSED):
            raise NotFound(_("There is no open offer for you on this shift."))
        if lapsed or (signup.offer_expires_at and signup.offer_expires_at <= clock.now()):
            raise Conflict(_("This offer has expired; the place went to the next person."))
        await _lock_person(volunteer)
        await _check_overlap(volunteer, shift)
        signup.status = SignUpStatus.CONFIRMED
        signup.offered_at = signup.offer_expires_at = None
        await signup.save()
        await record(volunteer, "shifts.waitlist.accepted", signup, shift_id=shift.id)
        await notices.reschedule(shift, await _opportunity(shift), settings=settings)
    return signup


async def expire_offers(settings: Settings) -> int:
    """Lapse offers nobody answered in time and pass each place to the next in line (the
    scheduler runs this every few minutes; safe to run in several processes)."""
    now = clock.now()
    due = await SignUp.filter(status=SignUpStatus.OFFERED, offer_expires_at__lte=now).values(
        "shift_id"
    )
    shift_ids = [int(row["shift_id"]) for row in due]
    lapsed = 0
    for shift_id in sorted(set(shift_ids)):
        async with in_transaction():
            shift = await lock_shift(shift_id)
            rows = await SignUp.filter(
                shift_id=shift.id, status=SignUpStatus.OFFERED, offer_expires_at__lte=now
            )
            for signup in rows:
                signup.status = SignUpStatus.LAPSED
                await signup.save(update_fields=["status"])
                await record(None, "shifts.waitlist.lapsed", signup, shift_id=shift.id)
                lapsed += 1
            opportunity = await _opportunity(shift)
            await _fill_places(shift, opportunity, actor=None, settings=settings)
            await notices.reschedule(shift, opportunity, settings=settings)
    return lapsed
