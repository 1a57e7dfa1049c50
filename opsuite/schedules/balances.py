"""Leave balances as plain arithmetic: how many leave days a request takes, what a person is
entitled to in a year (pro-rated for part time, accrued by month), and what is carried over.

Pure (plain data in, numbers out) like ``expansion``, which it reads days through: a leave day
is a day the person would have worked, so weekends, other days off of their arrangement and
office holidays are not counted, and part of a day counts as its share of that day's hours.
``opsuite.schedules.service.balances`` loads the data and answers for people.

Before a person's first arrangement their first arrangement counts; a person without any
works Monday to Friday, full time.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from opsuite.schedules.expansion import (
    FLEX,
    HOLIDAY,
    WORKING_KINDS,
    Block,
    Interval,
    Leave,
    Pattern,
    PersonInputs,
    expand_person,
)
from opsuite.spans import merge

CENT = Decimal("0.01")
ZERO = Decimal(0)
COUNTED_KINDS = WORKING_KINDS | {FLEX}


def rounded(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def default_week(timezone: str) -> Pattern:
    """Monday to Friday 09:00-17:00: the week of someone without an arrangement."""
    blocks = tuple(Block(d, time(9), time(17)) for d in range(5))
    return Pattern(date.min, "fixed", timezone, blocks)


def with_default(patterns: tuple[Pattern, ...], timezone: str) -> tuple[Pattern, ...]:
    """The patterns, the first one also in force before it starts (or the default week)."""
    if not patterns:
        return (default_week(timezone),)
    return (replace(patterns[0], valid_from=date.min), *patterns[1:])


def _worked(intervals: Iterable[Interval]) -> Decimal:
    spans = merge([(i.start, i.end) for i in intervals if i.kind in COUNTED_KINDS])
    return Decimal(sum((e - s).total_seconds() for s, e in spans))


def leave_days(inputs: PersonInputs, leave: Leave, first: date, last: date) -> dict[date, Decimal]:
    """The days ``leave`` takes between ``first`` and ``last`` (inclusive), each 1 for a whole
    working day or the share of the day's hours a part-day request takes. Days off and office
    holidays are left out. ``inputs`` should hold no leave (their days are not worked either)."""
    out: dict[date, Decimal] = {}
    day = max(first, leave.start_date)
    end = min(last, leave.end_date)
    with_leave = replace(inputs, leaves=(leave,))
    while day <= end:
        after = day + timedelta(days=1)
        base = expand_person(inputs, day, after)
        hours = _worked(base)
        if hours and not any(i.kind == HOLIDAY for i in base):
            if leave.start_time is None:
                out[day] = Decimal(1)
            else:
                left = _worked(expand_person(with_leave, day, after))
                share = rounded((hours - left) / hours)
                if share:
                    out[day] = share
        day = after
    return out


@dataclass(frozen=True)
class WeeklyHours:
    """From ``valid_from`` on, the person works ``hours`` a week."""

    valid_from: date
    hours: Decimal


def block_hours(blocks: Iterable[tuple[time, time]]) -> Decimal:
    minutes = 0
    for start, end in blocks:
        s, e = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        minutes += e - s if e > s else e + 24 * 60 - s
    return Decimal(minutes) / 60


def part_time_factor(day: date, weeks: list[WeeklyHours], full_time_hours: Decimal) -> Decimal:
    """The share of full time worked on ``day`` (at most 1)."""
    if not weeks or full_time_hours <= 0:
        return Decimal(1)
    current = weeks[0]
    for week in weeks:
        if week.valid_from <= day:
            current = week
    return min(Decimal(1), current.hours / full_time_hours)


def average_factor(
    first: date, after: date, weeks: list[WeeklyHours], full_time_hours: Decimal
) -> Decimal:
    """The share of full time, averaged over the days first..after (exclusive)."""
    total, count, day = ZERO, 0, first
    while day < after:
        total += part_time_factor(day, weeks, full_time_hours)
        count += 1
        day += timedelta(days=1)
    return total / count if count else Decimal(1)


@dataclass(frozen=True)
class Rule:
    """One kind of leave's policy, as plain values."""

    kind: str
    limited: bool
    monthly: bool
    days_per_year: Decimal
    days_per_month: Decimal
    carry_over: str  # none, up_to, all
    carry_over_max: Decimal
    full_time_hours: Decimal
    first_year: int


def _month(year: int, month: int) -> tuple[date, date]:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last) + timedelta(days=1)


def month_shares(
    rule: Rule, year: int, weeks: list[WeeklyHours], own_days: Decimal | None
) -> list[Decimal]:
    """What each month of ``year`` adds to the allowance: for a yearly rule all in January.
    A person's own allowance is used as it is; the rule's days are pro-rated by part time
    (a yearly allowance by the share of full time over the year, an accrual month by month)."""
    if rule.monthly:
        if own_days is not None:
            return [own_days / 12] * 12
        return [
            rule.days_per_month * average_factor(*_month(year, m), weeks, rule.full_time_hours)
            for m in range(1, 13)
        ]
    if own_days is not None:
        whole = own_days
    else:
        factor = average_factor(date(year, 1, 1), date(year + 1, 1, 1), weeks, rule.full_time_hours)
        whole = rule.days_per_year * factor
    return [whole] + [ZERO] * 11


def carried(rule: Rule, left_last_year: Decimal) -> Decimal:
    """What the rule carries into a new year of what was left at the end of the old one."""
    left = max(ZERO, left_last_year)
    if rule.carry_over == "all":
        return left
    if rule.carry_over == "up_to":
        return min(left, rule.carry_over_max)
    return ZERO


def months_begun(year: int, on: date) -> int:
    """How many months of ``year`` have begun by ``on``."""
    if on.year > year:
        return 12
    if on.year < year:
        return 0
    return on.month


@dataclass(frozen=True)
class Balance:
    """One person's kind of leave in one year, as of a day (accrual counts the months begun)."""

    kind: str
    year: int
    limited: bool
    has_allowance: bool  # a rule or own figures give days; else only what was taken is told
    entitlement: Decimal  # the whole year's allowance
    accrued: Decimal  # of it, what has accrued by the day asked about
    carried: Decimal  # brought over from last year
    taken: Decimal  # approved leave days in the year
    pending: Decimal  # days asked for, waiting for a decision

    @property
    def available(self) -> Decimal:
        return self.accrued + self.carried

    @property
    def left(self) -> Decimal:
        return self.available - self.taken - self.pending

    def after(self, days: Decimal) -> Decimal:
        """What is left once ``days`` more are booked."""
        return self.left - days
