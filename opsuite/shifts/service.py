"""Sign-ups, the waitlist, offers and swaps: every rule about who holds a place on a shift.

Capacity is never exceeded: every change to a shift's sign-ups runs in one transaction that
first locks the shift row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: an UPDATE of the row,
which takes the single writer lock before anything is counted), then counts and writes.
Locks are always taken shift first, then people, so two changes never wait on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from opsuite import clock, db
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from opsuite.people.models import ProgramAccess, ProgramRole
from opsuite.settings import Settings
from opsuite.shifts import notices
from opsuite.shifts.access import authorize_manage_program, can_manage_program
from opsuite.shifts.models import (
    ACTIVE_STATUSES,
    QUEUED_STATUSES,
    Opportunity,
    ProgramShiftPolicy,
    Shift,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from opsuite.web.i18n import gettext as _

# A volunteer may cancel up to this long before the shift; after it they call the coordinator.
CANCEL_CUTOFF = timedelta(hours=12)
# Waitlist offers last the program's offer_hours, never more than half the time left before the
# shift, and at least MIN_OFFER (or whatever time is left).
DEFAULT_OFFER_HOURS = 12
MIN_OFFER = timedelta(minutes=30)


class ShiftFullError(Conflict):
    pass


class AlreadySignedUpError(Conflict):
    pass


class OverlapError(Conflict):
    pass


class MissingSkillsError(Conflict):
    pass


@dataclass(frozen=True)
class Counts:
    confirmed: int
    offered: int
    waiting: int
    held: int = 0  # newcomers' places, unconfirmed until their emailed link is used

    @property
    def taken(self) -> int:
        return self.confirmed + self.offered + self.held

    def free(self, capacity: int) -> int:
        return max(0, capacity - self.taken)


def unexpired_hold() -> Q:
    """Sign-ups still standing: no newcomer's hold, or one that has not run out. A hold that
    ran out stops counting at once, before the release job gets to it."""
    return Q(hold_expires_at=None) | Q(hold_expires_at__gt=clock.now())


# --- locking and counting -----------------------------------------------------------------------


async def lock_shift(shift_id: int) -> Shift:
    """The shift, locked for the rest of the current transaction. Raises NotFound."""
    updated = await Shift.filter(id=shift_id).update(revision=F("revision") + 1)
    if not updated:
        raise NotFound(_("There is nothing at this address. Check the link."))
    if db.is_postgres():
        return await Shift.filter(id=shift_id).select_for_update().get()
    return await Shift.get(id=shift_id)


async def counts_for(shift_ids: list[int]) -> dict[int, Counts]:
    """Confirmed, offered and waiting per shift, in one query."""
    rows = (
        await SignUp.filter(unexpired_hold(), shift_id__in=shift_ids, status__in=ACTIVE_STATUSES)
        .annotate(n=Count("id"))
        .group_by("shift_id", "status")
        .values("shift_id", "status", "n")
    )
    found: dict[int, dict[str, int]] = {sid: {} for sid in shift_ids}
    for row in rows:
        found[row["shift_id"]][str(row["status"])] = row["n"]
    return {
        sid: Counts(
            c.get(SignUpStatus.CONFIRMED, 0),
            c.get(SignUpStatus.OFFERED, 0),
            c.get(SignUpStatus.WAITLISTED, 0),
            c.get(SignUpStatus.HELD, 0),
        )
        for sid, c in found.items()
    }


async def waitlist_position(signup: SignUp) -> int | None:
    """1 for the first in line (an open offer counts as being in line)."""
    if signup.status not in QUEUED_STATUSES:
        return None
    ahead = (
        await SignUp.filter(shift_id=signup.shift_id, status__in=QUEUED_STATUSES)
        .filter(queued_at__lte=signup.queued_at)
        .exclude(id=signup.id)
        .values_list("queued_at", "id")
    )
    return 1 + sum(1 for at, sid in ahead if (at, sid) < (signup.queued_at, signup.id))


# --- checks ---------------------------------------------------------------------------------


def missing_skills(volunteer: User, opportunity: Opportunity) -> list[str]:
    have = {s.strip().lower() for s in volunteer.skills}
    return [s for s in opportunity.required_skills if s.strip().lower() not in have]


def check_open(shift: Shift) -> None:
    """Raises Conflict for a cancelled or started shift."""
    if shift.is_cancelled:
        raise Conflict(_("This shift was cancelled."))
    if shift.starts_at <= clock.now():
        raise Conflict(_("This shift has already started."))


_check_open = check_open


async def find_overlap(volunteer_id: int, shift: Shift) -> Shift | None:
    """Another scheduled shift the volunteer holds a place on at the same time."""
    row = (
        await SignUp.filter(
            volunteer_id=volunteer_id,
            status=SignUpStatus.CONFIRMED,
            shift__status=ShiftStatus.SCHEDULED,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(shift_id=shift.id)
        .prefetch_related("shift")
        .first()
    )
    return row.shift if row is not None else None


async def _check_overlap(volunteer: User, shift: Shift) -> None:
    other = await find_overlap(volunteer.id, shift)
    if other is not None:
        raise OverlapError(
            _(
                "%(name)s already has a shift at that time. Cancel that one first, or choose "
                "another shift.",
                name=volunteer.name,
            ),
            field="shift",
        )


def _skills_error(missing: list[str]) -> MissingSkillsError:
    return MissingSkillsError(
        _(
            "This shift needs these skills: %(skills)s. If you have them, add them to your "
            "profile; otherwise choose another shift.",
            skills=", ".join(missing),
        ),
        field="skills",
    )


async def _lock_person(volunteer: User) -> None:
    if db.is_postgres():  # two sign-ups by one person at once must not both pass the overlap check
        await User.filter(id=volunteer.id).select_for_update().get()


# --- policy and offers ------------------------------------------------------------------------


async def policy_for(program_id: int) -> ProgramShiftPolicy:
    found = await ProgramShiftPolicy.get_or_none(program_id=program_id)
    return found or ProgramShiftPolicy(
        program_id=program_id, auto_promote=False, offer_hours=DEFAULT_OFFER_HOURS
    )


async def set_policy(
    actor: User, program_id: int, *, auto_promote: bool, offer_hours: int
) -> ProgramShiftPolicy:
    """Raises PermissionDenied or InvalidInput (offer_hours outside 1-168)."""
    await authorize_manage_program(actor, program_id)
    if not 1 <= offer_hours <= 168:
        raise InvalidInput(_("Enter between 1 and 168 hours."), field="offer_hours")
    policy, _created = await ProgramShiftPolicy.update_or_create(
        program_id=program_id,
        defaults={"auto_promote": auto_promote, "offer_hours": offer_hours},
    )
    await record(actor, "shifts.policy.changed", policy, auto_promote=auto_promote)
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
                promoted=True,
            )
        else:
            signup.status = SignUpStatus.OFFERED
            signup.offered_at = now
            signup.offer_expires_at = now + offer_window(shift, policy)
            await signup.save(update_fields=["status", "offered_at", "offer_expires_at"])
            await record(actor, "shifts.waitlist.offered", signup, shift_id=shift.id)
        free -= 1


# --- signing up and cancelling ----------------------------------------------------------------


async def _opportunity(shift: Shift) -> Opportunity:
    return await Opportunity.get(id=shift.opportunity_id)


async def sign_up(volunteer: User, shift_id: int, *, settings: Settings) -> SignUp:
    """A volunteer takes a place, or joins the waitlist when the shift is full.

    Raises NotFound, Conflict (cancelled or started shift, already signed up, overlapping shift)
    or MissingSkillsError. Nothing changes when it raises."""
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
    async with in_transaction():
        shift = await lock_shift(shift_id)
        opportunity = await _opportunity(shift)
        if not opportunity.is_active:
            raise NotFound(_("There is nothing at this address. Check the link."))
        _check_open(shift)
        await _lock_person(volunteer)
        existing = await SignUp.get_or_none(shift_id=shift.id, volunteer_id=volunteer.id)
        if existing is not None and existing.status in ACTIVE_STATUSES:
            raise AlreadySignedUpError(_("You are already signed up for this shift."))
        missing = missing_skills(volunteer, opportunity)
        if missing:
            raise _skills_error(missing)
        await _check_overlap(volunteer, shift)
        counts = (await counts_for([shift.id]))[shift.id]
        full = counts.free(shift.capacity) == 0 or counts.waiting > 0
        status = SignUpStatus.WAITLISTED if full else SignUpStatus.CONFIRMED
        if hold_until is not None and status == SignUpStatus.CONFIRMED:
            status = SignUpStatus.HELD
        signup = await _place(shift, volunteer, existing, status)
        if hold_until is not None:
            signup.hold_expires_at = hold_until
            await signup.save(update_fields=["hold_expires_at"])
        await record(volunteer, f"shifts.signup.{status}", signup, shift_id=shift.id)
        if status == SignUpStatus.CONFIRMED:
            await notices.reschedule(shift, opportunity, settings=settings)
    return signup


async def _place(
    shift: Shift, volunteer: User, existing: SignUp | None, status: SignUpStatus
) -> SignUp:
    now = clock.now()
    if existing is None:
        return await SignUp.create(
            shift=shift, volunteer=volunteer, status=status, queued_at=now, created_at=now
        )
    existing.status = status
    existing.queued_at = now
    existing.cancelled_at = existing.offered_at = existing.offer_expires_at = None
    existing.swap_offered_at = existing.hold_expires_at = None
    existing.update_from_dict({"attendance": None, "checked_in_at": None, "checked_out_at": None})
    await existing.save()
    return existing


async def _release(
    shift: Shift, signup: SignUp, *, actor: User | None, code: str, settings: Settings
) -> None:
    opportunity = await _opportunity(shift)
    signup.status = SignUpStatus.CANCELLED
    signup.cancelled_at = clock.now()
    signup.offered_at = signup.offer_expires_at = signup.swap_offered_at = None
    signup.hold_expires_at = None
    await signup.save()
    await record(actor, code, signup, shift_id=shift.id, volunteer_id=signup.volunteer_id)
    await _fill_places(shift, opportunity, actor=actor, settings=settings)
    await notices.reschedule(shift, opportunity, settings=settings)


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


async def accept_offer(volunteer: User, shift_id: int, *, settings: Settings) -> SignUp:
    """Take the place offered from the waitlist. Raises NotFound or Conflict (lapsed offer,
    overlapping shift)."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        _check_open(shift)
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


