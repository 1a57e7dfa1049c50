"""Schedules: arrangements (with history and proposals), leave, holidays, exceptions, and the
questions people ask of them (my week, who works now, when does the whole team overlap)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, FieldErrors, InvalidInput, NotFound
from opsuite.notify.reminders import Reminder, cancel_for, schedule_for
from opsuite.people.models import Team, TeamMember
from opsuite.schedules.expansion import (
    WORKING_KINDS,
    Block,
    DayException,
    Interval,
    Leave,
    Pattern,
    PersonInputs,
    clip,
    expand_person,
)
from opsuite.schedules.models import (
    Arrangement,
    ArrangementBlock,
    ArrangementKind,
    ArrangementStatus,
    ExceptionKind,
    Holiday,
    Location,
    Office,
    ScheduleException,
    TimeOff,
    TimeOffKind,
    TimeOffStatus,
)
from opsuite.settings import Settings
from opsuite.spans import intersect, merge
from opsuite.wallclock import optional_minute, to_minute
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone

MAX_RANGE_DAYS = 400


# --- validation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockInput:
    weekday: int
    start: time
    end: time
    location: str = Location.OFFICE
    office_id: int | None = None


@dataclass(frozen=True)
class ArrangementInput:
    kind: str
    valid_from: date
    timezone: str
    blocks: tuple[BlockInput, ...]
    office_id: int | None = None
    core: tuple[time, time] | None = None
    window: tuple[time, time] | None = None
    weekly_hours_target: Decimal | None = None
    note: str = ""


def _length(start: time, end: time) -> int:
    """Minutes from start to end, past midnight when end is not after start."""
    s, e = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    return e - s if e > s else e + 24 * 60 - s


def validate_arrangement(data: ArrangementInput) -> None:
    """Raise FieldErrors naming every problem (nothing is saved half-way)."""
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in ArrangementKind}:
        errors["kind"] = _("Choose fixed, flexible, remote or hybrid.")
    if not is_timezone(data.timezone):
        errors["timezone"] = _(
            "Unknown time zone; choose one such as Asia/Shanghai or Europe/London."
        )
    if not data.blocks:
        errors["blocks"] = _("Add at least one working day.")
    spans: list[tuple[int, int, int]] = []
    for n, block in enumerate(data.blocks):
        key = f"blocks.{n}"
        if not 0 <= block.weekday <= 6:
            errors[key] = _("Choose a day of the week.")
            continue
        if block.start == block.end:
            errors[key] = _(
                "A block must end after it starts (an end earlier than the start "
                "means it runs past midnight)."
            )
            continue
        if block.location not in {loc.value for loc in Location}:
            errors[key] = _("Choose office, home or field.")
            continue
        start = block.weekday * 1440 + block.start.hour * 60 + block.start.minute
        spans.append((start, start + _length(block.start, block.end), n))
    week = 7 * 1440
    ordered = sorted(spans + [(s + week, e + week, n) for s, e, n in spans])
    reach, reach_block = -1, -1  # the latest end so far, and whose it is
    for s, e, n in ordered:
        if s < reach and n != reach_block:
            errors.setdefault(
                f"blocks.{max(n, reach_block)}", _("This block overlaps another one.")
            )
        if e > reach:
            reach, reach_block = e, n
    if data.kind == ArrangementKind.FLEXIBLE:
        if data.window is None:
            errors["window"] = _("Give the daily window in which work may fall.")
        if data.core is None:
            errors["core"] = _("Give the core hours that must be covered.")
        if data.window and data.core:
            w0, w1 = data.window
            c0, c1 = data.core
            if not (w0 < w1 and c0 < c1 and w0 <= c0 and c1 <= w1):
                errors["core"] = _("Core hours must lie inside the daily window.")
        if data.weekly_hours_target is not None and data.window:
            days = len({b.weekday for b in data.blocks})
            most = Decimal(_length(*data.window) * days) / 60
            if data.weekly_hours_target <= 0 or data.weekly_hours_target > most:
                errors["weekly_hours_target"] = _(
                    "The weekly target must be more than 0 and at most %(most)s hours "
                    "(the window times the working days).",
                    most=f"{most:g}",
                )
    if len(data.note) > 500:
        errors["note"] = _("At most 500 characters, please.")
    if errors:
        raise FieldErrors(errors)


# --- arrangements -------------------------------------------------------------------------------


async def _save_arrangement(
    person: User, data: ArrangementInput, *, status: ArrangementStatus, actor: User
) -> Arrangement:
    validate_arrangement(data)
    async with in_transaction():
        if status == ArrangementStatus.ACTIVE:
            # One active arrangement per start date: a correction replaces it.
            await Arrangement.filter(
                user_id=person.id, valid_from=data.valid_from, status=ArrangementStatus.ACTIVE
            ).delete()
        arrangement = await Arrangement.create(
            user=person,
            kind=data.kind,
            valid_from=data.valid_from,
            timezone=data.timezone,
            office_id=data.office_id,
            core_start_minute=to_minute(data.core[0]) if data.core else None,
            core_end_minute=to_minute(data.core[1]) if data.core else None,
            window_start_minute=to_minute(data.window[0]) if data.window else None,
            window_end_minute=to_minute(data.window[1]) if data.window else None,
            weekly_hours_target=data.weekly_hours_target,
            status=status,
            note=data.note,
            created_by=actor,
            created_at=clock.now(),
        )
        await ArrangementBlock.bulk_create(
            [
                ArrangementBlock(
                    arrangement=arrangement,
                    weekday=b.weekday,
                    start_minute=to_minute(b.start),
                    end_minute=to_minute(b.end),
                    location=b.location,
                    office_id=b.office_id,
                )
                for b in data.blocks
            ]
        )
    return arrangement


async def set_arrangement(actor: User, person: User, data: ArrangementInput) -> Arrangement:
    """A manager sets how ``person`` works from ``data.valid_from`` on (earlier history stays)."""
    arrangement = await _save_arrangement(
        person, data, status=ArrangementStatus.ACTIVE, actor=actor
    )
    await record(
        actor,
        "schedules.arrangement.set",
        arrangement,
        person=person.id,
        kind=data.kind,
        valid_from=data.valid_from.isoformat(),
    )
    return arrangement


async def propose_arrangement(person: User, data: ArrangementInput) -> Arrangement:
    """Staff propose a change to their own arrangement; a manager decides."""
    arrangement = await _save_arrangement(
        person, data, status=ArrangementStatus.PROPOSED, actor=person
    )
    await record(person, "schedules.arrangement.proposed", arrangement)
    return arrangement


async def decide_proposal(actor: User, arrangement: Arrangement, *, approve: bool) -> None:
    if arrangement.status != ArrangementStatus.PROPOSED:
        raise Conflict(_("This proposal has already been decided."))
    async with in_transaction():
        if approve:
            await Arrangement.filter(
                user_id=arrangement.user_id,
                valid_from=arrangement.valid_from,
                status=ArrangementStatus.ACTIVE,
            ).delete()
        arrangement.status = ArrangementStatus.ACTIVE if approve else ArrangementStatus.REJECTED
        arrangement.decided_by = actor
        await arrangement.save(update_fields=["status", "decided_by_id"])
    await record(
        actor, "schedules.arrangement." + ("approved" if approve else "rejected"), arrangement
    )


async def arrangement_history(person: User) -> list[Arrangement]:
    return await Arrangement.filter(user_id=person.id).prefetch_related("blocks", "office")


def to_pattern(arrangement: Arrangement) -> Pattern:
    blocks = tuple(
        Block(b.weekday, b.start, b.end, str(b.location), b.office_id) for b in arrangement.blocks
    )
    core = (
        (arrangement.core_start, arrangement.core_end)
        if arrangement.core_start and arrangement.core_end
        else None
    )
    window = (
        (arrangement.window_start, arrangement.window_end)
        if arrangement.window_start and arrangement.window_end
        else None
    )
    return Pattern(
        arrangement.valid_from,
        str(arrangement.kind),
        arrangement.timezone,
        blocks,
        arrangement.office_id,
        core,
        window,
    )


def input_to_pattern(data: ArrangementInput) -> Pattern:
    return Pattern(
        data.valid_from,
        data.kind,
        data.timezone,
        tuple(Block(b.weekday, b.start, b.end, b.location, b.office_id) for b in data.blocks),
        data.office_id,
        data.core,
        data.window,
    )


# --- expansion over the database ----------------------------------------------------------------


async def load_inputs(user_ids: list[int], start: date, end: date) -> dict[int, PersonInputs]:
    """Everything expansion needs for these people and local dates, in five queries."""
    arrangements = (
        await Arrangement.filter(
            user_id__in=user_ids, status=ArrangementStatus.ACTIVE, valid_from__lt=end
        )
        .order_by("valid_from", "id")
        .prefetch_related("blocks")
    )
    leaves = await TimeOff.filter(
        user_id__in=user_ids,
        status=TimeOffStatus.APPROVED,
        start_date__lt=end,
        end_date__gte=start - timedelta(days=1),
    )
    exceptions = await ScheduleException.filter(
        user_id__in=user_ids, date__gte=start - timedelta(days=1), date__lt=end
    )
    holidays = await Holiday.filter(date__gte=start - timedelta(days=1), date__lt=end)
    holiday_map = {(h.office_id, h.date): h.name for h in holidays}
    patterns: dict[int, list[Pattern]] = defaultdict(list)
    for a in arrangements:
        patterns[a.user_id].append(to_pattern(a))
    leave_map: dict[int, list[Leave]] = defaultdict(list)
    for t in leaves:
        leave_map[t.user_id].append(
            Leave(t.start_date, t.end_date, t.start_time, t.end_time, str(t.kind))
        )
    exc_map: dict[int, list[DayException]] = defaultdict(list)
    for e in exceptions:
        exc_map[e.user_id].append(
            DayException(
                e.date,
                str(e.kind),
                e.start,
                e.end,
                str(e.location) if e.location else None,
                e.office_id,
            )
        )
    return {
        uid: PersonInputs(
            tuple(patterns[uid]), tuple(leave_map[uid]), tuple(exc_map[uid]), holiday_map
        )
        for uid in user_ids
    }


def _check_range(start: date, end: date) -> None:
    if end <= start:
        raise InvalidInput(_("The end date must be after the start date."), field="end")
    if (end - start).days > MAX_RANGE_DAYS:
        raise InvalidInput(
            _("Ask for at most %(n)s days at a time.", n=MAX_RANGE_DAYS), field="end"
        )


async def expand(user_ids: list[int], start: date, end: date) -> dict[int, list[Interval]]:
    """Intervals per person for their local dates start..end (exclusive). Raises InvalidInput."""
    _check_range(start, end)
    inputs = await load_inputs(user_ids, start, end)
    return {uid: expand_person(inputs[uid], start, end) for uid in user_ids}


async def expand_between(
    user_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """Intervals overlapping the instants [start, end), whatever each person's zone."""
    first, last = start.date() - timedelta(days=1), end.date() + timedelta(days=2)
    expanded = await expand(user_ids, first, last)
    return {uid: clip(intervals, start, end) for uid, intervals in expanded.items()}


