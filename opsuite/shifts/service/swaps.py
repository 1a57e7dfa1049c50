"""Swaps: a volunteer offers their place and another eligible volunteer takes it.

Taking a swap goes through the same hand-over as giving one's place to a named person
(``handovers``): the place passes under the shift lock, or waits for a coordinator when the
program asks for approval. A program may also say swaps follow the waitlist: the place offered
goes to the first in line for the program's offer window, then the next, and only when nobody
waiting takes it is it open to anyone.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, InvalidInput, NotFound
from opsuite.settings import Settings
from opsuite.shifts.models import (
    OPEN_HANDOVER,
    HandoverKind,
    HandoverStatus,
    Opportunity,
    Shift,
    ShiftHandover,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service.handovers import (
    _check_can_take,
    ids_of,
    open_handover_for,
    open_handover_of,
    take_offered,
    tell,
)
from opsuite.shifts.service.places import (
    _opportunity,
    check_open,
    find_overlap,
    lock_shift,
    missing_skills,
    unexpired_hold,
)
from opsuite.shifts.service.waitlist import offer_window, policy_for
from opsuite.web.i18n import gettext as _


async def offer_swap(volunteer: User, shift_id: int, *, settings: Settings) -> SignUp:
    """Put one's confirmed place up for another volunteer to take (first to the waitlist,
    when the program says so). Raises NotFound/Conflict."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        check_open(shift)
        signup = await SignUp.get_or_none(
            shift_id=shift.id, volunteer_id=volunteer.id, status=SignUpStatus.CONFIRMED
        )
        if signup is None:
            raise NotFound(_("You are not signed up for this shift."))
        if signup.swap_offered_at is not None or await open_handover_of(shift.id, volunteer.id):
            raise Conflict(_("Your place is already offered; withdraw that offer first."))
        signup.swap_offered_at = clock.now()
        await signup.save(update_fields=["swap_offered_at"])
        await record(volunteer, "shifts.swap.offered", signup, shift_id=shift.id)
        opportunity = await _opportunity(shift)
        await offer_swap_to_waitlist(shift, opportunity, volunteer.id, settings=settings)
    return signup


async def withdraw_swap(volunteer: User, shift_id: int, *, settings: Settings) -> None:
    """Keep one's place after all; whoever it was offered to (or who took it, waiting for
    approval) is told."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        updated = await SignUp.filter(
            shift_id=shift.id, volunteer_id=volunteer.id, swap_offered_at__isnull=False
        ).update(swap_offered_at=None)
        if not updated:
            raise NotFound(_("You have not offered this shift for a swap."))
        pending = await ShiftHandover.filter(
            shift_id=shift.id,
            giver_id=volunteer.id,
            kind=HandoverKind.SWAP,
            status__in=OPEN_HANDOVER,
        ).prefetch_related("recipient")
        opportunity = await _opportunity(shift)
        for handover in pending:
            handover.status = HandoverStatus.WITHDRAWN
            await handover.save(update_fields=["status"])
            await tell(
                shift, opportunity, handover, "withdrawn", [handover.recipient], settings=settings
            )


async def offer_swap_to_waitlist(
    shift: Shift, opportunity: Opportunity, giver_id: int, *, settings: Settings
) -> ShiftHandover | None:
    """When the program says swaps follow the waitlist: offer the giver's place (on the
    locked shift) to the first person in line not yet asked for this swap who could take it,
    for the program's offer window. None when nobody is left: the swap is open to anyone."""
    policy = await policy_for(opportunity.program_id)
    now = clock.now()
    if not policy.swaps_follow_waitlist or shift.starts_at <= now:
        return None
    giver = await SignUp.get_or_none(
        shift_id=shift.id,
        volunteer_id=giver_id,
        status=SignUpStatus.CONFIRMED,
        swap_offered_at__isnull=False,
    )
    if giver is None or await open_handover_of(shift.id, giver_id):
        return None
    asked = ids_of(
        await ShiftHandover.filter(
            shift_id=shift.id,
            giver_id=giver_id,
            kind=HandoverKind.SWAP,
            created_at__gte=giver.swap_offered_at,
        ).values_list("recipient_id", flat=True)
    )
    engaged = ids_of(
        await ShiftHandover.filter(shift_id=shift.id, status__in=OPEN_HANDOVER).values_list(
            "recipient_id", flat=True
        )
    )
    queue = await SignUp.filter(
        unexpired_hold(), shift_id=shift.id, status=SignUpStatus.WAITLISTED
    ).prefetch_related("volunteer")
    for waiting in queue:  # in waitlist order
        person = waiting.volunteer
        if person.id in asked or person.id in engaged or not person.is_active:
            continue
        if missing_skills(person, opportunity) or await find_overlap(person.id, shift):
            continue
        handover = await ShiftHandover.create(
            shift=shift,
            giver_id=giver_id,
            recipient=person,
            kind=HandoverKind.SWAP,
            created_at=now,
            expires_at=now + offer_window(shift, policy),
        )
        await record(None, "shifts.swap.offered_to_waitlist", handover, shift_id=shift.id)
        await tell(shift, opportunity, handover, "offer", [person], settings=settings)
        return handover
    return None


