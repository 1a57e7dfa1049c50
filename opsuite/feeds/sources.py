"""What each feed shows, read from the areas' models in a fixed number of queries.

feeds reads shifts, meetings, schedules and tasks (DESIGN.md lets feeds read other areas'
models) and reuses their pure helpers: meetings' rule text and stamps, shifts' series
expansion, schedules' ``expand_person``. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.support import LazyProxy
from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Max

from opsuite.auth.models import User
from opsuite.feeds.ics import FeedEvent, zone_of
from opsuite.meetings.models import Attendee, Meeting, MeetingStatus, OccurrenceChange, Response
from opsuite.meetings.recurrence import parse_stamp
from opsuite.people.models import TeamMember
from opsuite.schedules.expansion import (
    CORE,
    HOLIDAY,
    TIME_OFF,
    WORK,
    Interval,
    PersonInputs,
    clip,
    expand_person,
)
from opsuite.schedules.models import Arrangement, ScheduleException, TimeOff
from opsuite.schedules.service import load_inputs
from opsuite.settings import LOCALES
from opsuite.shifts import recurrence as shift_rules
from opsuite.shifts.models import Shift, ShiftSeries, ShiftStatus, SignUp, SignUpStatus
from opsuite.tasks.models import TaskAssignee
from opsuite.wallclock import from_minute
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext, use_locale

_DETAILS = lazy_gettext("Details: %(url)s")
_VOLUNTEER_SHIFT = lazy_gettext("Volunteer shift")
_ANSWERS = {
    Response.NEEDS_ACTION: lazy_gettext("No answer yet"),
    Response.ACCEPTED: lazy_gettext("Accepted"),
    Response.TENTATIVE: lazy_gettext("Maybe"),
    Response.DECLINED: lazy_gettext("Declined"),
}


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    now: datetime
    cancelled_since: datetime  # cancelled items newer than this stay (STATUS:CANCELLED)
    base_url: str
    host: str

    def uid(self, kind: str, *parts: object) -> str:
        return "-".join([kind, *(str(p) for p in parts)]) + f"@{self.host}"


def both(message: LazyProxy, **variables: object) -> str:
    """``message`` (a ``lazy_gettext``) in every language of the app, for the public feed:
    programs have no language of their own and anyone may subscribe (English, then Chinese)."""
    texts: list[str] = []
    for locale in LOCALES:
        with use_locale(locale):
            text = str(message) % variables if variables else str(message)
        if text not in texts:
            texts.append(text)
    return " / ".join(texts)


def _join(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


# --- meetings -------------------------------------------------------------------------------


def _meeting_query(window: Window) -> Any:
    return (
        Meeting.filter(starts_at__lt=window.end)
        .filter(Q(last_ends_at__isnull=True) | Q(last_ends_at__gt=window.start))
        .filter(
            Q(status=MeetingStatus.SCHEDULED)
            | Q(status=MeetingStatus.CANCELLED, updated_at__gte=window.cancelled_since)
        )
    )


async def meetings_of_person(user: User, window: Window) -> list[FeedEvent]:
    """Meetings the person organises or is invited to (three queries)."""
    invited = Subquery(Attendee.filter(user_id=user.id).values("meeting_id"))
    meetings = await (
        _meeting_query(window)
        .filter(Q(organizer_id=user.id) | Q(id__in=invited))
        .select_related("organizer")
    )
    answers = {
        a.meeting_id: a
        for a in await Attendee.filter(user_id=user.id, meeting_id__in=[m.id for m in meetings])
    }
    return await _meeting_events(meetings, window, user=user, answers=answers)


async def meetings_of(
    window: Window,
    *,
    visible: Q,
    team_id: int | None = None,
    program_id: int | None = None,
) -> list[FeedEvent]:
    """A team's or a program's meetings among those ``visible`` to the feed's owner (the
    meetings' visibility, ``opsuite.auth.permissions.visible_meetings``), in two queries."""
    query = _meeting_query(window).filter(visible)
    query = (
        query.filter(team_id=team_id)
        if team_id is not None
        else query.filter(program_id=program_id)
    )
    meetings = await query.select_related("organizer")
    return await _meeting_events(meetings, window, user=None, answers={})