@dataclass(frozen=True)
class WorkingNow:
    person: User
    interval: Interval
    local_time: datetime


async def who_is_working_now(people: list[User]) -> list[WorkingNow]:
    now = clock.now()
    # Whole local days around now, not a clipped window: the interval shown must keep its
    # real end ("until 17:00"). Any zone's today lies within a day of the UTC date.
    day = now.date()
    expanded = await expand(
        [p.id for p in people], day - timedelta(days=2), day + timedelta(days=2)
    )
    out = []
    for person in people:
        for interval in expanded[person.id]:
            if interval.is_working and interval.start <= now < interval.end:
                out.append(WorkingNow(person, interval, now.astimezone(ZoneInfo(person.timezone))))
                break
    return out


async def team_people(team_id: int) -> list[User]:
    memberships = await TeamMember.filter(team_id=team_id, user__is_active=True).prefetch_related(
        "user"
    )
    return sorted((m.user for m in memberships), key=lambda u: u.name)


async def people_in_teams(team_ids: list[int]) -> list[User]:
    """Active members of any of these teams, each once, by name."""
    people = await User.filter(team_memberships__team_id__in=team_ids, is_active=True).distinct()
    return sorted(people, key=lambda u: u.name)


def overlap(
    expanded: dict[int, list[Interval]], people: list[int]
) -> list[tuple[datetime, datetime]]:
    """The instants when every one of ``people`` is working (sorted, merged)."""
    if not people:
        return []
    common: list[tuple[datetime, datetime]] | None = None
    for uid in people:
        spans = merge([(i.start, i.end) for i in expanded.get(uid, []) if i.kind in WORKING_KINDS])
        common = spans if common is None else intersect(common, spans)
        if not common:
            return []
    return common or []