# --- newcomers' holds -----------------------------------------------------------------------


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


# --- coordinators ------------------------------------------------------------------------------


async def add_to_shift(
    actor: User,
    shift_id: int,
    volunteer: User,
    *,
    settings: Settings,
    override_skills: bool = False,
) -> SignUp:
    """A coordinator puts someone on a shift (moving them up from the waitlist if they wait).

    Raises PermissionDenied, ShiftFullError (raise the capacity first), MissingSkillsError
    (unless overridden), OverlapError or AlreadySignedUpError."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        opportunity = await _opportunity(shift)
        await authorize_manage_program(actor, opportunity.program_id)
        _check_open(shift)
        if not volunteer.is_active:
            raise InvalidInput(_("%(name)s is deactivated.", name=volunteer.name), field="user_id")
        await _lock_person(volunteer)
        existing = await SignUp.get_or_none(shift_id=shift.id, volunteer_id=volunteer.id)
        if existing is not None and existing.status == SignUpStatus.CONFIRMED:
            raise AlreadySignedUpError(
                _("%(name)s is already on this shift.", name=volunteer.name), field="user_id"
            )
        missing = missing_skills(volunteer, opportunity)
        if missing and not override_skills:
            raise _skills_error(missing)
        await _check_overlap(volunteer, shift)
        counts = (await counts_for([shift.id]))[shift.id]
        holds_offer = existing is not None and existing.status == SignUpStatus.OFFERED
        if counts.free(shift.capacity) == 0 and not holds_offer:
            raise ShiftFullError(_("The shift is full; raise its capacity first."), field="user_id")
        signup = await _place(shift, volunteer, existing, SignUpStatus.CONFIRMED)
        signup.skills_overridden = bool(missing)
        await signup.save(update_fields=["skills_overridden"])
        await record(actor, "shifts.signup.added", signup, shift_id=shift.id)
        await notices.send(
            shift,
            opportunity,
            kind="shift_confirmed",
            to=volunteer,
            key=f"added:{signup.id}:{clock.now():%Y%m%dT%H%M%S}",
            settings=settings,
            promoted=False,
        )
        await notices.reschedule(shift, opportunity, settings=settings)
    return signup


async def remove_from_shift(
    actor: User, shift_id: int, signup_id: int, *, settings: Settings
) -> SignUp:
    """A coordinator takes someone off a shift or its waitlist (no cut-off applies)."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        await authorize_manage_program(actor, (await _opportunity(shift)).program_id)
        signup = await SignUp.get_or_none(
            id=signup_id, shift_id=shift.id, status__in=ACTIVE_STATUSES
        )
        if signup is None:
            raise NotFound(_("That person is not on this shift."))
        await _release(shift, signup, actor=actor, code="shifts.signup.removed", settings=settings)
    return signup


