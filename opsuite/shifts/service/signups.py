"""Signing up (or holding a place for a newcomer) and cancelling: a volunteer takes or gives
up their own place on a shift."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, NotFound
from opsuite.settings import Settings
from opsuite.shifts import eligibility, notices
from opsuite.shifts.models import (
    ACTIVE_STATUSES,
    OPEN_HANDOVER,
    HandoverStatus,
    Opportunity,
    Shift,
    ShiftHandover,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service.places import (
    AlreadySignedUpError,
    _lock_person,
    _opportunity,
    _skills_error,
    check_open,
    counts_for,
    lock_shift,
    missing_skills,
    overlap_error,
    place_checks,
)
from opsuite.shifts.service.waitlist import _fill_places, policy_for
from opsuite.web.i18n import gettext as _

# A volunteer may cancel up to this long before the shift; after it they call the coordinator.
CANCEL_CUTOFF = timedelta(hours=12)
# A full shift starting within this window that a cancellation leaves short raises shift.short.
SHORT_WINDOW = timedelta(hours=72)


async def sign_up(volunteer: User, shift_id: int, *, settings: Settings) -> SignUp:
    """A volunteer takes a place, or joins the waitlist when the shift is full.

    Raises NotFound, Conflict (cancelled or started shift, already signed up, overlapping shift),
    MissingSkillsError or NotEligibleError (the program asks for an approved application).
    Nothing changes when it raises."""
    return await _take_place(volunteer, shift_id, settings=settings, hold_until=None)


async def hold_place(
    volunteer: User, shift_id: int, *, until: datetime, settings: Settings
) -> SignUp:
    """Like sign_up for someone whose account is not confirmed yet: the place (or waitlist
    entry) is held until ``until``, then released unless confirm_holds ran first."""
    return await _take_place(volunteer, shift_id, settings=settings, hold_until=until)


async def _take_place(
    volunteer: User, shift_id: int, *, settings: Settings, hold_until: datetime | None
) -> SignUp:
    # The shift lock is held only for what it guards: the checks on this shift's places and
    # the person's other shifts, the insert, and the newcomer's reminders (they are computed
    # from the locked shift, so a concurrent change of time or a cancel cannot leave stale
    # ones). The opportunity (which the lock does not guard) is read before, the activity
    # line written after the commit: a rush of sign-ups queues on this lock.
    opportunity = await Opportunity.get_or_none(shifts__id=shift_id)
    if opportunity is None or not opportunity.is_active:
        raise NotFound(_("There is nothing at this address. Check the link."))
    await eligibility.check_eligible(volunteer, opportunity.program_id)
    async with in_transaction():
        shift = await lock_shift(shift_id)
        check_open(shift)
        await _lock_person(volunteer)
        checks = await place_checks(shift, volunteer.id)
        existing = await SignUp.get(id=checks.existing_id) if checks.existing_id else None
        if existing is not None and existing.status in ACTIVE_STATUSES:
            raise AlreadySignedUpError(_("You are already signed up for this shift."))
        missing = missing_skills(volunteer, opportunity)
        if missing:
            raise _skills_error(missing)
        if checks.overlap_id is not None:
            raise overlap_error(volunteer)
        counts = checks.counts
        full = counts.free(shift.capacity) == 0 or counts.waiting > 0
        status = SignUpStatus.WAITLISTED if full else SignUpStatus.CONFIRMED
        if hold_until is not None and status == SignUpStatus.CONFIRMED:
            status = SignUpStatus.HELD
        signup = await _place(shift, volunteer, existing, status, hold_until=hold_until)
        if status == SignUpStatus.CONFIRMED:
            # Only the newcomer's reminders: re-planning everyone on a big shift at each
            # sign-up made a rush of them queue behind each other.
            await notices.remind_new_volunteer(shift, opportunity, volunteer, settings=settings)
            # The confirmation (with the shift for their calendar) is queued in the same
            # transaction as the place: one email for each place taken, none for a refusal.
            await notices.send(
                shift,
                opportunity,
                kind="shift_confirmed",
                to=volunteer,
                key=f"signup:{signup.id}:{signup.queued_at:%Y%m%dT%H%M%S}",
                settings=settings,
                calendar="PUBLISH",
                signed_up=True,
            )
    await record(volunteer, f"shifts.signup.{status}", signup, shift_id=shift.id)
    return signup


async def _place(
    shift: Shift,
    volunteer: User,
    existing: SignUp | None,
    status: SignUpStatus,
    *,
    hold_until: datetime | None = None,
) -> SignUp:
    now = clock.now()
    if existing is None:
        return await SignUp.create(
            shift=shift,
            volunteer=volunteer,
            status=status,
            queued_at=now,
            created_at=now,
            hold_expires_at=hold_until,
        )
    existing.status = status
    existing.queued_at = now
    existing.cancelled_at = existing.offered_at = existing.offer_expires_at = None
    existing.swap_offered_at = None
    existing.hold_expires_at = hold_until
    existing.update_from_dict({"attendance": None, "checked_in_at": None, "checked_out_at": None})
    await existing.save()
    return existing


async def _release(
    shift: Shift, signup: SignUp, *, actor: User | None, code: str, settings: Settings
) -> None:
    opportunity = await _opportunity(shift)
    was_confirmed = signup.status == SignUpStatus.CONFIRMED
    was_full = (await counts_for([shift.id]))[shift.id].free(shift.capacity) == 0
    signup.status = SignUpStatus.CANCELLED
    signup.cancelled_at = clock.now()
    if was_confirmed:
        late = timedelta(hours=(await policy_for(opportunity.program_id)).late_cancel_hours)
        signup.cancelled_late = signup.cancelled_at >= shift.starts_at - late
    signup.offered_at = signup.offer_expires_at = signup.swap_offered_at = None
    signup.hold_expires_at = None
    await signup.save()
    # A hand-over or swap of this place still waiting is over: the place went another way.
    await ShiftHandover.filter(
        shift_id=shift.id, giver_id=signup.volunteer_id, status__in=OPEN_HANDOVER
    ).update(status=HandoverStatus.WITHDRAWN)
    await record(actor, code, signup, shift_id=shift.id, volunteer_id=signup.volunteer_id)
    if was_confirmed and actor is not None:
        # The place may be in their calendar (a confirmation's attachment, the page's
        # download): the same UID with METHOD:CANCEL takes it out.
        await notices.send(
            shift,
            opportunity,
            kind="shift_left",
            to=await User.get(id=signup.volunteer_id),
            key=f"left:{signup.id}:{signup.cancelled_at:%Y%m%dT%H%M%S}",
            settings=settings,
            calendar="CANCEL",
            removed=actor.id != signup.volunteer_id,
        )
    await _fill_places(shift, opportunity, actor=actor, settings=settings)
    if was_full:
        await _record_if_short(shift, actor)
    await notices.reschedule(shift, opportunity, settings=settings)


async def _record_if_short(shift: Shift, actor: User | None) -> None:
    """A full shift starting soon that this cancellation left with a free place (the same
    free places the shift pages and the digest count, once the waitlist moved up): one
    activity line per drop, read by outgoing webhooks as shift.short."""
    now = clock.now()
    if shift.is_cancelled or not now < shift.starts_at <= now + SHORT_WINDOW:
        return
    counts = (await counts_for([shift.id]))[shift.id]
    if counts.free(shift.capacity):
        await record(
            actor, "shifts.shift.short", shift, capacity=shift.capacity,
            taken=counts.taken, free=counts.free(shift.capacity),
            starts_at=shift.starts_at.isoformat(),
        )  # fmt: skip


async def cancel_signup(volunteer: User, shift_id: int, *, settings: Settings) -> SignUp:
    """The volunteer gives up their place (or leaves the waitlist, or declines an offer).

    Raises NotFound (not signed up) or Conflict (past the cancellation cut-off)."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        signup = await SignUp.get_or_none(
            shift_id=shift.id, volunteer_id=volunteer.id, status__in=ACTIVE_STATUSES
        )
        if signup is None:
            raise NotFound(_("You are not signed up for this shift."))
        if signup.status == SignUpStatus.CONFIRMED:
            if shift.starts_at <= clock.now():
                raise Conflict(_("This shift has already started."))
            if clock.now() > shift.starts_at - CANCEL_CUTOFF:
                raise Conflict(
                    _(
                        "The shift starts in less than %(hours)s hours; please contact the "
                        "coordinator to cancel.",
                        hours=int(CANCEL_CUTOFF.total_seconds() // 3600),
                    )
                )
        await _release(
            shift, signup, actor=volunteer, code="shifts.signup.cancelled", settings=settings
        )
    return signup
