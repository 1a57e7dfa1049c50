"""Hand-overs: a volunteer gives their place to one named, eligible volunteer, who accepts or
declines; a program may want a coordinator's approval first (swaps go the same way, see
``swaps``). The giver keeps the place until the hand-over completes, so the shift's counts never
change on the way, and every step runs under the shift lock: one place is handed over once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, InvalidInput, NotFound
from opsuite.settings import Settings
from opsuite.shifts import eligibility, notices
from opsuite.shifts.access import authorize_manage_program
from opsuite.shifts.models import (
    OPEN_HANDOVER,
    HandoverKind,
    HandoverStatus,
    Opportunity,
    Shift,
    ShiftHandover,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service.coordinators import program_managers
from opsuite.shifts.service.places import (
    AlreadySignedUpError,
    _check_overlap,
    _lock_person,
    _opportunity,
    _skills_error,
    check_open,
    lock_shift,
    missing_skills,
)
from opsuite.shifts.service.signups import _place
from opsuite.shifts.service.waitlist import _fill_places, policy_for
from opsuite.web.i18n import gettext as _

CANDIDATE_LIMIT = 500  # names a hand-over list offers at most


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str


# --- who may take a place ----------------------------------------------------------------------


def ids_of(rows: Any) -> set[int]:
    """The ids of a ``values_list(..., flat=True)`` (which Tortoise types as tuples)."""
    return {int(v) for v in rows}


async def handover_candidates(giver: User, shift_id: int) -> list[Candidate]:
    """The volunteers of the shift's program (people who have signed up for one of its shifts)
    who could sign up for this one: active, with its skills, free at that time and not already
    on it. Names only. In four queries, whatever their number."""
    shift = await Shift.get_or_none(id=shift_id)
    if shift is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    opportunity = await _opportunity(shift)
    people = (
        await User.filter(
            is_active=True,
            shift_signups__shift__opportunity__program_id=opportunity.program_id,
            shift_signups__status__not=SignUpStatus.HELD,
        )
        .exclude(id=giver.id)
        .distinct()
        .order_by("name", "id")
        .limit(CANDIDATE_LIMIT)
    )
    ids = [p.id for p in people]
    on_it = ids_of(
        await SignUp.filter(
            shift_id=shift.id,
            volunteer_id__in=ids,
            status__in=(SignUpStatus.CONFIRMED, SignUpStatus.HELD),
        ).values_list("volunteer_id", flat=True)
    )
    busy = ids_of(
        await SignUp.filter(
            volunteer_id__in=ids,
            status=SignUpStatus.CONFIRMED,
            shift__status=ShiftStatus.SCHEDULED,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(shift_id=shift.id)
        .values_list("volunteer_id", flat=True)
    )
    return [
        Candidate(p.id, p.name)
        for p in people
        if p.id not in on_it and p.id not in busy and not missing_skills(p, opportunity)
    ]


async def _check_can_take(person: User, shift: Shift, opportunity: Opportunity) -> SignUp | None:
    """Raises unless ``person`` could sign up for the locked shift; returns their old row."""
    if not person.is_active:
        raise InvalidInput(_("%(name)s is deactivated.", name=person.name), field="recipient_id")
    await _lock_person(person)
    existing = await SignUp.get_or_none(shift_id=shift.id, volunteer_id=person.id)
    if existing is not None and existing.status in (SignUpStatus.CONFIRMED, SignUpStatus.HELD):
        raise AlreadySignedUpError(
            _("%(name)s is already on this shift.", name=person.name), field="recipient_id"
        )
    missing = missing_skills(person, opportunity)
    if missing:
        raise _skills_error(missing)
    await eligibility.check_eligible(person, opportunity.program_id)
    await _check_overlap(person, shift)
    return existing


async def _giver_place(shift: Shift, giver_id: int) -> SignUp:
    signup = await SignUp.get_or_none(
        shift_id=shift.id, volunteer_id=giver_id, status=SignUpStatus.CONFIRMED
    )
    if signup is None:
        raise NotFound(_("You are not signed up for this shift."))
    return signup


async def open_handover_of(shift_id: int, giver_id: int) -> ShiftHandover | None:
    """The giver's hand-over (or swap) of this place still waiting for an answer or approval."""
    return (
        await ShiftHandover.filter(
            shift_id=shift_id,
            giver_id=giver_id,
            status__in=OPEN_HANDOVER,
            expires_at__gt=clock.now(),
        )
        .prefetch_related("recipient")
        .first()
    )


async def open_handover_for(shift_id: int, recipient_id: int) -> ShiftHandover | None:
    """A place offered to ``recipient_id`` on this shift (or accepted, awaiting approval)."""
    return (
        await ShiftHandover.filter(
            shift_id=shift_id,
            recipient_id=recipient_id,
            status__in=OPEN_HANDOVER,
            expires_at__gt=clock.now(),
        )
        .prefetch_related("giver")
        .first()
    )