async def _meeting_events(
    meetings: list[Meeting], window: Window, *, user: User | None, answers: dict[int, Attendee]
) -> list[FeedEvent]:
    if not meetings:
        return []
    changes: dict[int, list[OccurrenceChange]] = defaultdict(list)
    for change in await OccurrenceChange.filter(meeting_id__in=[m.id for m in meetings]):
        changes[change.meeting_id].append(change)
    out: list[FeedEvent] = []
    for meeting in meetings:
        out.extend(_meeting(meeting, changes[meeting.id], window, user, answers.get(meeting.id)))
    return out


def _meeting(
    meeting: Meeting,
    changes: list[OccurrenceChange],
    window: Window,
    user: User | None,
    answer: Attendee | None,
) -> list[FeedEvent]:
    cancelled = meeting.status == MeetingStatus.CANCELLED
    status = "CANCELLED" if cancelled else "CONFIRMED"
    mine = ""
    if user is not None and answer is not None:
        mine = _("Your answer: %(answer)s", answer=str(_ANSWERS[Response(answer.response)]))
        if not cancelled and answer.response == Response.TENTATIVE:
            status = "TENTATIVE"
    # People are named here, never as ORGANIZER/ATTENDEE (a subscription, not an invitation).
    description = _join(
        "\n".join(
            line for line in (_("Organizer: %(name)s", name=meeting.organizer.name), mine) if line
        ),
        meeting.description,
        meeting.agenda,
        _("Video link: %(url)s", url=meeting.video_url) if meeting.video_url else "",
        _("Details: %(url)s", url=f"{window.base_url}/meetings/{meeting.id}"),
    )
    common: dict[str, Any] = {
        "timezone": meeting.timezone,
        "sequence": meeting.sequence,
        "last_modified": meeting.updated_at,
        "description": description,
        "url": meeting.video_url or f"{window.base_url}/meetings/{meeting.id}",
        "transparent": answer is not None and answer.response == Response.DECLINED,
    }
    skipped = tuple(d for d in (parse_stamp(s) for s in meeting.exdates) if d is not None)
    master = FeedEvent(
        uid=meeting.uid,
        summary=meeting.title,
        start=meeting.starts_at,
        end=meeting.ends_at,
        location=meeting.location,
        status=status,
        rrule=meeting.rrule,
        exdates=skipped if meeting.rrule else (),
        **common,
    )
    out = [master]
    if not meeting.rrule:
        return out
    for change in changes:
        if change.original_start in skipped:
            continue
        out.append(
            FeedEvent(
                uid=meeting.uid,
                summary=change.title or meeting.title,
                start=change.starts_at,
                end=change.ends_at,
                location=change.location or meeting.location,
                status=status,
                recurrence_id=change.original_start,
                **{**common, "sequence": max(meeting.sequence, change.sequence)},
            )
        )
    return out


# --- shifts ---------------------------------------------------------------------------------


def _shift_summary(shift: Shift) -> str:
    return shift.opportunity.title


def _say(public_only: bool, message: LazyProxy, **variables: object) -> str:
    """Our own words: in both languages in the public feed, else in the owner's."""
    if public_only:
        return both(message, **variables)
    return str(message) % variables if variables else str(message)


def _shift_description(shift: Shift, window: Window, *extra: str, public: bool = False) -> str:
    return _join(
        shift.opportunity.description,
        shift.notes,
        *extra,
        _say(public, _DETAILS, url=f"{window.base_url}/shifts/{shift.id}"),
    )


def _location(shift: Shift) -> str:
    return shift.location or shift.opportunity.location


