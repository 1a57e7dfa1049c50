"""Who may see or change whose schedule, asked of the one permission function.

- A team's schedule: its members (staff and up), the managers who run it, admins.
- A person's schedule: themselves, anyone in a team with them, admins.
- A person's arrangement, exceptions and leave decisions: a manager who runs one of the
  person's teams, or an admin; never one's own leave or proposal (unless admin).
"""

from __future__ import annotations

from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, can
from opsuite.caps import Cap
from opsuite.errors import PermissionDenied
from opsuite.people.models import Team
from opsuite.schedules import service
from opsuite.web.i18n import gettext as _


def _refuse() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do that."))


async def can_manage_person(user: User, person: User) -> bool:
    if await can(user, Cap.ADMIN, person):
        return True
    for team in await service.teams_of(person):
        if await can(user, Cap.MANAGE, team):
            return True
    return False


async def authorize_manage_person(user: User, person: User) -> None:
    """Raises PermissionDenied unless ``user`` runs a team ``person`` is in, or is an admin."""
    await authorize(user, Cap.MANAGE)
    if not await can_manage_person(user, person):
        raise _refuse()


async def authorize_decision(user: User, person: User) -> None:
    """Deciding on someone's leave or proposal: their manager, not themselves (admins may)."""
    await authorize_manage_person(user, person)
    if person.id == user.id and not await can(user, Cap.ADMIN, person):
        raise PermissionDenied(_("Someone else has to decide on your own requests."))


async def can_see_team(user: User, team: Team) -> bool:
    if await can(user, Cap.MANAGE, team):  # admins, and managers who run it
        return True
    return await can(user, Cap.STAFF, team) and await service.is_team_member(user, team)


async def authorize_see_team(user: User, team: Team) -> None:
    if not await can_see_team(user, team):
        raise _refuse()


async def authorize_see_person(user: User, person: User) -> None:
    await authorize(user, Cap.STAFF)
    if person.id == user.id or await can(user, Cap.ADMIN, person):
        return
    if await service.shares_team(user, person):
        return
    raise _refuse()
