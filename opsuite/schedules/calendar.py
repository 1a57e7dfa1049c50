"""What schedule pages show: UTC intervals cut into the viewer's local days.

Expansion answers in UTC; a page answers in the viewer's zone. An interval that crosses the
viewer's midnight is shown on both days (22:00-24:00 and 00:00-06:00), so each day's hours add
up to what really falls on it, whatever zone the person works in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opsuite.schedules.expansion import HOLIDAY, TIME_OFF, WORKING_KINDS, Interval

OVERLAP = "overlap"


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``zone``."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_bounds(first: date, days: int, zone: ZoneInfo) -> list[datetime]:
    """Local midnights from ``first`` to ``first + days`` (inclusive), as UTC instants."""
    return [local_midnight(first + timedelta(days=n), zone) for n in range(days + 1)]


@dataclass(frozen=True)
class Piece:
    """The part of one interval that falls on one local day of the viewer."""

    start: datetime  # UTC
    end: datetime  # UTC
    kind: str
    location: str | None
    office_id: int | None
    detail: str
    zone: ZoneInfo

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def label(self) -> str:
        """``09:00-17:30`` (en dash) in the viewer's zone; a piece to midnight ends at 24:00."""
        start = self.start.astimezone(self.zone)
        end = self.end.astimezone(self.zone)
        end_text = "24:00" if end.date() > start.date() else end.strftime("%H:%M")
        return f"{start:%H:%M}–{end_text}"

    @property
    def slot(self) -> int:
        """Where the piece starts on its day's 24-hour bar, in half hours (0-47)."""
        start = self.start.astimezone(self.zone)
        return min((start.hour * 60 + start.minute) // 30, 47)

    @property
    def slots(self) -> int:
        """How many half hours the piece covers on its day's bar (at least one, to the end)."""
        return max(1, min(round(self.hours * 2), 48 - self.slot))

    @property
    def is_working(self) -> bool:
        return self.kind in WORKING_KINDS

    @property
    def is_off(self) -> bool:
        return self.kind in (TIME_OFF, HOLIDAY)


@dataclass(frozen=True)
class Day:
    day: date
    pieces: tuple[Piece, ...]
    is_today: bool = False
    in_range: bool = True  # false for the days a month grid borrows from its neighbours

    @property
    def working(self) -> list[Piece]:
        return [p for p in self.pieces if p.is_working]

    @property
    def off(self) -> list[Piece]:
        return [p for p in self.pieces if p.is_off]

    @property
    def working_hours(self) -> float:
        return round(sum(p.hours for p in self.working), 2)


def split_days(
    intervals: Iterable[Interval],
    first: date,
    days: int,
    zone: ZoneInfo,
    *,
    today: date | None = None,
    month: int | None = None,
) -> list[Day]:
    """``days`` local days from ``first`` in ``zone``, each with the pieces falling on it."""
    bounds = day_bounds(first, days, zone)
    buckets: list[list[Piece]] = [[] for _ in range(days)]
    for interval in intervals:
        if interval.end <= bounds[0] or interval.start >= bounds[-1]:
            continue
        offset = (interval.start.astimezone(zone).date() - first).days
        for n in range(max(offset - 1, 0), days):
            start, end = max(interval.start, bounds[n]), min(interval.end, bounds[n + 1])
            if bounds[n] >= interval.end:
                break
            if start < end:
                buckets[n].append(
                    Piece(
                        start,
                        end,
                        interval.kind,
                        interval.location,
                        interval.office_id,
                        interval.detail,
                        zone,
                    )
                )
    return [
        Day(
            first + timedelta(days=n),
            tuple(sorted(buckets[n], key=lambda p: (p.start, p.end, p.kind))),
            is_today=(first + timedelta(days=n)) == today,
            in_range=month is None or (first + timedelta(days=n)).month == month,
        )
        for n in range(days)
    ]


def spans_to_intervals(spans: Iterable[tuple[datetime, datetime]]) -> list[Interval]:
    return [Interval(start, end, OVERLAP) for start, end in spans]


def only_location(intervals: Iterable[Interval], location: str) -> list[Interval]:
    """Working intervals at ``location`` (office, home or field)."""
    return [i for i in intervals if i.is_working and i.location == location]


def month_grid_start(first_of_month: date) -> tuple[date, int]:
    """The Monday on or before the 1st, and how many days of whole weeks cover the month."""
    start = first_of_month - timedelta(days=first_of_month.weekday())
    next_month = (first_of_month.replace(day=28) + timedelta(days=4)).replace(day=1)
    days = (next_month - start).days
    return start, days + (-days % 7)


def weeks(days: list[Day]) -> list[list[Day]]:
    return [days[n : n + 7] for n in range(0, len(days), 7)]