async def shifts_of_person(user: User, window: Window) -> list[FeedEvent]:
    """The person's sign-ups: confirmed, waiting (TENTATIVE), recently cancelled (one query)."""
    signups = await (
        SignUp.filter(volunteer_id=user.id, shift__starts_at__lt=window.end)
        .filter(shift__ends_at__gt=window.start)
        .filter(
            Q(status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED, SignUpStatus.OFFERED])
            | Q(cancelled_at__gte=window.cancelled_since)
        )
        .select_related("shift__opportunity")
    )
    out: list[FeedEvent] = []
    for signup in signups:
        shift = signup.shift
        gone = shift.status == ShiftStatus.CANCELLED or signup.status in (
            SignUpStatus.CANCELLED,
            SignUpStatus.LAPSED,
        )
        if shift.status == ShiftStatus.CANCELLED and (
            shift.cancelled_at is None or shift.cancelled_at < window.cancelled_since
        ):
            continue
        waiting = signup.status in (SignUpStatus.WAITLISTED, SignUpStatus.OFFERED)
        summary = _shift_summary(shift)
        note = ""
        if waiting and not gone:
            summary = _("%(title)s (waitlist)", title=summary)
            note = _("You are on the waitlist for this shift.")
        out.append(
            FeedEvent(
                uid=window.uid("shift", shift.id),
                summary=summary,
                start=shift.starts_at,
                end=shift.ends_at,
                timezone=shift.timezone,
                last_modified=max(
                    d
                    for d in (signup.created_at, signup.cancelled_at, shift.cancelled_at)
                    if d is not None
                ),
                status="CANCELLED" if gone else ("TENTATIVE" if waiting else "CONFIRMED"),
                description=_shift_description(shift, window, note),
                location=_location(shift),
                url=f"{window.base_url}/shifts/{shift.id}",
                categories=(_("Volunteer shift"),),
            )
        )
    return out


async def shifts_of_program(
    program_id: int, window: Window, *, public_only: bool
) -> list[FeedEvent]:
    """A program's shifts, series as RRULE (three queries). ``public_only``: open places on
    public, active opportunities only, and nothing about who signed up."""
    query = (
        Shift.filter(opportunity__program_id=program_id, starts_at__lt=window.end)
        .filter(ends_at__gt=window.start)
        .filter(
            Q(status=ShiftStatus.SCHEDULED)
            | Q(status=ShiftStatus.CANCELLED, cancelled_at__gte=window.cancelled_since)
        )
    )
    if public_only:
        query = query.filter(opportunity__is_public=True, opportunity__is_active=True)
    shifts = await query.select_related("opportunity")
    if not shifts:
        return []
    taken = {
        row["shift_id"]: row["n"]
        for row in await SignUp.filter(
            shift_id__in=[s.id for s in shifts], status=SignUpStatus.CONFIRMED
        )
        .annotate(n=Count("id"))
        .group_by("shift_id")
        .values("shift_id", "n")
    }
    series_ids = sorted({s.series_id for s in shifts if s.series_id is not None})
    series = {s.id: s for s in await ShiftSeries.filter(id__in=series_ids)} if series_ids else {}
    by_series: dict[int, list[Shift]] = defaultdict(list)
    out: list[FeedEvent] = []
    for shift in shifts:
        if shift.series_id in series and shift.occurrence_date is not None:
            by_series[shift.series_id].append(shift)
        else:
            event = _program_shift(shift, window, taken.get(shift.id, 0), public_only)
            if event is not None:
                out.append(event)
    for series_id, rows in by_series.items():
        out.extend(_series(series[series_id], rows, window, taken, public_only))
    return out


def _places(shift: Shift, taken: int, public_only: bool) -> str:
    free = max(0, shift.capacity - taken)
    if public_only:
        return both(lazy_gettext("Places open: %(n)s"), n=free)
    return _("Signed up: %(taken)s of %(capacity)s", taken=taken, capacity=shift.capacity)


