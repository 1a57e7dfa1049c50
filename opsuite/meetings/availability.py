"""Who is free when: each person's working hours (in their own zone) minus time off, holidays
and the meetings they attend. Conflicts for a proposed meeting and find-a-time both read from
here.

People without a work arrangement (most volunteers) have no working hours to go by; for them
a day window of DEFAULT_DAY in their own zone stands in.

Extension points, filled by app.wire_peers since meetings must not import its peers:
``working_hours`` below tells each person's working hours, time off and holidays (schedules
fills it), and ``extra_busy`` is where other areas add busy time (volunteers' confirmed shifts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opsuite import clock
from opsuite.auth.models import User
from opsuite.errors import InvalidInput
from opsuite.meetings.access import visible_meetings
from opsuite.meetings.models import Attendee, Meeting, MeetingStatus, Response
from opsuite.meetings.occurrences import occurrences
from opsuite.spans import Span, covers, intersect, subtract
from opsuite.web.i18n import gettext as _

DEFAULT_DAY = (time(8), time(20))
MAX_RANGE = timedelta(days=31)
# Extra busy time per person (user ids, start, end) -> {user_id: [Busy]}; empty by default.
BusySource = Callable[[list[int], datetime, datetime], Awaitable[dict[int, list["Busy"]]]]
extra_busy: list[BusySource] = []


@dataclass(frozen=True)
class Busy:
    start: datetime
    end: datetime
    kind: str  # meeting, time_off, holiday, shift
    label: str = ""
    meeting_id: int | None = None


@dataclass(frozen=True)
class WorkingHours:
    """One person's work in a window, as the area that keeps it knows it. ``has_hours`` is
    False for someone without a work arrangement (DEFAULT_DAY then stands in for ``working``);
    ``away`` is their time off and holidays, as busy time; ``core`` the part of ``working``
    they are expected to be there (core hours, and all of a fixed day's hours), the rest
    being the flexible window around it."""

    has_hours: bool
    working: list[Span]  # merged
    away: list[Busy]  # kind time_off or holiday
    core: list[Span] = field(default_factory=list)  # merged, within working


# Working hours per person (user ids, start, end) -> {user_id: WorkingHours}. app.wire_peers
# sets schedules' here; without it nobody has working hours and everyone gets DEFAULT_DAY.
HoursSource = Callable[[list[int], datetime, datetime], Awaitable[dict[int, WorkingHours]]]
NO_HOURS = WorkingHours(has_hours=False, working=[], away=[])


async def no_working_hours(
    user_ids: list[int], start: datetime, end: datetime
) -> dict[int, WorkingHours]:
    return {}


working_hours: HoursSource = no_working_hours


@dataclass(frozen=True)
class Availability:
    user: User
    has_hours: bool
    working: list[Span]  # merged
    busy: list[Busy]
    core: list[Span] = field(default_factory=list)

    def free(self) -> list[Span]:
        return subtract(self.working, sorted((b.start, b.end) for b in self.busy))

    def is_working(self, start: datetime, end: datetime) -> bool:
        return covers(self.working, start, end)

    def is_core(self, start: datetime, end: datetime) -> bool:
        """Inside their core hours; someone without an arrangement has none to keep."""
        return not self.has_hours or covers(self.core, start, end)


def _default_day(zone_name: str, start: datetime, end: datetime) -> list[Span]:
    zone = ZoneInfo(zone_name)
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    out = []
    while day <= last:
        begin = datetime.combine(day, DEFAULT_DAY[0], tzinfo=zone).astimezone(UTC)
        finish = datetime.combine(day, DEFAULT_DAY[1], tzinfo=zone).astimezone(UTC)
        out.append((begin, finish))
        day += timedelta(days=1)
    return out


async def availability(
    people: list[User], start: datetime, end: datetime, *, ignore_meeting: int | None = None
) -> dict[int, Availability]:
    """Working hours and busy time for each person in [start, end): one ``working_hours``
    call and three meeting queries, whatever the number of people."""
    ids = [p.id for p in people]
    hours = await working_hours(ids, start, end)
    busy: dict[int, list[Busy]] = defaultdict(list)
    rows = (
        await Attendee.filter(user_id__in=ids, meeting__status=MeetingStatus.SCHEDULED)
        .exclude(response=Response.DECLINED)
        .values_list("meeting_id", "user_id")
    )
    attending: dict[int, list[int]] = defaultdict(list)
    for meeting_id, user_id in rows:
        if meeting_id != ignore_meeting:
            attending[meeting_id].append(user_id)
    for occurrence in await occurrences(list(attending), start, end):
        for user_id in attending[occurrence.meeting.id]:
            busy[user_id].append(
                Busy(
                    occurrence.start,
                    occurrence.end,
                    "meeting",
                    occurrence.title,
                    occurrence.meeting.id,
                )
            )
    for source in extra_busy:
        for user_id, items in (await source(ids, start, end)).items():
            busy[user_id].extend(items)
    out: dict[int, Availability] = {}
    for person in people:
        known = hours.get(person.id, NO_HOURS)
        busy[person.id].extend(known.away)
        working = known.working
        if not known.has_hours:
            working = _default_day(person.timezone, start, end)
        out[person.id] = Availability(
            person,
            known.has_hours,
            working,
            sorted(busy[person.id], key=lambda b: b.start),
            known.core,
        )
    return out


# --- conflicts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    user: User
    kind: str  # meeting, time_off, holiday, shift, outside_hours
    start: datetime
    end: datetime
    label: str = ""


async def _private_meetings(viewer: User, found: dict[int, Availability]) -> set[int]:
    """The meetings in ``found`` whose titles ``viewer`` may not see."""
    ids = {b.meeting_id for a in found.values() for b in a.busy if b.meeting_id is not None}
    if not ids:
        return set()
    rows = await Meeting.filter(await visible_meetings(viewer), id__in=sorted(ids)).values_list(
        "id", flat=True
    )
    return ids - {int(str(r)) for r in rows}


async def conflicts(
    people: list[User],
    spans: list[Span],
    *,
    viewer: User,
    ignore_meeting: int | None = None,
) -> dict[int, list[Conflict]]:
    """For each person, what clashes with any of ``spans`` (a meeting's occurrences), as
    ``viewer`` may see it: meetings they may not see are only "busy", without their title."""
    if not spans or not people:
        return {p.id: [] for p in people}
    start, end = min(s for s, _e in spans), max(e for _s, e in spans)
    if end - start > timedelta(days=400):
        raise InvalidInput(_("Ask for at most %(n)s days at a time.", n=400), field="end")
    found = await availability(people, start, end, ignore_meeting=ignore_meeting)
    private = await _private_meetings(viewer, found)
    out: dict[int, list[Conflict]] = {}
    for person in people:
        a = found[person.id]
        items: list[Conflict] = []
        for s, e in spans:
            for b in a.busy:
                if b.start < e and b.end > s:
                    label = _("Busy") if b.meeting_id in private else b.label
                    items.append(Conflict(person, b.kind, b.start, b.end, label))
            if a.has_hours and not a.is_working(s, e):
                items.append(Conflict(person, "outside_hours", s, e))
        out[person.id] = items
    return out


# --- find a time --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotPerson:
    user: User
    required: bool
    free: bool
    outside_hours: bool
    local_start: datetime
    local_end: datetime
    outside_core: bool = False  # working then, but in their flexible window


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    missing_optional: int
    people: tuple[SlotPerson, ...]
    in_core_hours: bool = True  # inside every required person's core hours


def _grid(first: datetime, step: timedelta) -> datetime:
    seconds = step.total_seconds()
    stamp = first.timestamp()
    return datetime.fromtimestamp(-(-stamp // seconds) * seconds, tz=UTC)


async def find_a_time(
    attendees: list[tuple[User, bool]],
    *,
    duration: timedelta,
    start: datetime,
    end: datetime,
    step: timedelta = timedelta(minutes=30),
    limit: int = 10,
    offset: int = 0,
) -> list[Slot]:
    """The best slots of ``duration`` in [start, end): inside every required person's working
    hours and free of their meetings and time off; ranked first those inside every required
    person's core hours (people without an arrangement have none), then by fewest optional
    people missing, then earliest, over the whole range; ``limit`` of them from the
    ``offset``-th on (a page of them). Raises InvalidInput."""
    if not attendees:
        raise InvalidInput(_("Invite at least one person."), field="attendees")
    if duration <= timedelta(0) or duration > timedelta(hours=12):
        raise InvalidInput(_("A meeting lasts between 1 minute and 12 hours."), field="duration")
    if end <= start:
        raise InvalidInput(_("The end date must be after the start date."), field="end")
    if end - start > MAX_RANGE:
        raise InvalidInput(_("Search at most %(n)s days at a time.", n=MAX_RANGE.days), field="end")
    start = max(start, clock.now())
    people = [u for u, _r in attendees]
    found = await availability(people, start, end)
    free = {u.id: found[u.id].free() for u in people}
    required = [u.id for u, r in attendees if r]
    optional = [u.id for u, r in attendees if not r]
    common: list[Span] = [(start, end)]
    for user_id in required:
        common = intersect(common, free[user_id])
    candidates: list[tuple[bool, int, datetime]] = []
    for s, e in common:
        at = _grid(s, step)
        while at + duration <= e:
            missing = sum(1 for o in optional if not covers(free[o], at, at + duration))
            in_core = all(found[r].is_core(at, at + duration) for r in required)
            candidates.append((not in_core, missing, at))
            at += step
    candidates.sort()
    slots = []
    for outside, missing, at in candidates[max(0, offset) : max(0, offset) + limit]:
        people_here = tuple(
            SlotPerson(
                user,
                is_required,
                covers(free[user.id], at, at + duration),
                found[user.id].has_hours and not found[user.id].is_working(at, at + duration),
                at.astimezone(ZoneInfo(user.timezone)),
                (at + duration).astimezone(ZoneInfo(user.timezone)),
                found[user.id].is_working(at, at + duration)
                and not found[user.id].is_core(at, at + duration),
            )
            for user, is_required in attendees
        )
        slots.append(Slot(at, at + duration, missing, people_here, not outside))
    return slots
