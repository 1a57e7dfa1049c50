"""Who sees a meeting's details (others see "busy"), asked of the one permission module.

Meetings owns this rule; it asks ``role_allows``/``is_admin`` for roles and people's teams and
programs for the rest."""

from __future__ import annotations

from tortoise.expressions import Q

from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin, role_allows
from opsuite.caps import Cap
from opsuite.meetings.models import Attendee, Meeting, Visibility
from opsuite.people.models import ProgramAccess, ProgramRole, TeamMember


async def visible_meetings(user: User | None) -> Q:
    """A filter on Meeting: the meetings whose details ``user`` may see (others: "busy").

    Admins see every meeting; the organiser and the people invited see theirs; volunteers see
    nothing else. Other staff see "organisation" meetings, and "team" meetings when they share
    a team with the organiser, belong to the meeting's team, or run its team or program.
    "Attendees only" meetings are for the organiser and the people invited."""
    if user is None or not user.is_active:
        return Q(id__in=[])
    if is_admin(user):
        return Q()
    attended = await Attendee.filter(user_id=user.id).values_list("meeting_id", flat=True)
    own = Q(organizer_id=user.id) | Q(id__in=list(attended))
    if not role_allows(user, Cap.STAFF):
        return own
    memberships = await TeamMember.filter(user_id=user.id).only("id", "team_id", "is_manager")
    team_ids = [m.team_id for m in memberships]
    teammates = await TeamMember.filter(team_id__in=team_ids).values_list("user_id", flat=True)
    programs = await ProgramRole.filter(user_id=user.id, access=ProgramAccess.MANAGE).values_list(
        "program_id", flat=True
    )
    team = Q(team_id__in=team_ids) | Q(organizer_id__in=list(teammates))
    if programs:
        team |= Q(program_id__in=list(programs))
    return own | Q(visibility=Visibility.ORGANISATION) | (Q(visibility=Visibility.TEAM) & team)


async def sees_meeting(user: User | None, meeting: Meeting) -> bool:
    """Whether ``user`` may see ``meeting``'s details (see ``visible_meetings``)."""
    return await Meeting.filter(await visible_meetings(user), id=meeting.id).exists()
