"""The VTIMEZONE writer on its own: the offsets its observances give, read by icalendar (built
from the component, not looked up in zoneinfo), dateutil's tzical and vobject under a TZID no
reader knows, equal zoneinfo's just before and just after every change of offset in the
window and at 10:00 local on the days around each change; and the component stays small."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import vobject
from dateutil.tz import tzical
from icalendar import Calendar

from opsuite.feeds.ics import build_calendar
from opsuite.meetings.ics import vtimezone
from tests.feeds.readers import with_ical_js, with_icalendar, with_vobject
from tests.feeds.test_zones import _events

IRREGULAR = (
    "Africa/Casablanca",
    "Africa/Cairo",
    "Asia/Tehran",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Pyongyang",
)
REGULAR = ("America/New_York", "Europe/London", "Asia/Shanghai")
ZONES = IRREGULAR + REGULAR
WINDOW = (date(2026, 1, 1), date(2028, 12, 31))
# Windows ending in, starting in and spanning the years where rules changed (Pyongyang 2018,
# Tehran 2022, Cairo 2023, Casablanca 2018-2019, Santiago 2019-2022).
SWEEP = tuple((date(y, 1 + (y % 12), 1), date(y + 1 + y % 2, 12, 31)) for y in range(2010, 2036))


def _offset(zone: tzinfo, at: datetime) -> timedelta:
    offset = at.utcoffset() if at.tzinfo is zone else at.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def _changes(zone: ZoneInfo, first: date, last: date) -> list[datetime]:
    """Every instant (UTC, to the second) in the window where zoneinfo's offset changes,
    found hour by hour and then to the second (independent of the writer's own scan)."""
    start = datetime.combine(first, time(0), UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), UTC)
    out: list[datetime] = []
    at, before = start, _offset(zone, start)
    while at < end:
        following = at + timedelta(hours=1)
        after = _offset(zone, following)
        if after != before:
            low, high = 0, 3600  # the change lies in (at + low s, at + high s]
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(zone, at + timedelta(seconds=middle)) == before:
                    low = middle
                else:
                    high = middle
            out.append(at + timedelta(seconds=high))
            before = after
        at = following
    return out


def _wall_times(zone: ZoneInfo, first: date, last: date) -> list[datetime]:
    """Naive local times to check: 2 h either side of each change (never in a gap or a fold),
    10:00 on the day before, of and after it, and 10:00 on the 15th of every month."""
    out: list[datetime] = []
    for change in _changes(zone, first, last):
        for shift in (timedelta(hours=-2), timedelta(hours=2)):
            out.append((change + shift).astimezone(zone).replace(tzinfo=None))
        day = change.astimezone(zone).date()
        for k in (-1, 0, 1):
            out.append(datetime.combine(day + timedelta(days=k), time(10)))
    month = date(first.year, first.month, 15)
    while month <= last:
        out.append(datetime.combine(month, time(10)))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 15)
    return [w for w in out if first <= w.date() <= last]


def _text(name: str, first: date, last: date, tzid: str) -> str:
    """The VTIMEZONE as a feed carries it, in a calendar, renamed to ``tzid``."""
    cal = Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    cal.add_component(vtimezone(name, first, last))
    text: str = cal.to_ical().decode()
    return text.replace(f"TZID:{name}\r\n", f"TZID:{tzid}\r\n")


def _readers(text: str, tzid: str) -> dict[str, tzinfo]:
    [component] = Calendar.from_ical(text).walk("VTIMEZONE")
    assert str(component["tzid"]) == tzid
    zones: dict[str, tzinfo] = {
        "icalendar": component.to_tz(lookup_tzid=False),
        "dateutil": tzical(StringIO(text)).get(tzid),
    }
    vtz = vobject.readOne(text).vtimezone
    zones["vobject"] = vtz.gettzinfo()
    return zones


def _check(name: str, first: date, last: date, readers: tuple[str, ...] | None = None) -> int:
    zone = ZoneInfo(name)
    tzid = f"X-Test/{name.replace('/', '-')}"
    wrong = []
    walls = _wall_times(zone, first, last)
    for reader, parsed in _readers(_text(name, first, last, tzid), tzid).items():
        if readers is not None and reader not in readers:
            continue
        for wall in walls:
            want = wall.replace(tzinfo=zone).utcoffset()
            got = wall.replace(tzinfo=parsed).utcoffset()
            if got != want:
                wrong.append((reader, wall.isoformat(), str(got), str(want)))
    assert not wrong, (name, first, last, wrong[:6])
    return len(walls)


