"""Finding meetings and who may see or change them, their attendees and changed occurrences."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from opsuite.auth.models import User
from opsuite.auth.permissions import can, is_admin
from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound, PermissionDenied
from opsuite.meetings.access import sees_meeting
from opsuite.meetings.models import Attendee, Meeting, OccurrenceAnswer, OccurrenceChange, Response
from opsuite.people.models import Program, Team, TeamMember
from opsuite.web.i18n import gettext as _


async def can_edit(user: User, meeting: Meeting) -> bool:
    """The organizer, an admin, or a manager who runs the meeting's team or program (and may
    see it: an "attendees only" meeting is not theirs to change)."""
    if user.id == meeting.organizer_id or is_admin(user):
        return True
    if not await sees_meeting(user, meeting):
        return False
    if meeting.team_id is not None and await can(
        user, Cap.MANAGE, await Team.get(id=meeting.team_id)
    ):
        return True
    return meeting.program_id is not None and await can(
        user, Cap.MANAGE, await Program.get(id=meeting.program_id)
    )


async def can_see(user: User, meeting: Meeting) -> bool:
    """Whether the meeting's details are open to ``user`` (its visibility; see
    ``opsuite.meetings.access.visible_meetings``)."""
    return await sees_meeting(user, meeting)


async def get_meeting(meeting_id: int) -> Meeting:
    """Raises NotFound."""
    meeting = await Meeting.get_or_none(id=meeting_id).prefetch_related("organizer")
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return meeting


async def meeting_for(user: User, meeting_id: int) -> Meeting:
    """A meeting this person may see. Raises NotFound (also for one they may not see)."""
    meeting = await get_meeting(meeting_id)
    if not await can_see(user, meeting):
        # The same answer as for a meeting that does not exist: its title stays private.
        raise NotFound(_("No such meeting."))
    return meeting


async def meeting_to_edit(user: User, meeting_id: int) -> Meeting:
    """A meeting this person may change. Raises NotFound or PermissionDenied."""
    meeting = await meeting_for(user, meeting_id)
    if not await can_edit(user, meeting):
        raise PermissionDenied(_("Only the organizer can change this meeting."))
    return meeting


async def attendees_of(meeting: Meeting) -> list[Attendee]:
    rows = await Attendee.filter(meeting_id=meeting.id).prefetch_related("user")
    return sorted(rows, key=lambda a: (a.user_id != meeting.organizer_id, a.user.name))


async def changes_of(meeting: Meeting) -> list[OccurrenceChange]:
    return await OccurrenceChange.filter(meeting_id=meeting.id).order_by("original_start")


def answers_of_meeting(meeting_id: int) -> QuerySet[OccurrenceAnswer]:
    """The answers given for single occurrences of one meeting."""
    invited = Subquery(Attendee.filter(meeting_id=meeting_id).values("id"))
    return OccurrenceAnswer.filter(attendee_id__in=invited)


# original start -> user id -> that person's answer for that occurrence
ByOccurrence = dict[datetime, dict[int, Response]]


async def answers_by_occurrence(meeting_ids: list[int]) -> dict[int, ByOccurrence]:
    """Every answer given for one occurrence of these meetings: meeting id -> original start
    -> user id -> answer (one query)."""
    out: dict[int, ByOccurrence] = defaultdict(lambda: defaultdict(dict))
    if not meeting_ids:
        return out
    rows = await OccurrenceAnswer.filter(attendee__meeting_id__in=meeting_ids).select_related(
        "attendee"
    )
    for row in rows:
        out[row.attendee.meeting_id][row.original_start][row.attendee.user_id] = row.response
    return out


def answer_for(
    attendee: Attendee, original_start: datetime, by_occurrence: ByOccurrence
) -> Response:
    """The attendee's answer for one occurrence: their own for it, else the series'."""
    own = by_occurrence.get(original_start, {}).get(attendee.user_id)
    return own if own is not None else Response(attendee.response)


def _refuse_cancelled(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise InvalidInput(_("This meeting was cancelled."))


async def team_ids_of(user: User) -> list[int]:
    return [m.team_id for m in await TeamMember.filter(user_id=user.id)]
