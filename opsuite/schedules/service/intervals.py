"""Expansion over the database: intervals per person for a range of days or instants, who is
working now, when a group overlaps, and week summaries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from opsuite import clock
from opsuite.auth.models import User
from opsuite.errors import InvalidInput
from opsuite.schedules.expansion import (
    WORKING_KINDS,
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
    ArrangementStatus,
    Holiday,
    ScheduleException,
    TimeOff,
    TimeOffStatus,
)
from opsuite.schedules.service.arrangements import to_pattern
from opsuite.spans import intersect, merge
from opsuite.web.i18n import gettext as _

MAX_RANGE_DAYS = 400


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


def who_to_overlap(group: list[int], ticked: list[int]) -> list[int]:
    """Who of ``group`` "When everyone is working" counts: those ticked, or all of them when
    none is. The page asks once for people with an arrangement and, only when the viewer
    includes them, once for people without (so ticking that box brings them all in)."""
    return [p for p in group if p in set(ticked)] or list(group)


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


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