async def _open_swap(shift: Shift, taker: User) -> SignUp | None:
    """The oldest place offered for a swap that nobody is being asked about or waits on."""
    reserved = ids_of(
        await ShiftHandover.filter(
            shift_id=shift.id, status__in=OPEN_HANDOVER, expires_at__gt=clock.now()
        ).values_list("giver_id", flat=True)
    )
    return (
        await SignUp.filter(
            shift_id=shift.id,
            status=SignUpStatus.CONFIRMED,
            swap_offered_at__isnull=False,
        )
        .exclude(volunteer_id__in=[taker.id, *reserved])
        .order_by("swap_offered_at", "id")
        .first()
    )


async def can_take_swap(taker: User, shift_id: int) -> bool:
    """Whether a place offered for a swap is open to this person now (for the shift page)."""
    shift = await Shift.get_or_none(id=shift_id)
    return shift is not None and await _open_swap(shift, taker) is not None


async def take_swap(taker: User, shift_id: int, *, settings: Settings) -> ShiftHandover:
    """Another eligible volunteer takes a place offered for a swap: it passes at once (the
    coordinators and the giver are told) or waits for a coordinator when the program asks for
    approval. Raises NotFound, Conflict or MissingSkillsError."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        check_open(shift)
        opportunity = await _opportunity(shift)
        mine = await open_handover_for(shift.id, taker.id)
        if mine is not None and mine.status == HandoverStatus.OFFERED:
            await take_offered(shift, opportunity, mine, settings=settings)  # their turn
            return mine
        offered = await _open_swap(shift, taker)
        if offered is None:
            raise NotFound(_("Nobody is offering this shift for a swap any more."))
        await _check_can_take(taker, shift, opportunity)
        now = clock.now()
        handover = await ShiftHandover.create(
            shift=shift,
            giver_id=offered.volunteer_id,
            recipient=taker,
            kind=HandoverKind.SWAP,
            created_at=now,
            expires_at=shift.starts_at,
        )
        await take_offered(shift, opportunity, handover, settings=settings)
    return handover


SWAP_ACTIONS = ("offer", "withdraw", "take")


async def swap_action(
    user: User, shift_id: int, action: str, *, settings: Settings
) -> ShiftHandover | None:
    """The swap page's and the API's one entry: ``offer`` one's place, ``withdraw`` the offer,
    or ``take`` a place someone offered (the hand-over it makes: done, or waiting for a
    coordinator). Raises InvalidInput for another action, and what offer_swap, withdraw_swap
    and take_swap raise."""
    if action == "offer":
        await offer_swap(user, shift_id, settings=settings)
    elif action == "withdraw":
        await withdraw_swap(user, shift_id, settings=settings)
    elif action == "take":
        return await take_swap(user, shift_id, settings=settings)
    else:
        raise InvalidInput(_("Choose from the list."), field="action")
    return None