# --- the volunteer's steps ---------------------------------------------------------------------


async def offer_handover(
    giver: User, shift_id: int, recipient_id: int, *, settings: Settings
) -> ShiftHandover:
    """Offer one's confirmed place to a named volunteer, who is emailed. Raises NotFound,
    InvalidInput (not a volunteer who could take it), Conflict (a hand-over or swap is open)."""
    recipient = await User.get_or_none(id=recipient_id)
    if recipient is None or recipient.id == giver.id:
        raise InvalidInput(_("Choose from the list."), field="recipient_id")
    async with in_transaction():
        shift = await lock_shift(shift_id)
        check_open(shift)
        opportunity = await _opportunity(shift)
        signup = await _giver_place(shift, giver.id)
        if signup.swap_offered_at is not None or await open_handover_of(shift.id, giver.id):
            raise Conflict(_("Your place is already offered; withdraw that offer first."))
        if await open_handover_for(shift.id, recipient.id):
            raise Conflict(
                _(
                    "%(name)s already has a place on this shift offered to them.",
                    name=recipient.name,
                ),
                field="recipient_id",
            )
        await _check_can_take(recipient, shift, opportunity)
        handover = await ShiftHandover.create(
            shift=shift,
            giver=giver,
            recipient=recipient,
            kind=HandoverKind.NAMED,
            created_at=clock.now(),
            expires_at=shift.starts_at,
        )
        await record(giver, "shifts.handover.offered", handover, shift_id=shift.id)
        await tell(shift, opportunity, handover, "offer", [recipient], settings=settings)
    return handover