# --- time off -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaveInput:
    kind: str
    start_date: date
    end_date: date
    start_time: time | None = None
    end_time: time | None = None
    reason: str = ""


async def request_leave(person: User, data: LeaveInput, *, settings: Settings) -> TimeOff:
    """File a request and tell the person's team managers. Raises FieldErrors for impossible
    dates or an overlap with approved leave."""
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in TimeOffKind}:
        errors["kind"] = _("Choose vacation, sick or other.")
    if data.end_date < data.start_date:
        errors["end_date"] = _("The last day cannot be before the first day.")
    elif (data.end_date - data.start_date).days > 366:
        errors["end_date"] = _("Request at most a year at a time.")
    if (data.start_time is None) != (data.end_time is None):
        errors["end_time"] = _("Give both times for part of a day, or neither for whole days.")
    elif data.start_time and data.end_time:
        if data.start_date != data.end_date:
            errors["end_date"] = _("Part of a day must be a single day.")
        if data.end_time <= data.start_time:
            errors["end_time"] = _("The end time must be after the start time.")
    if len(data.reason) > 500:
        errors["reason"] = _("At most 500 characters, please.")
    if not errors:
        approved = await TimeOff.filter(
            user_id=person.id,
            status=TimeOffStatus.APPROVED,
            start_date__lte=data.end_date,
            end_date__gte=data.start_date,
        )
        # Two part-day requests on one day may sit side by side: look at every approved
        # request in range, not only the first one found.
        clash = next((t for t in approved if not _part_days_disjoint(t, data)), None)
        if clash is not None:
            errors["start_date"] = _(
                "This overlaps leave already approved from %(start)s to %(end)s.",
                start=clash.start_date.isoformat(),
                end=clash.end_date.isoformat(),
            )
    if errors:
        raise FieldErrors(errors)
    leave = await TimeOff.create(
        user=person,
        kind=data.kind,
        start_date=data.start_date,
        end_date=data.end_date,
        start_minute=optional_minute(data.start_time),
        end_minute=optional_minute(data.end_time),
        reason=data.reason,
        created_at=clock.now(),
    )
    await record(person, "schedules.leave.requested", leave, kind=data.kind)
    await schedule_for(
        f"leave:{leave.id}",
        [
            Reminder(
                recipient=manager,
                kind="approval",
                template="leave_requested",
                starts_at=None,
                context={"leave": leave, "requester": person, "link": "/schedule/approvals"},
            )
            for manager in await managers_of(person)
        ],
        settings=settings,
    )
    return leave


