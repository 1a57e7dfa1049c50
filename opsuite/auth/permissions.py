"""The one permission check. Every route declares what it needs; services pass targets.

Capabilities, from weakest to strongest:
- ``public``: anyone, signed in or not;
- ``signed_in``: any active account;
- ``staff``: staff, managers and admins (the people directory, colleagues' details);
- ``manage``: managers and admins; with a Team or Program target, a manager must run that team
  or program (admins always may);
- ``view``: with a Program target: anyone who may manage it, staff, or someone given read-only
  access to it (a board member, a funder's liaison); with a User target: that user or staff;
- ``admin``: admins only.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise.models import Model

from opsuite.auth.models import Role, User
from opsuite.errors import NotAuthenticated, PermissionDenied
from opsuite.people.models import Program, ProgramAccess, ProgramRole, Team, TeamMember
from opsuite.web.i18n import gettext as _


class Cap(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    STAFF = "staff"
    VIEW = "view"
    MANAGE = "manage"
    ADMIN = "admin"


_ROLE_RANK = {Role.VOLUNTEER: 0, Role.STAFF: 1, Role.MANAGER: 2, Role.ADMIN: 3}


def role_allows(user: User | None, cap: Cap) -> bool:
    """The role part of ``can``, without targets (used for navigation and route guards)."""
    if cap is Cap.PUBLIC:
        return True
    if user is None or not user.is_active:
        return False
    rank = _ROLE_RANK[Role(user.role)]
    return {
        Cap.SIGNED_IN: True,
        Cap.STAFF: rank >= 1,
        Cap.VIEW: True,
        Cap.MANAGE: rank >= 2,
        Cap.ADMIN: rank >= 3,
    }[cap]


async def can(user: User | None, cap: Cap, target: Model | None = None) -> bool:
    """Whether ``user`` may do something needing ``cap`` (on ``target``, if given)."""
    if target is None:
        return role_allows(user, cap)
    if cap is Cap.PUBLIC:
        return True
    if user is None or not user.is_active:
        return False
    rank = _ROLE_RANK[Role(user.role)]
    if user.role == Role.ADMIN or cap is Cap.SIGNED_IN:
        return True
    if cap is Cap.ADMIN:
        return False
    if cap is Cap.STAFF:
        return rank >= 1
    if cap is Cap.MANAGE:
        if rank < 2:
            return False
        if isinstance(target, Team):
            return await TeamMember.filter(
                team_id=target.id, user_id=user.id, is_manager=True
            ).exists()
        if isinstance(target, Program):
            return await ProgramRole.filter(
                program_id=target.id, user_id=user.id, access=ProgramAccess.MANAGE
            ).exists()
        return True
    if cap is Cap.VIEW:
        if isinstance(target, User):
            return target.id == user.id or rank >= 1
        if isinstance(target, Program):
            return (
                rank >= 1
                or await ProgramRole.filter(program_id=target.id, user_id=user.id).exists()
            )
        return rank >= 1
    return False


async def authorize(user: User | None, cap: Cap, target: Model | None = None) -> None:
    """Raise NotAuthenticated (nobody signed in) or PermissionDenied unless ``can`` says yes."""
    if await can(user, cap, target):
        return
    if user is None:
        raise NotAuthenticated(_("Please log in to continue."))
    raise PermissionDenied(_("You do not have permission to do that."))