def _program_shift(
    shift: Shift,
    window: Window,
    taken: int,
    public_only: bool,
    *,
    uid: str = "",
    recurrence_id: datetime | None = None,
) -> FeedEvent | None:
    cancelled = shift.status == ShiftStatus.CANCELLED
    if public_only and not cancelled and taken >= shift.capacity:
        return None
    return FeedEvent(
        uid=uid or window.uid("shift", shift.id),
        summary=_shift_summary(shift),
        start=shift.starts_at,
        end=shift.ends_at,
        timezone=shift.timezone,
        last_modified=shift.cancelled_at or shift.created_at,
        status="CANCELLED" if cancelled else "CONFIRMED",
        description=_shift_description(
            shift, window, _places(shift, taken, public_only), public=public_only
        ),
        # The public feed names no street address (docs/feeds.md): the shift's page does,
        # for those who sign up.
        location="" if public_only else _location(shift),
        url=f"{window.base_url}/shifts/{shift.id}",
        recurrence_id=recurrence_id,
        categories=(_say(public_only, _VOLUNTEER_SHIFT),),
    )


def _utc_until(rule: str, zone_name: str) -> str:
    """The rule with UNTIL in UTC (RFC 5545 wants UTC when DTSTART carries a zone)."""
    parts = shift_rules.rule_parts(rule)
    until = parts.get("UNTIL")
    if until and not until.endswith("Z"):
        local = datetime.strptime(until, "%Y%m%dT%H%M%S" if "T" in until else "%Y%m%d")
        if "T" not in until:
            local = local.replace(hour=23, minute=59, second=59)
        instant = local.replace(tzinfo=zone_of(zone_name)).astimezone(UTC)
        parts["UNTIL"] = instant.strftime("%Y%m%dT%H%M%SZ")
    return shift_rules.join_parts(parts)


def _series(
    series: ShiftSeries,
    rows: list[Shift],
    window: Window,
    taken: dict[int, int],
    public_only: bool,
) -> list[FeedEvent]:
    """One master VEVENT with RRULE, EXDATE for dates without a shift in the window (or
    full, for the public feed) and RECURRENCE-ID overrides for moved or cancelled shifts."""
    start = from_minute(series.start_minute)
    end_minute = (series.start_minute + series.duration_minutes) % (24 * 60)
    end = from_minute(end_minute)
    skipped = {date.fromisoformat(d) for d in series.exdates}
    expected = {
        o.day: o
        for o in shift_rules.expand(
            series.rrule,
            first_day=series.first_date,
            start=start,
            end=end,
            zone=series.timezone,
            exdates=set(),
        )
    }
    if not expected:
        return [
            e for s in rows if (e := _program_shift(s, window, taken.get(s.id, 0), public_only))
        ]
    uid = window.uid("shiftseries", series.id)
    by_day = {s.occurrence_date: s for s in rows}
    first = rows[0]
    out: list[FeedEvent] = []
    exdates: list[datetime] = []
    overrides: list[FeedEvent] = []
    for day, occurrence in expected.items():
        shift = by_day.get(day)
        if occurrence.ends_at <= window.start or occurrence.starts_at >= window.end:
            continue  # outside the window: the rule speaks for it
        if shift is None:
            exdates.append(occurrence.starts_at)
            continue
        count = taken.get(shift.id, 0)
        if public_only and shift.status == ShiftStatus.SCHEDULED and count >= shift.capacity:
            exdates.append(occurrence.starts_at)
        else:
            # Each shift carries its own page and its own count (sign-ups, or places open).
            event = _program_shift(
                shift, window, count, public_only, uid=uid, recurrence_id=occurrence.starts_at
            )
            if event is not None:
                overrides.append(event)
    for shift in rows:
        if shift.occurrence_date not in expected:
            event = _program_shift(shift, window, taken.get(shift.id, 0), public_only)
            if event is not None:
                out.append(event)
    for day in skipped:
        if day in expected and day not in by_day:
            exdates.append(expected[day].starts_at)
    first_occurrence = min(expected.values(), key=lambda o: o.starts_at)
    out.append(
        FeedEvent(
            uid=uid,
            summary=_shift_summary(first),
            start=first_occurrence.starts_at,
            end=first_occurrence.ends_at,
            timezone=series.timezone,
            last_modified=series.created_at,
            # Each occurrence in the window is its own override; the rule speaks for the
            # rest, so it points at the list of shifts rather than one of them.
            description=_join(
                first.opportunity.description,
                _say(public_only, _DETAILS, url=f"{window.base_url}/shifts"),
            ),
            location="" if public_only else _location(first),
            url=f"{window.base_url}/shifts",
            rrule=_utc_until(series.rrule, series.timezone),
            exdates=tuple(sorted(set(exdates))),
            categories=(_say(public_only, _VOLUNTEER_SHIFT),),
        )
    )
    out.extend(overrides)
    return out


