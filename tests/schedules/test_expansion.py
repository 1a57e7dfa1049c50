"""Expansion against hand-computed instants across DST changes, and properties over generated
patterns and zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsuite.schedules.expansion import (
    CORE,
    FLEX,
    HOLIDAY,
    TIME_OFF,
    WORK,
    Block,
    DayException,
    Leave,
    Pattern,
    PersonInputs,
    expand_person,
)

MON_FRI = range(5)


def nine_to_five(zone: str, *, lunch: bool = True, valid_from=date(2026, 1, 1), office=1):
    blocks = []
    for day in MON_FRI:
        if lunch:
            blocks += [
                Block(day, time(9), time(12, 30), "office", office),
                Block(day, time(13, 30), time(17), "office", office),
            ]
        else:
            blocks.append(Block(day, time(9), time(17), "office", office))
    return Pattern(valid_from, "fixed", zone, tuple(blocks), office_id=office)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_new_york_nine_oclock_stays_nine_oclock_across_the_spring_change():
    # 2026-03-08 is the US change: 09:00 EST = 14:00 UTC before it, 09:00 EDT = 13:00 UTC after.
    out = expand_person(
        PersonInputs((nine_to_five("America/New_York"),)), date(2026, 3, 6), date(2026, 3, 10)
    )
    starts = [i.start for i in out if i.kind == WORK]
    assert starts == [
        utc(2026, 3, 6, 14),
        utc(2026, 3, 6, 18, 30),  # Friday, EST
        utc(2026, 3, 9, 13),
        utc(2026, 3, 9, 17, 30),
    ]  # Monday, EDT
    assert sum(i.hours for i in out) == 14  # 7 hours a day, lunch excluded


def test_london_changes_three_weeks_later_and_shanghai_never():
    london = expand_person(
        PersonInputs((nine_to_five("Europe/London", lunch=False),)),
        date(2026, 3, 27),
        date(2026, 3, 31),
    )
    assert [i.start for i in london] == [utc(2026, 3, 27, 9), utc(2026, 3, 30, 8)]
    shanghai = expand_person(
        PersonInputs((nine_to_five("Asia/Shanghai", lunch=False),)),
        date(2026, 3, 27),
        date(2026, 3, 31),
    )
    assert [i.start for i in shanghai] == [utc(2026, 3, 27, 1), utc(2026, 3, 30, 1)]


def test_overnight_block_on_the_dst_night_counts_its_real_hours():
    night = Pattern(
        date(2026, 1, 1), "fixed", "America/New_York", (Block(5, time(22), time(6), "field"),)
    )  # Saturday 22:00 to Sunday 06:00
    [spring] = expand_person(PersonInputs((night,)), date(2026, 3, 7), date(2026, 3, 8))
    assert (spring.start, spring.end) == (utc(2026, 3, 8, 3), utc(2026, 3, 8, 10))
    assert spring.hours == 7
    [autumn] = expand_person(PersonInputs((night,)), date(2026, 10, 31), date(2026, 11, 1))
    assert autumn.hours == 9


def test_a_new_arrangement_takes_over_from_its_start_date_and_history_is_kept():
    old = nine_to_five("Asia/Shanghai", lunch=False)
    remote = Pattern(
        date(2026, 3, 9),
        "remote",
        "Asia/Shanghai",
        tuple(Block(d, time(10), time(18)) for d in MON_FRI),
    )
    out = expand_person(PersonInputs((old, remote)), date(2026, 3, 6), date(2026, 3, 10))
    assert [(i.start, i.location) for i in out] == [
        (utc(2026, 3, 6, 1), "office"),
        (utc(2026, 3, 9, 2), "home"),
    ]


def test_hybrid_days_say_where_and_flexible_days_give_core_and_window():
    hybrid = Pattern(
        date(2026, 1, 1),
        "hybrid",
        "Europe/London",
        (
            Block(0, time(9), time(17), "office", 1),
            Block(1, time(9), time(17), "home"),
            Block(2, time(9), time(17), "field"),
        ),
    )
    out = expand_person(PersonInputs((hybrid,)), date(2026, 3, 2), date(2026, 3, 5))
    assert [(i.location, i.office_id) for i in out] == [
        ("office", 1),
        ("home", None),
        ("field", None),
    ]
    flexible = Pattern(
        date(2026, 1, 1),
        "flexible",
        "Asia/Shanghai",
        tuple(Block(d, time(7), time(20), "home") for d in MON_FRI),
        core=(time(10), time(15)),
        window=(time(7), time(20)),
    )
    day = expand_person(PersonInputs((flexible,)), date(2026, 3, 2), date(2026, 3, 3))
    assert [(i.kind, i.start, i.end) for i in day] == [
        (FLEX, utc(2026, 3, 1, 23), utc(2026, 3, 2, 12)),
        (CORE, utc(2026, 3, 2, 2), utc(2026, 3, 2, 7)),
    ]


def test_leave_holidays_and_exceptions_change_the_day():
    pattern = nine_to_five("Asia/Shanghai", lunch=False)
    inputs = PersonInputs(
        (pattern,),
        leaves=(
            Leave(date(2026, 3, 2), date(2026, 3, 2)),
            Leave(date(2026, 3, 3), date(2026, 3, 3), time(14), time(17), "sick"),
        ),
        exceptions=(
            DayException(date(2026, 3, 4), "move", location="home"),
            DayException(date(2026, 3, 5), "day_off"),
            DayException(date(2026, 3, 7), "extra", time(10), time(13), "field"),
        ),
        holidays={(1, date(2026, 3, 6)): "Founders' day"},
    )
    out = expand_person(inputs, date(2026, 3, 2), date(2026, 3, 8))
    summary = [
        (
            i.kind,
            i.start.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%a %H:%M"),
            i.hours,
            i.location,
            i.detail,
        )
        for i in out
    ]
    assert summary == [
        (TIME_OFF, "Mon 00:00", 24, None, "vacation"),
        (WORK, "Tue 09:00", 5, "office", ""),
        (TIME_OFF, "Tue 14:00", 3, None, "sick"),
        (WORK, "Wed 09:00", 8, "home", ""),
        (HOLIDAY, "Fri 00:00", 24, None, "Founders' day"),
        (WORK, "Sat 10:00", 3, "field", ""),
    ]


ZONES = ["America/New_York", "Europe/London", "Asia/Shanghai", "Australia/Sydney"]


@st.composite
def weekly_patterns(draw):
    zone = draw(st.sampled_from(ZONES))
    blocks = []
    for weekday in range(7):
        if not draw(st.booleans()):
            continue
        # Start at 04:00 or later so no block starts inside a DST gap (02:00-03:00).
        start = draw(st.integers(min_value=4 * 60, max_value=20 * 60))
        length = draw(st.integers(min_value=30, max_value=12 * 60))
        end = (start + length) % (24 * 60)
        blocks.append(
            Block(
                weekday,
                time(start // 60, start % 60),
                time(end // 60, end % 60),
                draw(st.sampled_from(["office", "home", "field"])),
            )
        )
    return Pattern(date(2020, 1, 1), "fixed", zone, tuple(blocks))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pattern=weekly_patterns(),
    first=st.dates(date(2025, 1, 1), date(2027, 12, 1)),
    days=st.integers(1, 40),
)
def test_every_interval_starts_at_its_blocks_wall_clock_time_in_the_persons_zone(
    pattern, first, days
):
    out = expand_person(PersonInputs((pattern,)), first, first + timedelta(days=days))
    zone = ZoneInfo(pattern.timezone)
    wanted = {(b.weekday, b.start) for b in pattern.blocks}
    assert len(out) == sum(
        1
        for n in range(days)
        for b in pattern.blocks
        if (first + timedelta(days=n)).weekday() == b.weekday
    )
    for interval in out:
        local = interval.start.astimezone(zone)
        assert (local.weekday(), local.time()) in wanted
        assert interval.start.tzinfo == UTC
        assert interval.end > interval.start
    assert out == sorted(out, key=lambda i: (i.start, i.end, i.kind))


@settings(max_examples=60, deadline=None)
@given(pattern=weekly_patterns(), first=st.dates(date(2025, 1, 1), date(2027, 12, 1)))
def test_a_week_holds_its_wall_clock_hours_give_or_take_one_dst_hour(pattern, first):
    out = expand_person(PersonInputs((pattern,)), first, first + timedelta(days=7))
    wall = sum(
        ((b.end.hour * 60 + b.end.minute) - (b.start.hour * 60 + b.start.minute)) % (24 * 60) / 60
        for b in pattern.blocks
    )
    assert abs(sum(i.hours for i in out) - wall) <= 1.0 + 1e-9


@settings(max_examples=40, deadline=None)
@given(
    pattern=weekly_patterns(),
    first=st.dates(date(2025, 1, 1), date(2027, 12, 1)),
    off=st.integers(0, 6),
)
def test_a_full_day_of_leave_leaves_no_work_starting_that_day(pattern, first, off):
    leave_day = first + timedelta(days=off)
    out = expand_person(
        PersonInputs((pattern,), leaves=(Leave(leave_day, leave_day),)),
        first,
        first + timedelta(days=7),
    )
    zone = ZoneInfo(pattern.timezone)
    assert not [i for i in out if i.kind == WORK and i.start.astimezone(zone).date() == leave_day]
    works_that_day = any(b.weekday == leave_day.weekday() for b in pattern.blocks)
    assert bool([i for i in out if i.kind == TIME_OFF]) == works_that_day
