"""Who runs a team or a program, and who may see a program: the object-scoped rules for people's
models, registered with the one permission module (``opsuite.auth.permissions``) by
``opsuite.people.register``.

- A manager manages a team they run (TeamMember is_manager) and a program they run (ProgramRole
  manage); admins always may (``can`` decides that before asking here).
- Someone given any role in a program (read-only access: a board member, a funder) may view it.
- A manager acts on the people who share a team the manager runs, or who have a role in a program
  the manager runs (``manages_person``).
"""

from __future__ import annotations

from typing import cast

from tortoise.models import Model

from opsuite.auth import permissions
from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.people.models import Program, ProgramAccess, ProgramRole, Team, TeamMember


async def runs_team(user: User, team_id: int) -> bool:
    """Whether ``user`` is a manager of the team (their role is checked by ``can``)."""
    return await TeamMember.filter(team_id=team_id, user_id=user.id, is_manager=True).exists()


async def runs_program(user: User, program_id: int) -> bool:
    """Whether ``user`` was given manage access to the program."""
    return await ProgramRole.filter(
        program_id=program_id, user_id=user.id, access=ProgramAccess.MANAGE
    ).exists()


async def programs_run_by(user: User) -> list[int]:
    """The programs ``user`` was given manage access to."""
    ids = await ProgramRole.filter(user_id=user.id, access=ProgramAccess.MANAGE).values_list(
        "program_id", flat=True
    )
    return cast("list[int]", list(ids))


async def team_rule(user: User, cap: Cap, target: Model) -> bool:
    """``can`` on a Team, asked only beyond the role: manage means running it."""
    return cap is Cap.MANAGE and await runs_team(user, target.pk)


async def program_rule(user: User, cap: Cap, target: Model) -> bool:
    """``can`` on a Program, asked only beyond the role: manage means running it; view, any
    role in it (read-only access included)."""
    if cap is Cap.MANAGE:
        return await runs_program(user, target.pk)
    if cap is Cap.VIEW:
        return await ProgramRole.filter(program_id=target.pk, user_id=user.id).exists()
    return False


async def shares_a_team_run_by(actor: User, person: User) -> bool:
    """Whether ``person`` is a member of a team ``actor`` runs."""
    team_ids = await TeamMember.filter(user_id=actor.id, is_manager=True).values_list(
        "team_id", flat=True
    )
    return (
        bool(team_ids) and await TeamMember.filter(user_id=person.id, team_id__in=team_ids).exists()
    )


async def has_role_in_program_run_by(actor: User, person: User) -> bool:
    """Whether ``person`` has a role in a program ``actor`` runs."""
    program_ids = await programs_run_by(actor)
    return (
        bool(program_ids)
        and await ProgramRole.filter(user_id=person.id, program_id__in=program_ids).exists()
    )


async def programs_read_by(user: User | None) -> list[int]:
    """The programs ``user`` was given read-only access to (a board member, a funder)."""
    if user is None or not user.is_active:
        return []
    roles = await ProgramRole.filter(user_id=user.id, access=ProgramAccess.READ).only(
        "id", "program_id"
    )
    return [role.program_id for role in roles]


async def may_report_on(user: User | None, program: Program) -> bool:
    """Whether ``user`` may see ``program``'s reports, exports and feed: those who run it, and
    those given read-only access to it (contact data stays hidden from them, see
    ``permissions.sees_contact_data``)."""
    return await permissions.can(user, Cap.MANAGE, program) or program.id in await programs_read_by(
        user
    )


async def managed_programs(user: User) -> list[Program]:
    """The active programs ``user`` may manage, by name: all of them for an admin, those a
    manager runs (ProgramRole manage) for a manager, none for anyone else. The same answer as
    ``can(user, Cap.MANAGE, program)`` for each active program, in two queries."""
    if not permissions.role_allows(user, Cap.MANAGE):
        return []
    programs = Program.filter(is_active=True)
    if not permissions.is_admin(user):
        programs = programs.filter(id__in=await programs_run_by(user))
    return list(await programs.order_by("name"))


def register() -> None:
    """Hand people's rules to the permission module (idempotent)."""
    permissions.register_scope(Team, team_rule)
    permissions.register_scope(Program, program_rule)
    permissions.register_relation(shares_a_team_run_by)
    permissions.register_relation(has_role_in_program_run_by)