def _part_days_disjoint(existing: TimeOff, data: LeaveInput) -> bool:
    if (
        existing.start_time is None
        or existing.end_time is None
        or data.start_time is None
        or data.end_time is None
    ):
        return False
    return data.end_time <= existing.start_time or data.start_time >= existing.end_time


async def managers_of(person: User) -> list[User]:
    team_ids = await TeamMember.filter(user_id=person.id).values_list("team_id", flat=True)
    rows = await TeamMember.filter(
        team_id__in=list(team_ids), is_manager=True, user__is_active=True
    ).prefetch_related("user")
    return [r.user for r in rows if r.user.id != person.id]


async def decide_leave(
    actor: User, leave: TimeOff, *, approve: bool, settings: Settings, note: str = ""
) -> TimeOff:
    """Approve or reject a pending request and tell the requester by email. Raises Conflict if
    already decided or if approving would overlap other approved leave."""
    async with in_transaction():
        fresh = await TimeOff.select_for_update().get(id=leave.id)
        if fresh.status != TimeOffStatus.PENDING:
            raise Conflict(_("This request has already been decided."))
        if approve:
            approved = await TimeOff.filter(
                user_id=fresh.user_id,
                status=TimeOffStatus.APPROVED,
                start_date__lte=fresh.end_date,
                end_date__gte=fresh.start_date,
            ).exclude(id=fresh.id)
            wanted = LeaveInput(
                str(fresh.kind), fresh.start_date, fresh.end_date, fresh.start_time, fresh.end_time
            )
            if any(not _part_days_disjoint(t, wanted) for t in approved):
                raise Conflict(_("This overlaps leave already approved."))
        fresh.status = TimeOffStatus.APPROVED if approve else TimeOffStatus.REJECTED
        fresh.decided_by = actor
        fresh.decided_at = clock.now()
        fresh.decision_note = note[:500]
        await fresh.save(update_fields=["status", "decided_by_id", "decided_at", "decision_note"])
    await record(actor, "schedules.leave." + ("approved" if approve else "rejected"), fresh)
    requester = await User.get(id=fresh.user_id)
    await schedule_for(
        f"leave:{fresh.id}",
        [
            Reminder(
                recipient=requester,
                kind="leave_decision",
                template="leave_decision",
                starts_at=None,
                context={
                    "leave": fresh,
                    "approved": approve,
                    "decider": actor,
                    "note": fresh.decision_note,
                    "link": "/schedule/leave",
                },
            )
        ],
        settings=settings,
    )
    return fresh