# --- work schedule ----------------------------------------------------------------------------


_SCHEDULE_TITLES = {
    WORK: lazy_gettext("Work"),
    CORE: lazy_gettext("Core hours"),
    TIME_OFF: lazy_gettext("Time off"),
    HOLIDAY: lazy_gettext("Holiday"),
}
_LOCATIONS = {
    "office": lazy_gettext("office"),
    "home": lazy_gettext("home"),
    "field": lazy_gettext("field"),
}


async def schedule_of_people(
    people: list[User], window: Window, *, kinds: frozenset[str], prefix_names: bool
) -> list[FeedEvent]:
    """Work blocks and time off from the schedules expansion (eight queries): each weekly
    block of an arrangement as one event with RRULE (``_weekly``), the rest one by one."""
    if not people:
        return []
    # Weekly rules run over whole months (from the window's first month to its last), so
    # they change once a month as the window moves, not every day.
    months = (window.start.date().replace(day=1), _next_month(window.end.date()))
    first = months[0] - timedelta(days=1)
    last = months[1] + timedelta(days=2)
    inputs = await load_inputs([p.id for p in people], first, last)
    changed = await _schedule_changed([p.id for p in people])
    out: list[FeedEvent] = []
    for person in people:
        modified = changed.get(person.id, _NEVER)

        def title_of(interval: Interval, person: User = person) -> str:
            title = str(_SCHEDULE_TITLES[interval.kind])
            if interval.detail and interval.kind == HOLIDAY:
                title = f"{title}: {interval.detail}"
            if interval.location and interval.kind == WORK:
                title = f"{title} ({_LOCATIONS.get(interval.location, interval.location)})"
            return f"{person.name}: {title}" if prefix_names else title

        actual = [i for i in expand_person(inputs[person.id], first, last) if i.kind in kinds]
        covered: set[Interval] = set()
        weekly = (
            _weekly(person, inputs[person.id], set(actual), window, months)
            if kinds & {WORK, CORE}
            else []
        )
        for rule in weekly:
            covered.update(rule.covers)
            out.append(
                FeedEvent(
                    uid=rule.uid,
                    summary=title_of(rule.first),
                    start=rule.first.start,
                    end=rule.first.end,
                    timezone=rule.timezone,
                    last_modified=modified,
                    rrule=f"FREQ=WEEKLY;BYDAY={','.join(_BYDAY[d] for d in rule.weekdays)};"
                    f"UNTIL={rule.until:%Y%m%dT%H%M%SZ}",
                    exdates=rule.exdates,
                    transparent=True,
                    categories=(_("Work schedule"),),
                )
            )
        zone = zone_of(person.timezone)
        seen: dict[tuple[date, str], int] = defaultdict(int)
        singles = clip((i for i in actual if i not in covered), window.start, window.end)
        # (an interval outside the window that no rule covers is not published)
        for interval in singles:
            local_day = interval.start.astimezone(zone).date()
            n = seen[(local_day, interval.kind)]
            seen[(local_day, interval.kind)] += 1
            start: datetime | date = interval.start
            end: datetime | date = interval.end
            if interval.kind == HOLIDAY:
                start, end = local_day, local_day + timedelta(days=1)
            out.append(
                FeedEvent(
                    uid=window.uid("schedule", person.id, interval.kind, f"{local_day:%Y%m%d}", n),
                    summary=title_of(interval),
                    start=start,
                    end=end,
                    timezone=person.timezone,
                    last_modified=modified,
                    transparent=interval.kind != TIME_OFF,
                    categories=(_("Work schedule"),),
                )
            )
    return out


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _Rule:
    uid: str
    timezone: str
    first: Interval  # DTSTART/DTEND
    weekdays: tuple[int, ...]
    until: datetime  # the last occurrence's start (UTC)
    exdates: tuple[datetime, ...]
    covers: frozenset[Interval]


