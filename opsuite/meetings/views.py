"""What the calendar pages and the API share: which meetings a scope covers, occurrences as
calendar entries (the component is ``opsuite.web.calendar``), and the choices the meeting form
offers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, role_allows
from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound
from opsuite.meetings import availability
from opsuite.meetings.access import visible_meetings
from opsuite.meetings.models import Attendee, Meeting
from opsuite.meetings.occurrences import Occurrence, occurrences
from opsuite.people.models import Program, Team, TeamMember
from opsuite.web.calendar import Entry
from opsuite.web.forms import parse_date
from opsuite.web.i18n import gettext as _


@dataclass(frozen=True)
class Scope:
    kind: str  # me, team, program
    label: str
    team: Team | None = None
    program: Program | None = None

    @property
    def query(self) -> str:
        if self.team is not None:
            return f"team={self.team.id}"
        if self.program is not None:
            return f"program={self.program.id}"
        return ""


async def resolve_scope(user: User, team_id: int | None, program_id: int | None) -> Scope:
    """The calendar asked for. Raises NotFound or PermissionDenied."""
    if team_id is not None:
        team = await Team.get_or_none(id=team_id)
        if team is None:
            raise NotFound(_("No such team."))
        if (
            not role_allows(user, Cap.STAFF)
            and not await TeamMember.filter(team_id=team.id, user_id=user.id).exists()
        ):
            await authorize(user, Cap.STAFF)
        return Scope("team", team.name, team=team)
    if program_id is not None:
        program = await Program.get_or_none(id=program_id)
        if program is None:
            raise NotFound(_("No such program."))
        await authorize(user, Cap.VIEW, program)
        return Scope("program", program.name, program=program)
    return Scope("me", _("My meetings"))


async def scope_occurrences(
    user: User, scope: Scope, start: datetime, end: datetime
) -> list[Occurrence]:
    """Occurrences in the window: mine (I attend), a team's (its meetings and those its members
    attend) or a program's. Meetings the viewer may not see (their visibility) are only "busy";
    volunteers only ever see meetings they attend."""
    if scope.team is not None:
        members = await TeamMember.filter(team_id=scope.team.id).values_list("user_id", flat=True)
        attended = await Attendee.filter(user_id__in=list(members)).values_list(
            "meeting_id", flat=True
        )
        extra = Q(team_id=scope.team.id) | Q(id__in=list(set(attended)) or [0])
        found = await occurrences(None, start, end, extra=extra)
    elif scope.program is not None:
        found = await occurrences(None, start, end, extra=Q(program_id=scope.program.id))
    else:
        return await occurrences(sorted(await _attended(user)), start, end)
    return await mask_private(user, found)


async def mask_private(user: User, found: list[Occurrence]) -> list[Occurrence]:
    """Occurrences as ``user`` may see them: the details of meetings they may not see replaced
    by "busy" (for volunteers: left out)."""
    ids = sorted({o.meeting.id for o in found})
    if not ids:
        return found
    rows = await Meeting.filter(await visible_meetings(user), id__in=ids).values_list(
        "id", flat=True
    )
    visible = {int(str(r)) for r in rows}
    if not role_allows(user, Cap.STAFF):
        return [o for o in found if o.meeting.id in visible]
    busy = _("Busy")
    return [
        o if o.meeting.id in visible else replace(o, title=busy, location="", private=True)
        for o in found
    ]


async def _attended(user: User) -> set[int]:
    rows = await Attendee.filter(user_id=user.id).values_list("meeting_id", flat=True)
    return {int(str(r)) for r in rows}


def entries(found: list[Occurrence]) -> list[Entry]:
    """Occurrences as the calendar component draws them (a private one opens nothing)."""
    return [
        Entry(
            start=o.start,
            end=o.end,
            title=o.title,
            href=None if o.private else f"/meetings/{o.meeting.id}",
            kind="meeting",
            label=_("Meeting"),
            detail=o.location,
            changed=o.changed,
            private=o.private,
        )
        for o in found
    ]


async def form_choices() -> tuple[list[User], list[Team], list[Program]]:
    people = await User.filter(is_active=True).order_by("name")
    teams = await Team.filter(is_active=True).order_by("name")
    programs = await Program.filter(is_active=True).order_by("name")
    return people, teams, programs


FIND_PAGE = 10  # times a find-a-time page shows; "More times" gives the next ones


async def find_slots(
    cleaned: dict[str, Any], zone: ZoneInfo, *, page: int = 0
) -> tuple[list[availability.Slot], bool]:
    """Page ``page`` of find-a-time's best times from the form's cleaned values (dates in
    the viewer's zone), and whether more follow."""
    required = [int(v) for v in cleaned["required"]]
    optional = [int(v) for v in cleaned["optional"] if int(v) not in required]
    people = {p.id: p for p in await User.filter(id__in=required + optional, is_active=True)}
    first = parse_date(cleaned["from_date"])
    last = parse_date(cleaned["to_date"])
    assert first is not None  # the form validated it  # nosec B101
    assert last is not None  # the form validated it  # nosec B101
    if last < first:
        raise InvalidInput(_("The end date must be after the start date."), field="to_date")
    attendees = [(people[i], True) for i in required if i in people] + [
        (people[i], False) for i in optional if i in people
    ]
    slots = await availability.find_a_time(
        attendees,
        duration=timedelta(minutes=cleaned["duration"]),
        start=datetime.combine(first, datetime.min.time(), tzinfo=zone),
        end=datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone),
        limit=FIND_PAGE + 1,
        offset=page * FIND_PAGE,
    )
    return slots[:FIND_PAGE], len(slots) > FIND_PAGE
