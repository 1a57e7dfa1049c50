"""Teams: create, rename, (de)activate, members and who runs them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, is_admin, may_run_groups, role_allows
from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, NotFound
from opsuite.people.models import Team, TeamMember
from opsuite.people.service.common import MAX_ID, _name_and_description, _save_changes, _set_active
from opsuite.web.i18n import gettext as _


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    member_count: int


@dataclass(frozen=True)
class TeamDetail:
    team: Team
    members: list[TeamMember]  # with .user, managers first


async def _check_team_name(name: str, team_id: int | None = None) -> None:
    clash = Team.filter(name__iexact=name)
    if team_id is not None:
        clash = clash.exclude(id=team_id)
    if await clash.exists():
        raise FieldErrors({"name": _("There is already a team with this name.")})


async def create_team(actor: User, *, name: str, description: str = "") -> Team:
    """A new team run by its creator (managers and admins). Raises PermissionDenied, FieldErrors."""
    await authorize(actor, Cap.MANAGE)
    values = _name_and_description({"name": name, "description": description})
    await _check_team_name(values["name"])
    try:
        async with in_transaction():
            team = await Team.create(**values, created_at=clock.now())
            await TeamMember.create(team=team, user=actor, is_manager=True)
            await record(actor, "people.team.created", team, name=team.name)
    except IntegrityError:
        raise FieldErrors({"name": _("There is already a team with this name.")}) from None
    return team


async def get_team(team_id: int) -> Team:
    """Raises NotFound."""
    team = await Team.get_or_none(id=team_id) if 0 < team_id <= MAX_ID else None
    if team is None:
        raise NotFound(_("There is no such team."))
    return team


async def update_team(actor: User, team: Team, **values: Any) -> Team:
    """Rename or describe a team. Raises PermissionDenied, InvalidInput or FieldErrors."""
    await authorize(actor, Cap.MANAGE, team)
    values = _name_and_description(values)
    if "name" in values:
        await _check_team_name(values["name"], team.id)
    try:
        await _save_changes(actor, team, values, "people.team.updated")
    except IntegrityError:
        raise FieldErrors({"name": _("There is already a team with this name.")}) from None
    return team


async def deactivate_team(actor: User, team: Team) -> Team:
    """Hide a team from lists; its members and history stay. Raises PermissionDenied."""
    return await _set_active(actor, team, False, "team")


async def reactivate_team(actor: User, team: Team) -> Team:
    """Raises PermissionDenied."""
    return await _set_active(actor, team, True, "team")


async def add_team_member(
    actor: User, team: Team, person: User, *, is_manager: bool = False
) -> TeamMember:
    """Add someone to a team, or change whether they run it.

    Raises PermissionDenied, Conflict (inactive team) or FieldErrors."""
    await authorize(actor, Cap.MANAGE, team)
    if not team.is_active:
        raise Conflict(_("This team is deactivated; reactivate it first."))
    if not person.is_active:
        raise FieldErrors({"user_id": _("%(name)s is deactivated.", name=person.name)})
    if is_manager and not may_run_groups(person):
        raise FieldErrors({"is_manager": _("Only managers and administrators can run a team.")})
    async with in_transaction():
        member = await TeamMember.get_or_none(team_id=team.id, user_id=person.id)
        if member is None:
            member = await TeamMember.create(team=team, user=person, is_manager=is_manager)
            await record(
                actor, "people.team.member_added", team, user_id=person.id, is_manager=is_manager
            )
        elif member.is_manager != is_manager:
            member.is_manager = is_manager
            await member.save(update_fields=["is_manager"])
            await record(
                actor, "people.team.member_changed", team, user_id=person.id, is_manager=is_manager
            )
    return member


async def remove_team_member(actor: User, team: Team, person: User) -> None:
    """Raises PermissionDenied or NotFound (not a member)."""
    await authorize(actor, Cap.MANAGE, team)
    async with in_transaction():
        removed = await TeamMember.filter(team_id=team.id, user_id=person.id).delete()
        if not removed:
            raise NotFound(_("%(name)s is not in this team.", name=person.name))
        await record(actor, "people.team.member_removed", team, user_id=person.id)


async def list_teams(
    *, include_inactive: bool = False, offset: int = 0, limit: int = 50
) -> tuple[list[TeamSummary], int]:
    """A page of teams with their member counts (two queries in all), and the total."""
    teams = Team.all() if include_inactive else Team.filter(is_active=True)
    total = await teams.count()
    rows = (
        await teams.annotate(member_count=Count("members"))
        .order_by("name", "id")
        .offset(offset)
        .limit(limit)
    )
    # annotate() adds member_count to each row at runtime, which the Team model cannot declare.
    summaries = [TeamSummary(t, int(t.member_count)) for t in rows]  # type: ignore[attr-defined]
    return summaries, total


async def teams_run_by(person: User) -> list[Team]:
    """The active teams ``person`` may manage (all of them for an admin)."""
    if is_admin(person):
        return list(await Team.filter(is_active=True).order_by("name"))
    if not role_allows(person, Cap.MANAGE):
        return []
    return list(
        await Team.filter(
            is_active=True, members__user_id=person.id, members__is_manager=True
        ).order_by("name")
    )


async def get_team_detail(team: Team) -> TeamDetail:
    members = await TeamMember.filter(team_id=team.id).select_related("user")
    members.sort(key=lambda m: (not m.is_manager, m.user.name.lower(), m.user.id))
    return TeamDetail(team, members)