def _weekly(
    person: User,
    inputs: PersonInputs,
    have: set[Interval],
    window: Window,
    months: tuple[date, date],
) -> list[_Rule]:
    """The weekly rules of the person's arrangements over ``months`` (local days, the end
    exclusive: whole months around the window).

    Each arrangement alone (no leave, holidays or exceptions) gives its blocks' regular
    occurrences; those with the same kind, place and local hours are one rule (``BYDAY``
    their weekdays) from the first in those months to the last (``UNTIL``: the arrangement's
    end or the months'). Each occurrence the rule yields, worked out as a calendar app does
    (the local start on each day, the first one's exact length), either equals an interval
    of the real expansion (``have``: the rule covers it) or is an ``EXDATE`` (a holiday,
    leave, a moved or changed day, a daylight-saving night); what no rule covers is
    published on its own. A rule whose start falls in a skipped or repeated local hour is
    not used (readers disagree about those)."""
    rules: list[_Rule] = []
    patterns = inputs.patterns
    for index, pattern in enumerate(patterns):
        until_day = patterns[index + 1].valid_from if index + 1 < len(patterns) else months[1]
        lo, hi = max(months[0], pattern.valid_from), min(months[1], until_day)
        if lo >= hi:
            continue
        zone = zone_of(pattern.timezone)
        groups: dict[tuple[Any, ...], list[Interval]] = defaultdict(list)
        for interval in expand_person(PersonInputs(patterns=(pattern,)), lo, hi):
            if interval.kind not in (WORK, CORE):
                continue
            local_start = interval.start.astimezone(zone)
            key = (
                interval.kind,
                interval.location,
                interval.office_id,
                local_start.time(),
                interval.end.astimezone(zone).time(),
            )
            groups[key].append(interval)
        for (kind, location, office_id, at, end), members in groups.items():
            rule = _rule(members, have, zone, at)
            if rule is None:
                continue
            exdates, covers, weekdays = rule
            uid = window.uid(
                "schedule",
                person.id,
                kind,
                f"{pattern.valid_from:%Y%m%d}",
                f"{at:%H%M}{end:%H%M}",
                location or "-",
                office_id or 0,
            )
            rules.append(
                _Rule(
                    uid=uid,
                    timezone=str(zone.key),
                    first=members[0],
                    weekdays=weekdays,
                    until=members[-1].start,
                    exdates=exdates,
                    covers=covers,
                )
            )
    return rules


