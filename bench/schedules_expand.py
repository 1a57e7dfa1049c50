"""Expand a year of working time for 1,000 staff with ``expand_person``, and the same weekly
blocks with a plain python-dateutil rrule loop (one WEEKLY rule per block, each occurrence put
in its zone and converted to UTC), in the same run. Everything is in memory: no database.

    python bench/schedules_expand.py [--people 1000] [--repeat 3]

The ratio is our seconds over the baseline's (below 1: ours is faster). Both sides must give
the same instants; the run stops if they do not.
"""

from __future__ import annotations

import argparse
import random
import sys
import time as timer
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule, weekday

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opsuite.schedules.expansion import (
    Block,
    Interval,
    Leave,
    Pattern,
    PersonInputs,
    expand_person,
)

ZONES = (
    "Asia/Shanghai",
    "America/New_York",
    "Europe/London",
    "Africa/Nairobi",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Auckland",
)
START, END = date(2026, 1, 1), date(2027, 1, 1)  # one year, end exclusive


def _blocks(kind: str, rng: random.Random) -> tuple[Block, ...]:
    days = range(5) if rng.random() < 0.8 else range(4)
    if kind == "fixed":  # office days with a lunch break
        return tuple(
            b
            for d in days
            for b in (Block(d, time(9), time(12, 30)), Block(d, time(13, 30), time(17, 30)))
        )
    if kind == "hybrid":  # office early in the week, home later
        return tuple(
            Block(d, time(8, 30), time(16, 30), "office" if d < 2 else "home") for d in days
        )
    if kind == "remote":
        start = rng.choice((time(7), time(10), time(14)))
        end = time((start.hour + 8) % 24)
        return tuple(Block(d, start, end, "home") for d in days)
    if kind == "night":  # shelter nights that run past midnight, Thursday to Sunday
        return tuple(Block(d, time(22), time(6), "field") for d in (3, 4, 5, 6))
    return tuple(Block(d, time(8), time(18)) for d in days)  # flexible: days and place


def build_people(count: int, seed: int = 7) -> list[Pattern]:
    """Varied patterns in several zones; a fifth change pattern mid-year."""
    rng = random.Random(seed)
    kinds = ("fixed", "fixed", "hybrid", "remote", "night", "flexible")
    people = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        zone = ZONES[n % len(ZONES)]
        flexible = kind == "flexible"
        people.append(
            Pattern(
                START,
                "flexible" if flexible else ("remote" if kind == "remote" else "fixed"),
                zone,
                _blocks(kind, rng),
                office_id=1 + n % 5,
                core=(time(10), time(15)) if flexible else None,
                window=(time(8), time(18)) if flexible else None,
            )
        )
    return people


def ours(people: list[Pattern], leave: bool = False) -> list[list[Interval]]:
    out = []
    for pattern in people:
        leaves = (Leave(date(2026, 8, 3), date(2026, 8, 14)),) if leave else ()
        out.append(expand_person(PersonInputs((pattern,), leaves), START, END))
    return out


def _spans(pattern: Pattern) -> list[tuple[int, time, time]]:
    """(weekday, start, end) to expand: the blocks, or for flexible staff window and core."""
    if pattern.kind != "flexible":
        return [(b.weekday, b.start, b.end) for b in pattern.blocks]
    assert pattern.window is not None
    assert pattern.core is not None
    days = sorted({b.weekday for b in pattern.blocks})
    return [(d, *w) for d in days for w in (pattern.window, pattern.core)]


def baseline(people: list[Pattern]) -> list[list[tuple[datetime, datetime]]]:
    out = []
    for pattern in people:
        zone = ZoneInfo(pattern.timezone)
        until = datetime.combine(END - timedelta(days=1), time(23, 59))
        intervals = []
        for day, start, end in _spans(pattern):
            overnight = timedelta(days=1 if end <= start else 0)
            rule = rrule(
                WEEKLY,
                byweekday=weekday(day),
                dtstart=datetime.combine(START, start),
                until=until,
            )
            for occurrence in rule:
                begin = occurrence.replace(tzinfo=zone).astimezone(UTC)
                finish = datetime.combine(occurrence.date() + overnight, end, tzinfo=zone)
                intervals.append((begin, finish.astimezone(UTC)))
        intervals.sort()
        out.append(intervals)
    return out


def best_of(repeat: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = timer.perf_counter()
        result = work()
        best = min(best, timer.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    people = build_people(args.people)

    ours_seconds, ours_result = best_of(args.repeat, lambda: ours(people))
    base_seconds, base_result = best_of(args.repeat, lambda: baseline(people))
    leave_seconds, _leave_result = best_of(args.repeat, lambda: ours(people, leave=True))

    mismatched = sum(
        sorted((i.start, i.end) for i in mine) != theirs
        for mine, theirs in zip(ours_result, base_result, strict=True)  # type: ignore[arg-type]
    )
    if mismatched:
        sys.exit(f"{mismatched} people expanded differently by ours and the baseline")
    count = sum(len(r) for r in ours_result)  # type: ignore[union-attr]

    print(f"{args.people} staff, {len(ZONES)} zones, {START} to {END} (best of {args.repeat})")
    print(f"{'what':<40}{'seconds':>10}{'intervals/s':>14}")
    rows = (
        ("dateutil rrule loop (baseline)", base_seconds),
        ("expand_person", ours_seconds),
        ("expand_person with two weeks' leave", leave_seconds),
    )
    for label, seconds in rows:
        print(f"{label:<40}{seconds:>10.3f}{count / seconds:>14.0f}")
    print(f"identical instants: yes ({count} intervals)")
    print(f"RESULT ratio={ours_seconds / base_seconds:.2f} people={args.people} intervals={count}")


if __name__ == "__main__":
    main()
