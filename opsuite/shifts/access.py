"""Who may see or run shifts, asked of the one permission function.

- Public opportunities (and their shifts) are open to everyone; internal ones to signed-in people.
- A program's shifts are run by the managers who run the program (ProgramRole manage) and admins.
"""

from __future__ import annotations

from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, can
from opsuite.caps import Cap
from opsuite.errors import NotAuthenticated, NotFound
from opsuite.people.access import programs_run_by
from opsuite.people.models import Program
from opsuite.shifts.models import Opportunity, SignUp
from opsuite.web.i18n import gettext as _


async def can_manage_program(user: User | None, program_id: int) -> bool:
    if user is None:
        return False
    program = await Program.get_or_none(id=program_id)
    return program is not None and await can(user, Cap.MANAGE, program)


async def authorize_manage_program(user: User | None, program_id: int) -> None:
    """Raises PermissionDenied unless ``user`` runs the program (or is an admin)."""
    program = await Program.get_or_none(id=program_id)
    if program is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    await authorize(user, Cap.MANAGE, program)


async def authorize_see_opportunity(user: User | None, opportunity: Opportunity) -> None:
    """Internal opportunities need an account; closed ones are for those who run them."""
    if not opportunity.is_active and not await can_manage_program(user, opportunity.program_id):
        raise NotFound(_("There is nothing at this address. Check the link."))
    if not opportunity.is_public and user is None:
        raise NotAuthenticated(_("Please log in to continue."))


async def signed_up_in_program_run_by(actor: User, person: User) -> bool:
    """Whether ``person`` signed up for a shift of a program ``actor`` runs (a relation asked by
    ``permissions.manages_person``)."""
    program_ids = await programs_run_by(actor)
    return (
        bool(program_ids)
        and await SignUp.filter(
            volunteer_id=person.id, shift__opportunity__program_id__in=program_ids
        ).exists()
    )