def _rule(
    members: list[Interval], have: set[Interval], zone: ZoneInfo, at: time
) -> tuple[tuple[datetime, ...], frozenset[Interval], tuple[int, ...]] | None:
    """(EXDATEs, covered intervals, weekdays) of a weekly rule through ``members``, or None
    when it is not worth one or readers could disagree about it."""
    if len(members) < 2:
        return None
    head = members[0]
    length = head.end - head.start
    weekdays = tuple(sorted({m.start.astimezone(zone).weekday() for m in members}))
    day = head.start.astimezone(zone).date()
    last_day = members[-1].start.astimezone(zone).date()
    yielded: list[Interval] = []
    while day <= last_day:
        if day.weekday() in weekdays:
            local = datetime.combine(day, at)
            instant = local.replace(tzinfo=zone).astimezone(UTC)
            if (
                instant.astimezone(zone).replace(tzinfo=None) != local
                or local.replace(tzinfo=zone, fold=1).utcoffset()
                != local.replace(tzinfo=zone).utcoffset()
            ):
                return None  # a skipped or repeated local hour
            yielded.append(replace(head, start=instant, end=instant + length))
        day += timedelta(days=1)
    covers = frozenset(y for y in yielded if y in have)
    if len(covers) < 2:
        return None
    return tuple(y.start for y in yielded if y not in have), covers, weekdays


_NEVER = datetime(2000, 1, 1, tzinfo=UTC)  # no schedule data at all (office holidays only)


async def _schedule_changed(user_ids: list[int]) -> dict[int, datetime]:
    """When each person's schedule data last changed (their newest arrangement, decided
    time off or day exception), in three queries: a work block's LAST-MODIFIED and DTSTAMP,
    so that a rebuild of unchanged data gives the same bytes. The feed cache raises it for a
    block whose content changes (``opsuite.feeds.service``)."""
    latest: dict[int, datetime] = {}
    for model, columns in (
        (Arrangement, ("created_at",)),
        (TimeOff, ("created_at", "decided_at")),
        (ScheduleException, ("created_at",)),
    ):
        rows = (
            await model.filter(user_id__in=user_ids)
            .annotate(**{f"m_{c}": Max(c) for c in columns})
            .group_by("user_id")
            .values("user_id", *(f"m_{c}" for c in columns))
        )
        for row in rows:
            for column in columns:
                value = row[f"m_{column}"]
                if isinstance(value, str):
                    value = datetime.fromisoformat(value)
                if isinstance(value, datetime):
                    value = value if value.tzinfo else value.replace(tzinfo=UTC)
                    latest[row["user_id"]] = max(latest.get(row["user_id"], value), value)
    return latest


async def team_members(team_id: int) -> list[User]:
    rows = await TeamMember.filter(team_id=team_id, user__is_active=True).select_related("user")
    return [r.user for r in rows]


# --- tasks ------------------------------------------------------------------------------------


async def tasks_of_person(user: User, window: Window) -> list[FeedEvent]:
    """Open tasks assigned to the person with a due date, as all-day events (one query)."""
    zone = zone_of(user.timezone)
    rows = await (
        TaskAssignee.filter(user_id=user.id, task__completed_at__isnull=True)
        .filter(task__board__is_archived=False)
        .filter(
            Q(task__due_date__gte=window.start.date(), task__due_date__lt=window.end.date())
            | Q(task__due_at__gte=window.start, task__due_at__lt=window.end)
        )
        .select_related("task__board")
    )
    out: list[FeedEvent] = []
    for row in rows:
        task = row.task
        due_day = task.due_date or (task.due_at.astimezone(zone).date() if task.due_at else None)
        if due_day is None:
            continue
        extra = ""
        if task.due_at is not None:
            due_local = task.due_at.astimezone(zone)
            extra = _("Due at %(time)s (%(zone)s)", time=f"{due_local:%H:%M}", zone=zone.key)
        out.append(
            FeedEvent(
                uid=window.uid("task", task.id),
                summary=_("Due: %(title)s", title=task.title),
                start=due_day,
                end=due_day + timedelta(days=1),
                last_modified=task.updated_at,
                sequence=task.version,
                description=_join(
                    extra,
                    task.description,
                    _("Board: %(name)s", name=task.board.name),
                    _("Details: %(url)s", url=f"{window.base_url}/tasks/{task.id}"),
                ),
                url=f"{window.base_url}/tasks/{task.id}",
                categories=(_("Task"),),
            )
        )
    return out
