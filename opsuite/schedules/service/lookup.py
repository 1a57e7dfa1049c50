"""Looking people and teams up for pages and the API: who is in which team, who manages whom."""

from __future__ import annotations

from typing import cast

from opsuite.auth.models import User
from opsuite.people.models import Team, TeamMember


async def team_people(team_id: int) -> list[User]:
    memberships = await TeamMember.filter(team_id=team_id, user__is_active=True).prefetch_related(
        "user"
    )
    return sorted((m.user for m in memberships), key=lambda u: (u.name, u.id))  # id: stable pages


async def people_in_teams(team_ids: list[int]) -> list[User]:
    """Active members of any of these teams, each once, by name."""
    people = await User.filter(team_memberships__team_id__in=team_ids, is_active=True).distinct()
    return sorted(people, key=lambda u: (u.name, u.id))


async def managers_of(person: User) -> list[User]:
    team_ids = await TeamMember.filter(user_id=person.id).values_list("team_id", flat=True)
    rows = await TeamMember.filter(
        team_id__in=list(team_ids), is_manager=True, user__is_active=True
    ).prefetch_related("user")
    return [r.user for r in rows if r.user.id != person.id]


async def teams_of(person: User) -> list[Team]:
    """The active teams ``person`` belongs to (as member or manager)."""
    return await Team.filter(members__user_id=person.id, is_active=True).order_by("name")


async def visible_teams(person: User, *, everything: bool) -> list[Team]:
    """Teams whose schedule ``person`` may open: their own, or all active ones for admins."""
    if everything:
        return await Team.filter(is_active=True).order_by("name")
    return await teams_of(person)


async def is_team_member(person: User, team: Team) -> bool:
    return await TeamMember.filter(team_id=team.id, user_id=person.id).exists()


async def shares_team(viewer: User, person: User) -> bool:
    """Whether ``viewer`` is in at least one team with ``person``."""
    their_teams = TeamMember.filter(user_id=person.id).values_list("team_id", flat=True)
    return await TeamMember.filter(user_id=viewer.id, team_id__in=list(await their_teams)).exists()


async def people_managed_by(manager: User) -> set[int]:
    """Ids of everyone in the teams ``manager`` runs (themselves excluded)."""
    team_ids = await TeamMember.filter(user_id=manager.id, is_manager=True).values_list(
        "team_id", flat=True
    )
    # Tortoise types values_list(..., flat=True) as a list of tuples, but flat gives the values.
    people = cast(
        list[int],
        await TeamMember.filter(team_id__in=list(team_ids)).values_list("user_id", flat=True),
    )
    return {int(p) for p in people} - {manager.id}
