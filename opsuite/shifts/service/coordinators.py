"""Coordinators putting people on a shift and taking them off."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import InvalidInput, NotFound
from opsuite.people.models import ProgramAccess, ProgramRole
from opsuite.settings import Settings
from opsuite.shifts import notices
from opsuite.shifts.access import authorize_manage_program
from opsuite.shifts.models import (
    ACTIVE_STATUSES,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service.places import (
    AlreadySignedUpError,
    ShiftFullError,
    _check_overlap,
    _lock_person,
    _opportunity,
    _skills_error,
    check_open,
    counts_for,
    lock_shift,
    missing_skills,
)
from opsuite.shifts.service.signups import _place, _release
from opsuite.web.i18n import gettext as _


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
        check_open(shift)
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
            calendar="PUBLISH",
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
