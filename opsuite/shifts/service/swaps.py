"""Swaps: a volunteer offers their place and another eligible volunteer takes it."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import InvalidInput, NotFound
from opsuite.settings import Settings
from opsuite.shifts import eligibility, notices
from opsuite.shifts.models import (
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
from opsuite.web.i18n import gettext as _


async def offer_swap(volunteer: User, shift_id: int) -> SignUp:
    """Put one's confirmed place up for another volunteer to take. Raises NotFound/Conflict."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        check_open(shift)
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
    volunteer who offered it are told. Raises NotFound, Conflict, MissingSkillsError or
    NotEligibleError."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        check_open(shift)
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
        await eligibility.check_eligible(taker, opportunity.program_id)
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


SWAP_ACTIONS = ("offer", "withdraw", "take")


async def swap_action(user: User, shift_id: int, action: str, *, settings: Settings) -> None:
    """The swap page's and the API's one entry: ``offer`` one's place, ``withdraw`` the offer,
    or ``take`` a place someone offered. Raises InvalidInput for another action, and what
    offer_swap, withdraw_swap and take_swap raise."""
    if action == "offer":
        await offer_swap(user, shift_id)
    elif action == "withdraw":
        await withdraw_swap(user, shift_id)
    elif action == "take":
        await take_swap(user, shift_id, settings=settings)
    else:
        raise InvalidInput(_("Choose from the list."), field="action")
