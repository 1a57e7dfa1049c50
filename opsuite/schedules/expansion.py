"""Turn arrangements + time off + holidays + exceptions into concrete intervals.

``expand_person`` is pure (plain data in, UTC intervals out) so it is fast and can be tested
with generated patterns; ``load_inputs`` fetches what it needs for many people in a fixed number
of queries. Everything that shows or reasons about working time (pages, feeds, find-a-time,
reports) goes through ``expand``.

Each local day is worked out in the person's zone as naive wall-clock times, then each edge
is converted to UTC on its own: a 09:00-17:00 block is 09:00-17:00 local on both sides of a
daylight-saving change, and its real length (7 or 9 hours on the change night for overnight
blocks) falls out of the conversion.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

WORK = "work"  # fixed, remote and hybrid blocks: working
CORE = "core"  # flexible core hours: working
FLEX = "flex"  # flexible window: may be working
TIME_OFF = "time_off"
HOLIDAY = "holiday"
WORKING_KINDS = frozenset({WORK, CORE})


@dataclass(frozen=True)
class Block:
    weekday: int
    start: time
    end: time
    location: str = "office"
    office_id: int | None = None


@dataclass(frozen=True)
class Pattern:
    valid_from: date
    kind: str  # fixed, flexible, remote, hybrid
    timezone: str
    blocks: tuple[Block, ...]
    office_id: int | None = None
    core: tuple[time, time] | None = None
    window: tuple[time, time] | None = None
    by_weekday: dict[int, tuple[Block, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        grouped: dict[int, list[Block]] = defaultdict(list)
        for block in self.blocks:
            grouped[block.weekday].append(block)
        object.__setattr__(self, "by_weekday", {k: tuple(v) for k, v in grouped.items()})


@dataclass(frozen=True)
class Leave:
    start_date: date
    end_date: date  # inclusive
    start_time: time | None = None
    end_time: time | None = None
    kind: str = "vacation"


@dataclass(frozen=True)
class DayException:
    day: date
    kind: str  # day_off, extra, move
    start: time | None = None
    end: time | None = None
    location: str | None = None
    office_id: int | None = None


@dataclass(frozen=True)
class Interval:
    start: datetime  # aware UTC
    end: datetime  # aware UTC
    kind: str
    location: str | None = None
    office_id: int | None = None
    detail: str = ""

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def is_working(self) -> bool:
        return self.kind in WORKING_KINDS


@dataclass(frozen=True)
class PersonInputs:
    patterns: tuple[Pattern, ...]  # sorted by valid_from
    leaves: tuple[Leave, ...] = ()
    exceptions: tuple[DayException, ...] = ()
    holidays: dict[tuple[int, date], str] = field(default_factory=dict)  # (office, day) -> name


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _utc(day: date, at: time, zone: ZoneInfo, plus_days: int = 0) -> datetime:
    local = datetime.combine(day + timedelta(days=plus_days), at, tzinfo=zone)
    return local.astimezone(UTC)


# A local span as (day, start, end, crosses_midnight) is turned into minutes since the day's
# local midnight so part-day leave can be cut out of it with plain arithmetic.
def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _span(start: time, end: time) -> tuple[int, int]:
    s, e = _minutes(start), _minutes(end)
    return (s, e if e > s else e + 24 * 60)


def _subtract(spans: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if cut[1] <= s or cut[0] >= e:
            out.append((s, e))
            continue
        if s < cut[0]:
            out.append((s, cut[0]))
        if cut[1] < e:
            out.append((cut[1], e))
    return out


class _DayClock:
    """Converts minutes after one local midnight to UTC. On the ~363 days a year without a
    DST transition in the two days covered, that is one subtraction; otherwise each instant
    goes through zoneinfo (wall-clock rules, fold=0 for repeated times)."""

    __slots__ = ("day", "midnight", "offset", "steady", "zone")

    def __init__(self, day: date, zone: ZoneInfo) -> None:
        self.day, self.zone = day, zone
        self.midnight = datetime(day.year, day.month, day.day)
        self.offset = zone.utcoffset(self.midnight)
        self.steady = self.offset == zone.utcoffset(self.midnight + timedelta(days=2))

    def at(self, minute: int) -> datetime:
        if self.steady and self.offset is not None:
            naive = self.midnight + timedelta(minutes=minute) - self.offset
            return naive.replace(tzinfo=UTC)
        extra_days, minute = divmod(minute, 24 * 60)
        return _utc(self.day, time(minute // 60, minute % 60), self.zone, extra_days)


def pattern_on(
    patterns: tuple[Pattern, ...], day: date, starts: list[date] | None = None
) -> Pattern | None:
    """The arrangement in force on ``day`` (the latest one that started on or before it)."""
    if starts is None:
        starts = [p.valid_from for p in patterns]
    index = bisect.bisect_right(starts, day) - 1
    return patterns[index] if index >= 0 else None


def _day_spans(pattern: Pattern, day: date) -> list[tuple[str, int, int, str, int | None]]:
    """(kind, start_minute, end_minute, location, office) for one local day, before exceptions."""
    blocks = pattern.by_weekday.get(day.weekday(), ())
    spans: list[tuple[str, int, int, str, int | None]] = []
    if pattern.kind == "flexible":
        if not blocks:
            return spans
        first = blocks[0]
        location, office = first.location, first.office_id or pattern.office_id
        if pattern.window:
            spans.append((FLEX, *_span(*pattern.window), location, office))
        if pattern.core:
            spans.append((CORE, *_span(*pattern.core), location, office))
        return spans
    for block in blocks:
        location = "home" if pattern.kind == "remote" else block.location
        office = None if location != "office" else (block.office_id or pattern.office_id)
        spans.append((WORK, *_span(block.start, block.end), location, office))
    return spans


def expand_person(inputs: PersonInputs, start: date, end: date) -> list[Interval]:
    """All intervals for local days ``start`` (inclusive) to ``end`` (exclusive), sorted."""
    leaves_by_day: dict[date, list[Leave]] = defaultdict(list)
    for leave in inputs.leaves:
        day = max(leave.start_date, start)
        while day <= leave.end_date and day < end:
            leaves_by_day[day].append(leave)
            day += timedelta(days=1)
    exceptions_by_day: dict[date, list[DayException]] = defaultdict(list)
    for exc in inputs.exceptions:
        exceptions_by_day[exc.day].append(exc)

    out: list[Interval] = []
    starts = [p.valid_from for p in inputs.patterns]
    day = start
    one_day = timedelta(days=1)
    while day < end:
        pattern = pattern_on(inputs.patterns, day, starts)
        exceptions = exceptions_by_day.get(day, ())
        # Nothing to do on a day off with no exception (leave only counts on working days).
        if pattern is not None and (day.weekday() in pattern.by_weekday or exceptions):
            out.extend(_expand_day(pattern, day, inputs, leaves_by_day.get(day, ()), exceptions))
        day += one_day
    out.sort(key=lambda i: (i.start, i.end, i.kind))
    return out


def _expand_day(
    pattern: Pattern,
    day: date,
    inputs: PersonInputs,
    leaves: Iterable[Leave],
    exceptions: Iterable[DayException],
) -> list[Interval]:
    clock = _DayClock(day, _zone(pattern.timezone))
    spans = _day_spans(pattern, day)
    for exc in exceptions:
        if exc.kind == "day_off":
            spans = []
        elif exc.kind == "move":
            location = exc.location or "office"
            office = exc.office_id if location == "office" else None
            spans = [
                (k, s, e, location, office or (pattern.office_id if location == "office" else None))
                for k, s, e, _l, _o in spans
            ]
        elif exc.kind == "extra" and exc.start and exc.end:
            location = exc.location or "office"
            office = (exc.office_id or pattern.office_id) if location == "office" else None
            spans.append((WORK, *_span(exc.start, exc.end), location, office))
    out: list[Interval] = []
    whole_day = (0, 24 * 60)
    offices = {o for _k, _s, _e, _l, o in spans if o is not None} | (
        {pattern.office_id} if pattern.office_id else set()
    )
    holiday = next(
        (inputs.holidays[(o, day)] for o in sorted(offices) if (o, day) in inputs.holidays), None
    )
    if holiday is not None and spans:
        out.append(Interval(clock.at(0), clock.at(24 * 60), HOLIDAY, detail=holiday))
        return out
    # Leave only counts on days that would have been worked (a week's vacation is five days
    # off for a Monday-to-Friday person, not seven).
    for leave in leaves if spans else ():
        if leave.start_time is None or leave.end_time is None:
            cut = whole_day
        else:
            cut = _span(leave.start_time, leave.end_time)
        out.append(Interval(clock.at(cut[0]), clock.at(cut[1]), TIME_OFF, detail=leave.kind))
        spans = [
            (k, s2, e2, loc, off)
            for k, s, e, loc, off in spans
            for s2, e2 in _subtract([(s, e)], cut)
        ]
    for kind, s, e, location, office in spans:
        begin, finish = clock.at(s), clock.at(e)
        if finish > begin:
            out.append(Interval(begin, finish, kind, location, office))
    return out


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """Intervals overlapping [start, end), cut to it."""
    out = []
    for i in intervals:
        if i.end <= start or i.start >= end:
            continue
        out.append(
            Interval(
                max(i.start, start), min(i.end, end), i.kind, i.location, i.office_id, i.detail
            )
        )
    return out