async def program_managers(program_id: int) -> list[User]:
    roles = await ProgramRole.filter(
        program_id=program_id, access=ProgramAccess.MANAGE, user__is_active=True
    ).prefetch_related("user")
    return [r.user for r in roles]


# --- swaps ---------------------------------------------------------------------------------------


async def offer_swap(volunteer: User, shift_id: int) -> SignUp:
    """Put one's confirmed place up for another volunteer to take. Raises NotFound/Conflict."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        _check_open(shift)
        signup = await SignUp.get_or_none(
            shift_id=shift.id, volunteer_id=volunteer.id, status=SignUpStatus.CONFIRMED
        )
        if signup is None:
            raise NotFound(_("You are not signed up for this shift."))
        signup.swap_offered_at = clock.now()
        await signup.save(update_fields=["swap_offered_at"])
        await record(volunteer, "shifts.swap.offered", signup, shift_id=shift.id)
    return signup


async def withdraw_swap(volunteer: User, shift_id: int) -> None:
    async with in_transaction():
        shift = await lock_shift(shift_id)
        updated = await SignUp.filter(
            shift_id=shift.id, volunteer_id=volunteer.id, swap_offered_at__isnull=False
        ).update(swap_offered_at=None)
        if not updated:
            raise NotFound(_("You have not offered this shift for a swap."))


async def take_swap(taker: User, shift_id: int, *, settings: Settings) -> SignUp:
    """Another eligible volunteer takes a place offered for a swap; the coordinators and the
    volunteer who offered it are told. Raises NotFound, Conflict or MissingSkillsError."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        _check_open(shift)
        opportunity = await _opportunity(shift)
        offered = (
            await SignUp.filter(
                shift_id=shift.id,
                status=SignUpStatus.CONFIRMED,
                swap_offered_at__isnull=False,
            )
            .exclude(volunteer_id=taker.id)
            .order_by("swap_offered_at", "id")
            .prefetch_related("volunteer")
            .first()
        )
        if offered is None:
            raise NotFound(_("Nobody is offering this shift for a swap any more."))
        await _lock_person(taker)
        existing = await SignUp.get_or_none(shift_id=shift.id, volunteer_id=taker.id)
        if existing is not None and existing.status == SignUpStatus.CONFIRMED:
            raise AlreadySignedUpError(_("You are already signed up for this shift."))
        missing = missing_skills(taker, opportunity)
        if missing:
            raise _skills_error(missing)
        await _check_overlap(taker, shift)
        offered.status = SignUpStatus.CANCELLED
        offered.cancelled_at = clock.now()
        offered.swap_offered_at = None
        await offered.save()
        signup = await _place(shift, taker, existing, SignUpStatus.CONFIRMED)
        await record(
            taker,
            "shifts.swap.completed",
            signup,
            shift_id=shift.id,
            from_volunteer_id=offered.volunteer_id,
            to_volunteer_id=taker.id,
        )
        recipients = {u.id: u for u in await program_managers(opportunity.program_id)}
        recipients[offered.volunteer_id] = offered.volunteer
        for person in recipients.values():
            await notices.send(
                shift,
                opportunity,
                kind="shift_swapped",
                to=person,
                key=f"swap:{signup.id}:{person.id}:{clock.now():%Y%m%dT%H%M%S}",
                settings=settings,
                giver=offered.volunteer,
                taker=taker,
            )
        await notices.reschedule(shift, opportunity, settings=settings)
    return signup


async def is_coordinator(user: User | None, shift: Shift) -> bool:
    opportunity = await _opportunity(shift)
    return await can_manage_program(user, opportunity.program_id)


def refuse() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do that."))


@dataclass(frozen=True)
class BusyShift:
    volunteer_id: int
    starts_at: datetime
    ends_at: datetime
    title: str


async def confirmed_shifts_between(
    volunteer_ids: list[int], start: datetime, end: datetime
) -> list[BusyShift]:
    """Shifts these people are confirmed on that overlap [start, end), in one query: for
    other areas that need to know when volunteers are busy (meetings' conflicts and
    find-a-time), wired in app.wire_peers so areas do not import each other."""
    rows = await SignUp.filter(
        volunteer_id__in=volunteer_ids,
        status=SignUpStatus.CONFIRMED,
        shift__status=ShiftStatus.SCHEDULED,
        shift__starts_at__lt=end,
        shift__ends_at__gt=start,
    ).prefetch_related("shift__opportunity")
    return [
        BusyShift(r.volunteer_id, r.shift.starts_at, r.shift.ends_at, r.shift.opportunity.title)
        for r in rows
    ]