async def cancel_leave(person: User, leave: TimeOff) -> None:
    if leave.user_id != person.id:
        raise NotFound(_("No such leave request."))
    if leave.status in (TimeOffStatus.CANCELLED, TimeOffStatus.REJECTED):
        raise Conflict(_("This request is no longer open."))
    leave.status = TimeOffStatus.CANCELLED
    await leave.save(update_fields=["status"])
    # Managers who have not yet been mailed about it need not be.
    await cancel_for(f"leave:{leave.id}")
    await record(person, "schedules.leave.cancelled", leave)


# --- holidays and exceptions --------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayImport:
    added: int
    updated: int
    errors: tuple[str, ...]


def parse_holidays_csv(text: str) -> tuple[list[tuple[date, str]], list[str]]:
    """Rows of ``date,name`` (a header row is allowed). Errors say the line."""
    rows: list[tuple[date, str]] = []
    errors: list[str] = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        if n == 1 and row[0].strip().lower() in ("date", "日期"):
            continue
        if len(row) < 2:
            errors.append(_("Line %(n)s: expected a date and a name.", n=n))
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            errors.append(
                _(
                    "Line %(n)s: %(value)s is not a date like 2026-10-01.",
                    n=n,
                    value=row[0].strip()[:40],
                )
            )
            continue
        name = row[1].strip()
        if not name or len(name) > 200:
            errors.append(_("Line %(n)s: the name must be 1 to 200 characters.", n=n))
            continue
        rows.append((day, name))
    return rows, errors


def parse_holidays_ics(text: str) -> tuple[list[tuple[date, str]], list[str]]:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, IndexError) as exc:
        return [], [_("This is not an iCalendar file: %(error)s", error=str(exc)[:200])]
    rows: list[tuple[date, str]] = []
    errors: list[str] = []
    for n, event in enumerate(calendar.walk("VEVENT"), start=1):
        name = str(event.get("SUMMARY", "")).strip() or _("Holiday")
        try:
            first, last = _event_days(event)
        except ValueError:
            # A broken DTSTART/DTEND (2026-13-45) only fails when read; say which event.
            errors.append(
                _("Event %(n)s (%(name)s): the start or end is not a date.", n=n, name=name[:80])
            )
            continue
        if first is None or last is None:
            errors.append(_("Event %(n)s (%(name)s) has no start date.", n=n, name=name[:80]))
            continue
        day = first
        while day <= last and (day - first).days < 60:
            rows.append((day, name[:200]))
            day += timedelta(days=1)
    return rows, errors


def _event_days(event: Any) -> tuple[date | None, date | None]:
    """First and last day of an all-day (or timed) VEVENT; DTEND is exclusive."""
    start = event.get("DTSTART")
    if start is None:
        return None, None
    value = start.dt
    if not isinstance(value, date):
        raise ValueError("not a date")
    first = value.date() if isinstance(value, datetime) else value
    end = event.get("DTEND")
    if end is None:
        return first, first
    end_value = end.dt
    if not isinstance(end_value, date):
        raise ValueError("not a date")
    end_day = end_value.date() if isinstance(end_value, datetime) else end_value
    return first, max(first, end_day - timedelta(days=1))


async def import_holidays(
    actor: User, office: Office, rows: list[tuple[date, str]]
) -> HolidayImport:
    added = updated = 0
    async with in_transaction():
        for day, name in rows:
            _row, created = await Holiday.update_or_create(
                office_id=office.id, date=day, defaults={"name": name}
            )
            added += int(created)
            updated += int(not created)
    await record(actor, "schedules.holidays.imported", office, added=added, updated=updated)
    return HolidayImport(added, updated, ())


async def add_exception(
    actor: User,
    person: User,
    *,
    day: date,
    kind: str,
    start: time | None = None,
    end: time | None = None,
    location: str | None = None,
    office_id: int | None = None,
    note: str = "",
) -> ScheduleException:
    errors: dict[str, str] = {}
    if kind not in {k.value for k in ExceptionKind}:
        errors["kind"] = _("Choose a day off, an extra working day or a move.")
    if kind == ExceptionKind.EXTRA and (start is None or end is None or start == end):
        errors["end"] = _("Give the hours of the extra working day.")
    if location is not None and location not in {loc.value for loc in Location}:
        errors["location"] = _("Choose office, home or field.")
    if errors:
        raise FieldErrors(errors)
    exc = await ScheduleException.create(
        user=person,
        date=day,
        kind=kind,
        start_minute=optional_minute(start),
        end_minute=optional_minute(end),
        location=location,
        office_id=office_id,
        note=note[:500],
        created_by=actor,
        created_at=clock.now(),
    )
    await record(actor, f"schedules.exception.{kind}", exc, person=person.id, day=day.isoformat())
    return exc