async def withdraw_handover(giver: User, shift_id: int, *, settings: Settings) -> ShiftHandover:
    """Take back one's open hand-over (or a swap waiting for approval); the other is told."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        handover = await open_handover_of(shift.id, giver.id)
        if handover is None:
            raise NotFound(_("You have not offered your place to anyone."))
        await _close(handover, HandoverStatus.WITHDRAWN)
        await record(giver, "shifts.handover.withdrawn", handover, shift_id=shift.id)
        opportunity = await _opportunity(shift)
        await tell(
            shift, opportunity, handover, "withdrawn", [handover.recipient], settings=settings
        )
    return handover


async def accept_handover(recipient: User, shift_id: int, *, settings: Settings) -> ShiftHandover:
    """Take the place offered to one: it is handed over at once, or waits for a coordinator
    when the program asks for approval. Raises NotFound (no offer, or it expired), Conflict
    (the shift started, the giver's place is gone, an overlap) or MissingSkillsError."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        check_open(shift)
        handover = await _offered_to(shift, recipient)
        await take_offered(shift, await _opportunity(shift), handover, settings=settings)
    return handover


async def take_offered(
    shift: Shift, opportunity: Opportunity, handover: ShiftHandover, *, settings: Settings
) -> None:
    """The recipient says yes, on the locked shift: checked as a sign-up would be, then handed
    over, or left waiting for a coordinator (until the shift starts) if the program says so."""
    await _giver_or_withdraw(shift, handover)
    recipient = await User.get(id=handover.recipient_id)
    await _check_can_take(recipient, shift, opportunity)
    handover.answered_at = clock.now()
    if (await policy_for(opportunity.program_id)).approve_transfers:
        handover.status = HandoverStatus.AWAITING_APPROVAL
        handover.expires_at = shift.starts_at
        await handover.save(update_fields=["status", "answered_at", "expires_at"])
        await record(recipient, "shifts.handover.accepted", handover, shift_id=shift.id)
        await ask_approval(shift, opportunity, handover, settings=settings)
    else:
        await complete(shift, opportunity, handover, actor=recipient, settings=settings)


async def decline_handover(recipient: User, shift_id: int, *, settings: Settings) -> ShiftHandover:
    """Say no to the place offered; the giver keeps it and is told (a swap offered from the
    waitlist passes to the next in line)."""
    from opsuite.shifts.service.swaps import offer_swap_to_waitlist

    async with in_transaction():
        shift = await lock_shift(shift_id)
        handover = await _offered_to(shift, recipient)
        handover.answered_at = clock.now()
        await _close(handover, HandoverStatus.DECLINED)
        await record(recipient, "shifts.handover.declined", handover, shift_id=shift.id)
        opportunity = await _opportunity(shift)
        if handover.kind == HandoverKind.SWAP:
            await offer_swap_to_waitlist(shift, opportunity, handover.giver_id, settings=settings)
        else:
            giver = await User.get(id=handover.giver_id)
            await tell(shift, opportunity, handover, "declined", [giver], settings=settings)
    return handover


async def _offered_to(shift: Shift, recipient: User) -> ShiftHandover:
    handover = await ShiftHandover.get_or_none(
        shift_id=shift.id,
        recipient_id=recipient.id,
        status=HandoverStatus.OFFERED,
        expires_at__gt=clock.now(),
    ).prefetch_related("giver", "recipient")
    if handover is None:
        raise NotFound(_("There is no open offer for you on this shift."))
    return handover


async def _giver_or_withdraw(shift: Shift, handover: ShiftHandover) -> SignUp:
    """The giver's confirmed place; if it is gone, the hand-over is withdrawn and the answer
    is a Conflict."""
    signup = await SignUp.get_or_none(
        shift_id=shift.id, volunteer_id=handover.giver_id, status=SignUpStatus.CONFIRMED
    )
    if signup is None:
        await _close(handover, HandoverStatus.WITHDRAWN)
        raise Conflict(_("This place is no longer offered."))
    return signup


async def _close(handover: ShiftHandover, status: HandoverStatus) -> None:
    handover.status = status
    await handover.save(update_fields=["status", "answered_at", "decided_by_id", "decided_at"])


# --- the coordinator's steps -------------------------------------------------------------------


async def _awaiting(actor: User, handover_id: int) -> tuple[Shift, Opportunity, ShiftHandover]:
    found = await ShiftHandover.get_or_none(id=handover_id)
    if found is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    shift = await lock_shift(found.shift_id)
    opportunity = await _opportunity(shift)
    await authorize_manage_program(actor, opportunity.program_id)
    handover = await ShiftHandover.get(id=handover_id).prefetch_related("giver", "recipient")
    if handover.status != HandoverStatus.AWAITING_APPROVAL or handover.expires_at <= clock.now():
        raise Conflict(_("This hand-over is no longer waiting for approval."))
    handover.decided_by_id = actor.id
    handover.decided_at = clock.now()
    return shift, opportunity, handover


async def approve_handover(actor: User, handover_id: int, *, settings: Settings) -> ShiftHandover:
    """A coordinator says yes: the place passes at once (checked again, as if it were taken
    now). Raises PermissionDenied, NotFound or Conflict."""
    async with in_transaction():
        shift, opportunity, handover = await _awaiting(actor, handover_id)
        check_open(shift)
        await _giver_or_withdraw(shift, handover)
        await _check_can_take(handover.recipient, shift, opportunity)
        await complete(shift, opportunity, handover, actor=actor, settings=settings)
    return handover


async def reject_handover(actor: User, handover_id: int, *, settings: Settings) -> ShiftHandover:
    """A coordinator says no: the giver keeps the place; both are told."""
    from opsuite.shifts.service.swaps import offer_swap_to_waitlist

    async with in_transaction():
        shift, opportunity, handover = await _awaiting(actor, handover_id)
        await _close(handover, HandoverStatus.REJECTED)
        await record(actor, "shifts.handover.rejected", handover, shift_id=shift.id)
        people = [handover.giver, handover.recipient]
        await tell(shift, opportunity, handover, "rejected", people, settings=settings)
        if handover.kind == HandoverKind.SWAP:  # the swap stays open: the next in line may take it
            await offer_swap_to_waitlist(shift, opportunity, handover.giver_id, settings=settings)
    return handover


async def awaiting_approval(shift_id: int) -> list[ShiftHandover]:
    """Hand-overs and swaps of this shift waiting for a coordinator, oldest first."""
    return list(
        await ShiftHandover.filter(
            shift_id=shift_id,
            status=HandoverStatus.AWAITING_APPROVAL,
            expires_at__gt=clock.now(),
        ).prefetch_related("giver", "recipient")
    )


async def offers_to(volunteer_id: int) -> list[ShiftHandover]:
    """Places offered to this volunteer (or accepted, awaiting approval), soonest shift first."""
    return list(
        await ShiftHandover.filter(
            recipient_id=volunteer_id,
            status__in=OPEN_HANDOVER,
            expires_at__gt=clock.now(),
            shift__status=ShiftStatus.SCHEDULED,
        )
        .order_by("shift__starts_at", "id")
        .prefetch_related("giver", "shift__opportunity__program")
    )


# --- completing, and what people are told ------------------------------------------------------


async def complete(
    shift: Shift,
    opportunity: Opportunity,
    handover: ShiftHandover,
    *,
    actor: User,
    settings: Settings,
) -> SignUp:
    """Move the place from giver to recipient on the locked shift (checks done by the caller):
    the recipient gets a confirmation with the calendar entry, the giver a cancellation of
    theirs, and the coordinators a note."""
    now = clock.now()
    given = await SignUp.get(
        shift_id=shift.id, volunteer_id=handover.giver_id, status=SignUpStatus.CONFIRMED
    ).prefetch_related("volunteer")
    given.status = SignUpStatus.CANCELLED
    given.cancelled_at = now
    given.swap_offered_at = None
    await given.save()
    existing = await SignUp.get_or_none(shift_id=shift.id, volunteer_id=handover.recipient_id)
    recipient = await User.get(id=handover.recipient_id)
    signup = await _place(shift, recipient, existing, SignUpStatus.CONFIRMED)
    handover.status = HandoverStatus.COMPLETED
    await handover.save(update_fields=["status", "answered_at", "decided_by_id", "decided_at"])
    # Any other open offer of this place, or to this person on this shift, is over.
    await (
        ShiftHandover.filter(shift_id=shift.id, status__in=OPEN_HANDOVER)
        .filter(giver_id=handover.giver_id)
        .update(status=HandoverStatus.WITHDRAWN)
    )
    await (
        ShiftHandover.filter(shift_id=shift.id, status__in=OPEN_HANDOVER)
        .filter(recipient_id=recipient.id)
        .update(status=HandoverStatus.WITHDRAWN)
    )
    code = (
        "shifts.swap.completed"
        if handover.kind == HandoverKind.SWAP
        else "shifts.handover.completed"
    )
    await record(
        actor,
        code,
        signup,
        shift_id=shift.id,
        from_volunteer_id=handover.giver_id,
        to_volunteer_id=recipient.id,
    )
    stamp = f"{handover.id}:{now:%Y%m%dT%H%M%S}"
    await notices.send(
        shift,
        opportunity,
        kind="shift_confirmed",
        to=recipient,
        key=f"handed:{stamp}",
        settings=settings,
        calendar="PUBLISH",
        giver=given.volunteer,
    )
    told = {u.id: u for u in await program_managers(opportunity.program_id)}
    told.pop(given.volunteer_id, None)
    for person in [given.volunteer, *told.values()]:
        await notices.send(
            shift,
            opportunity,
            kind="shift_swapped",
            to=person,
            key=f"swap:{stamp}:{person.id}",
            settings=settings,
            calendar="CANCEL" if person.id == given.volunteer_id else "",
            giver=given.volunteer,
            taker=recipient,
        )
    # A waitlisted or offered recipient left a spot in the queue; a held offer frees a place.
    await _fill_places(shift, opportunity, actor=actor, settings=settings)
    await notices.reschedule(shift, opportunity, settings=settings)
    return signup


async def ask_approval(
    shift: Shift, opportunity: Opportunity, handover: ShiftHandover, *, settings: Settings
) -> None:
    """Tell the program's coordinators (and the giver) that a hand-over waits for them."""
    managers = await program_managers(opportunity.program_id)
    await tell(shift, opportunity, handover, "approval", managers, settings=settings)
    giver = await User.get(id=handover.giver_id)
    await tell(shift, opportunity, handover, "waiting", [giver], settings=settings)


async def tell(
    shift: Shift,
    opportunity: Opportunity,
    handover: ShiftHandover,
    event: str,
    people: list[User],
    *,
    settings: Settings,
    **context: Any,
) -> None:
    """One "shift_handover" email per person about one step (offer, declined, withdrawn,
    approval, waiting, rejected)."""
    giver = await User.get(id=handover.giver_id)
    recipient = await User.get(id=handover.recipient_id)
    for person in people:
        await notices.send(
            shift,
            opportunity,
            kind="shift_handover",
            to=person,
            key=f"handover:{handover.id}:{event}:{person.id}",
            settings=settings,
            event=event,
            handover=handover,
            giver=giver,
            taker=recipient,
            swap=handover.kind == HandoverKind.SWAP,
            **context,
        )


async def expire_handovers(settings: Settings) -> int:
    """Close offers whose time ran out: a named one when its shift starts, a swap's turn on the
    waitlist when its window ends (the swap then goes to the next in line). The scheduler runs
    this every few minutes; safe in several processes (each shift is locked and re-read)."""
    from opsuite.shifts.service.swaps import offer_swap_to_waitlist

    now = clock.now()
    due = await ShiftHandover.filter(status__in=OPEN_HANDOVER, expires_at__lte=now).values_list(
        "shift_id", flat=True
    )
    expired = 0
    for shift_id in sorted(ids_of(due)):
        async with in_transaction():
            shift = await lock_shift(shift_id)
            opportunity = await _opportunity(shift)
            rows = await ShiftHandover.filter(
                shift_id=shift.id, status__in=OPEN_HANDOVER, expires_at__lte=now
            )
            for handover in rows:
                await _close(handover, HandoverStatus.EXPIRED)
                await record(None, "shifts.handover.expired", handover, shift_id=shift.id)
                expired += 1
                if handover.kind == HandoverKind.SWAP and shift.starts_at > now:
                    await offer_swap_to_waitlist(
                        shift, opportunity, handover.giver_id, settings=settings
                    )
    return expired