@pytest.mark.parametrize("name", ZONES)
def test_offsets_match_zoneinfo_around_every_change_in_the_window(name):
    checked = _check(name, *WINDOW)
    assert checked >= 36  # at least the monthly samples


@pytest.mark.parametrize("name", ZONES)
def test_offsets_match_zoneinfo_in_windows_from_2010_to_2037(name):
    for first, last in SWEEP:
        _check(name, first, last, readers=("icalendar", "dateutil"))


# Feeds built from late 2027 on: Cairo's October rule breaks in 2030 (the last Thursday is the
# 31st, so the change falls on 1 November), which once cut its last year off by its UNTIL and,
# for a window opening after 2028, dropped every October change before the window.
FEED_WINDOWS = ((date(2027, 12, 1), date(2029, 12, 31)), (date(2029, 2, 1), date(2031, 12, 31)))


@pytest.mark.parametrize(("first", "last"), FEED_WINDOWS)
def test_a_later_feed_reads_right_in_three_readers(first, last):
    items, expected = _events(first, last)
    inside = [i for i in items if not i.rrule and first <= i.start.date() <= last]
    wanted = {e for e in expected if e[0] != "monthly@test" and first <= e[1].date() <= last}
    assert len(inside) == len(wanted) > 80
    body = build_calendar("Zones", inside, first=first, last=last)
    lo, hi = datetime(2009, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC)
    for read in (with_icalendar, with_vobject, with_ical_js):
        wrong = sorted(read(body, lo, hi) ^ wanted)
        assert not wrong, (read.__name__, wrong[:6])


def test_the_reported_casablanca_meeting():
    """Monthly at 10:00 Casablanca on the 15th: 15 February 2027 falls in the Ramadan change
    (+00, 7 February to 14 March), 15 March just after it (+01); 2026's dates repeated (15
    February to 22 March) had both wrong."""
    tzid = "X-Test/Casablanca"
    for reader, parsed in _readers(_text("Africa/Casablanca", *WINDOW, tzid), tzid).items():
        offsets = {m: datetime(2027, m, 15, 10, tzinfo=parsed).utcoffset() for m in (1, 2, 3, 4)}
        assert offsets == {
            1: timedelta(hours=1),
            2: timedelta(0),
            3: timedelta(hours=1),
            4: timedelta(hours=1),
        }, reader


def test_the_sweep_sees_the_irregular_changes():
    """The checks above are not vacuous: zoneinfo has these changes in these windows."""

    def count(name: str, first: date, last: date) -> int:
        return len(_changes(ZoneInfo(name), first, last))

    assert count("Africa/Casablanca", *WINDOW) == 6  # two a year around Ramadan
    assert count("Asia/Shanghai", *WINDOW) == 0
    assert count("Asia/Pyongyang", date(2018, 1, 1), date(2018, 12, 31)) == 1
    assert count("Asia/Tehran", date(2021, 1, 1), date(2023, 12, 31)) == 4  # the last in 2022
    assert count("Africa/Cairo", date(2022, 1, 1), date(2024, 12, 31)) == 4  # back in 2023
    assert count("Australia/Lord_Howe", *WINDOW) == 6


def _observances(name: str, first: date, last: date) -> list[str]:
    [tz] = Calendar.from_ical(_text(name, first, last, name)).walk("VTIMEZONE")
    return [part.name for part in tz.subcomponents]


@pytest.mark.parametrize("name", ["America/New_York", "Europe/London", "Australia/Lord_Howe"])
def test_a_regular_zone_is_two_yearly_rules(name):
    [tz] = Calendar.from_ical(_text(name, *WINDOW, name)).walk("VTIMEZONE")
    assert sorted(part.name for part in tz.subcomponents) == ["DAYLIGHT", "STANDARD"]
    assert all("RRULE" in part for part in tz.subcomponents)
    assert len(vtimezone(name, *WINDOW).to_ical()) < 600


def test_a_zone_without_changes_is_one_standard_observance():
    [tz] = Calendar.from_ical(_text("Asia/Shanghai", *WINDOW, "Asia/Shanghai")).walk("VTIMEZONE")
    [part] = tz.subcomponents
    assert part.name == "STANDARD"
    assert part.decoded("tzoffsetto") == timedelta(hours=8)
    assert "RRULE" not in part


def test_casablanca_has_one_observance_per_change_and_no_more():
    for first, last in ((date(2026, 1, 1), date(2027, 12, 31)), WINDOW):
        changes = len(_changes(ZoneInfo("Africa/Casablanca"), first, last))
        parts = _observances("Africa/Casablanca", first, last)
        assert len(parts) <= changes + 1, (first, last, parts)