# --- summaries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekSummary:
    planned_hours: float
    core_hours: float
    target_hours: float | None
    time_off_hours: float


def summarize(intervals: list[Interval], target: Decimal | None) -> WeekSummary:
    work = sum(i.hours for i in intervals if i.kind == "work")
    core = sum(i.hours for i in intervals if i.kind == "core")
    off = sum(i.hours for i in intervals if i.kind == "time_off")
    return WeekSummary(
        round(work + core, 2),
        round(core, 2),
        float(target) if target is not None else None,
        round(off, 2),
    )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_today(person: User) -> date:
    return clock.now().astimezone(ZoneInfo(person.timezone)).date()


async def get_office(office_id: int) -> Office:
    office = await Office.get_or_none(id=office_id)
    if office is None:
        raise NotFound(_("No such office."))
    return office


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


# --- looking things up (pages and the API) ------------------------------------------------------


async def get_person(user_id: int) -> User:
    """An active or inactive account by id. Raises NotFound."""
    person = await User.get_or_none(id=user_id)
    if person is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    return person


async def get_team(team_id: int) -> Team:
    team = await Team.get_or_none(id=team_id)
    if team is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    return team


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


async def current_arrangement(person: User, day: date) -> Arrangement | None:
    """The active arrangement in force on ``day`` (with blocks and office), if any."""
    return (
        await Arrangement.filter(
            user_id=person.id, status=ArrangementStatus.ACTIVE, valid_from__lte=day
        )
        .order_by("-valid_from", "-id")
        .prefetch_related("blocks", "office")
        .first()
    )


async def get_arrangement(arrangement_id: int) -> Arrangement:
    arrangement = await Arrangement.get_or_none(id=arrangement_id).prefetch_related("user")
    if arrangement is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    return arrangement


async def get_leave(leave_id: int) -> TimeOff:
    leave = await TimeOff.get_or_none(id=leave_id).prefetch_related("user")
    if leave is None:
        raise NotFound(_("No such leave request."))
    return leave


async def list_leave(
    person: User, *, offset: int = 0, limit: int = 100
) -> tuple[list[TimeOff], int]:
    """A person's leave requests, newest first, and how many there are."""
    query = TimeOff.filter(user_id=person.id)
    rows = await query.order_by("-start_date", "-id").offset(offset).limit(limit)
    return rows, await query.count()


async def pending_leave(people: set[int] | None) -> list[TimeOff]:
    """Requests waiting for a decision from ``people`` (None: from everyone)."""
    query = TimeOff.filter(status=TimeOffStatus.PENDING, user__is_active=True)
    if people is not None:
        query = query.filter(user_id__in=sorted(people))
    return await query.order_by("start_date", "id").prefetch_related("user")


async def pending_proposals(people: set[int] | None) -> list[Arrangement]:
    query = Arrangement.filter(status=ArrangementStatus.PROPOSED, user__is_active=True)
    if people is not None:
        query = query.filter(user_id__in=sorted(people))
    return await query.order_by("created_at", "id").prefetch_related("user", "blocks", "office")


async def list_exceptions(person: User) -> list[ScheduleException]:
    return (
        await ScheduleException.filter(user_id=person.id)
        .order_by("-date", "-id")
        .limit(200)
        .prefetch_related("office")
    )


# --- offices ------------------------------------------------------------------------------------


async def list_offices() -> list[Office]:
    return await Office.all().order_by("name")


async def create_office(actor: User, *, name: str, timezone: str, address: str = "") -> Office:
    """Raises FieldErrors for a taken name or an unknown zone."""
    errors: dict[str, str] = {}
    if await Office.filter(name=name).exists():
        errors["name"] = _("An office with this name already exists.")
    if not is_timezone(timezone):
        errors["timezone"] = _(
            "Unknown time zone; choose one such as Asia/Shanghai or Europe/London."
        )
    if errors:
        raise FieldErrors(errors)
    office = await Office.create(name=name, timezone=timezone, address=address)
    await record(actor, "schedules.office.created", office, name=name)
    return office


async def list_holidays(office: Office) -> list[Holiday]:
    return await Holiday.filter(office_id=office.id).order_by("date")
