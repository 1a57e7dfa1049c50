"""The direct VEVENT writer (issue #17) says what the icalendar-based one said: for each kind of
item the feeds hold, icalendar reads the same property values back from both, and the new
bytes fold at 75 octets between whole characters and never carry a control character.

The old writer is kept here only as the reference. Where the two are meant to differ, the
reference is given the input the new writer means: control characters other than TAB dropped
(the old one wrote a NUL as it was)."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from icalendar import Calendar, Event
from icalendar.prop import vRecur

from opsuite.feeds.ics import (
    MAX_TEXT,
    FeedEvent,
    assemble,
    build_calendar,
    event_bytes,
    zone_key,
    zone_of,
)
from opsuite.meetings.ics import vtimezone

FIRST, LAST = date(2026, 1, 1), date(2027, 6, 30)
STAMP = datetime(2026, 2, 3, 4, 5, 6, 789, tzinfo=UTC)
START = datetime(2026, 3, 9, 8, 30, tzinfo=UTC)
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
DATE_TIMES = ("DTSTART", "DTEND", "RECURRENCE-ID", "DTSTAMP", "LAST-MODIFIED")


def _old_event(item: FeedEvent, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", item.uid)
    stamp = item.last_modified.astimezone(UTC).replace(microsecond=0)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", max(0, item.sequence))
    if isinstance(item.start, datetime):
        start = item.start.astimezone(zone).replace(microsecond=0)
        end = item.end if isinstance(item.end, datetime) else None
        if end is None or end <= item.start:
            end = item.start + timedelta(hours=1)
        event.add("dtstart", start)
        event.add("dtend", end.astimezone(zone).replace(microsecond=0))
        if item.recurrence_id is not None:
            event.add("recurrence-id", item.recurrence_id.astimezone(zone))
        if item.exdates:
            event.add("exdate", [d.astimezone(zone) for d in sorted(item.exdates)])
    else:
        end_day = item.end if isinstance(item.end, date) and item.end > item.start else None
        event.add("dtstart", item.start)
        event.add("dtend", end_day or item.start + timedelta(days=1))
    if item.rrule:
        event.add("rrule", vRecur.from_ical(item.rrule))
    event.add("summary", item.summary[:500])
    if item.description:
        event.add("description", item.description[:MAX_TEXT])
    if item.location:
        event.add("location", item.location[:500])
    if item.url:
        event.add("url", item.url)
    if item.categories:
        event.add("categories", list(item.categories))
    event.add("status", item.status)
    event.add("transp", "TRANSPARENT" if item.transparent or item.is_all_day else "OPAQUE")
    return event


def _old_build_calendar(items: list[FeedEvent]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//opsuite//feeds//EN")
    cal.add("version", "2.0")
    zones = sorted({z for z in map(zone_key, items) if z is not None})
    for name in zones:
        cal.add_component(vtimezone(name, FIRST, LAST))
    for item in items:
        cal.add_component(_old_event(item, zone_of(item.timezone)))
    data: bytes = cal.to_ical()
    return data


def _clean(item: FeedEvent) -> FeedEvent:
    """The input as the new writer means it: control characters but TAB and line breaks gone."""
    return FeedEvent(
        **{
            **item.__dict__,
            "summary": CONTROLS.sub("", item.summary),
            "description": CONTROLS.sub("", item.description),
            "location": CONTROLS.sub("", item.location),
            "categories": tuple(CONTROLS.sub("", c) for c in item.categories),
        }
    )


def _item(uid: str, **fields: object) -> FeedEvent:
    values: dict[str, object] = {
        "uid": uid,
        "summary": "Shift",
        "start": START,
        "end": START + timedelta(hours=2),
        "last_modified": STAMP,
    }
    values.update(fields)
    return FeedEvent(**values)  # type: ignore[arg-type]


ITEMS = [
    _item("zoned@x", timezone="Europe/Berlin", description="Bring gloves", location="Hall 2"),
    _item("utc@x"),
    _item("unknown-zone@x", timezone="Mars/Olympus"),
    _item("day@x", start=date(2026, 3, 9), end=None),
    _item("days@x", start=date(2026, 3, 9), end=date(2026, 3, 12)),
    _item("day-end-before@x", start=date(2026, 3, 9), end=date(2026, 3, 9)),
    _item("no-end@x", timezone="America/New_York", end=None),
    _item("end-before@x", timezone="Asia/Shanghai", end=START - timedelta(minutes=5)),
    _item(
        "series@x",
        timezone="America/Santiago",
        rrule="FREQ=WEEKLY;UNTIL=20261231T235959Z;BYDAY=MO,WE",
        exdates=(START + timedelta(days=14), START + timedelta(days=7)),
        sequence=3,
    ),
    _item(
        "series-utc@x",
        rrule="FREQ=DAILY;COUNT=10",
        exdates=(START + timedelta(days=2),),
    ),
    _item(
        "series@x",
        timezone="America/Santiago",
        recurrence_id=START + timedelta(days=21),
        start=START + timedelta(days=21, hours=1),
        end=START + timedelta(days=21, hours=3),
        sequence=4,
    ),
    _item("override-utc@x", recurrence_id=START + timedelta(days=3)),
    _item("cjk@x", summary="周会" * 150 + "尾", description="说明，有逗号；" * 400),
    _item("url@x", url="https://example.org/a/very/long/path?with=commas,and;semicolons" * 4),
    _item(
        "text@x",
        summary="a, b; c \\ d\ne\r\nf\rg\th",
        description="line 1\nline 2, with \\backslash\\ and; more\\",
        location="Room 1, Floor 2; East",
    ),
    _item(
        "controls@x",
        summary="nul\x00bell\x07esc\x1bdel\x7fc1\x85",
        description="\x00\x01\x02 text \x0b\x0c\x1f",
        location="place\x00",
        categories=("tag\x00",),
    ),
    _item("categories@x", categories=("Work, hard", "Team;B", "back\\slash", "简体")),
    _item("transparent@x", transparent=True, timezone="Australia/Lord_Howe"),
    _item("cancelled@x", status="CANCELLED", sequence=-2),
    _item("semi;uid,with@x"),
    _item("long-summary@x", summary="x" * 600, location="y" * 700),
    _item("long-description@x", description="z\\" * MAX_TEXT),
    _item("micro@x", start=START.replace(microsecond=999_999), timezone="Asia/Tehran"),
]


def _events(data: bytes) -> list[Event]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def _values(event: Event) -> dict[str, object]:
    """Every property as icalendar decodes it, instants as aware datetimes with their TZID."""
    out: dict[str, object] = {}
    for name, prop in event.property_items(recursive=False):
        if name in ("BEGIN", "END"):
            continue
        if name in DATE_TIMES:
            out[name] = (prop.dt, type(prop.dt), dict(prop.params))
        elif name == "EXDATE":
            out[name] = ([d.dt for d in prop.dts], dict(prop.params))
        elif name == "CATEGORIES":
            out[name] = [str(c) for c in prop.cats]
        elif name == "RRULE":
            out[name] = dict(prop)
        else:
            out[name] = str(prop)
    return out


def test_new_writer_reads_back_as_the_icalendar_writer_did():
    new = build_calendar("Feed", ITEMS, first=FIRST, last=LAST)
    old = _old_build_calendar([_clean(item) for item in ITEMS])

    new_events, old_events = _events(new), _events(old)
    assert len(new_events) == len(old_events) == len(ITEMS)
    for mine, theirs in zip(new_events, old_events, strict=True):
        assert _values(mine) == _values(theirs), str(mine["uid"])


def test_instants_are_the_items_instants_in_their_zone():
    by_uid = {str(e["uid"]): e for e in _events(build_calendar("F", ITEMS, first=FIRST, last=LAST))}

    zoned = by_uid["zoned@x"]
    assert zoned["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert zoned.decoded("DTSTART") == START
    assert zoned.decoded("DTSTART").tzinfo is not None
    assert by_uid["utc@x"]["DTSTART"].to_ical() == b"20260309T083000Z"
    assert by_uid["unknown-zone@x"]["DTSTART"].to_ical() == b"20260309T083000Z"
    assert by_uid["day@x"]["DTSTART"].params["VALUE"] == "DATE"
    assert by_uid["day@x"].decoded("DTEND") == date(2026, 3, 10)
    assert by_uid["no-end@x"].decoded("DTEND") == START + timedelta(hours=1)
    assert by_uid["transparent@x"]["TRANSP"] == "TRANSPARENT"
    assert by_uid["cancelled@x"]["SEQUENCE"] == 0
    assert by_uid["controls@x"]["SUMMARY"] == "nulbellescdelc1"
    assert by_uid["text@x"]["SUMMARY"] == "a, b; c \\ d\ne\nf\ng\th"


def test_every_line_is_folded_whole_and_free_of_control_characters():
    data = build_calendar(
        "Name, with; text\nand a line " + "长" * 60, ITEMS, first=FIRST, last=LAST
    )

    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        text = line.decode("utf-8")  # never splits a character
        assert not CONTROLS.search(text)
        assert "\r" not in text
    for line in data.split(b"\r\n")[1:]:
        assert not line.startswith(b"  ")  # a continuation starts with one space


def test_folding_keeps_a_backslash_with_what_it_escapes():
    for width in range(60, 80):
        item = _item("fold@x", description="a" * width + "\\,;" * 40)
        chunk = event_bytes(item)
        assert chunk is not None
        lines = chunk.split(b"\r\n")
        for line, following in itertools.pairwise(lines):
            if following.startswith(b" "):
                assert (len(line) - len(line.rstrip(b"\\"))) % 2 == 0
        (event,) = _events(b"BEGIN:VCALENDAR\r\n" + chunk + b"END:VCALENDAR\r\n")
        assert str(event["DESCRIPTION"]) == "a" * width + "\\,;" * 40


def test_a_literal_backslash_n_stays_as_typed():
    (event,) = _events(
        build_calendar("F", [_item("n@x", summary="C:\\New")], first=FIRST, last=LAST)
    )

    assert str(event["SUMMARY"]) == "C:\\New"


@pytest.mark.parametrize(
    "fields",
    [
        {"url": "https://example.org/a\nb"},
        {"url": "https://example.org/\x00"},
        {"rrule": "FREQ=SOMETIMES"},
        {"summary": "lone \ud800 surrogate"},
    ],
)
def test_an_item_that_does_not_render_is_left_out(fields, caplog):
    bad = _item("bad@x", **fields)
    good = _item("good@x")

    assert event_bytes(bad) is None
    data = build_calendar("F", [bad, good], first=FIRST, last=LAST)
    assert [str(e["uid"]) for e in _events(data)] == ["good@x"]
    assert "bad@x" in caplog.text


def test_same_item_same_bytes_and_assemble_matches_build_calendar():
    chunks = [event_bytes(item) for item in ITEMS]
    assert chunks == [event_bytes(item) for item in ITEMS]

    zones = [z for z in map(zone_key, ITEMS) if z is not None]
    whole = assemble("F", [c for c in chunks if c], zones, first=FIRST, last=LAST, description="D")
    assert whole == build_calendar("F", ITEMS, first=FIRST, last=LAST, description="D")
    cal = icalendar.Calendar.from_ical(whole)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == sorted(set(zones))
    assert str(cal["X-WR-CALDESC"]) == "D"
    assert str(cal["REFRESH-INTERVAL"].to_ical().decode()) == "PT1H"


def test_zone_key_names_zones_that_need_a_vtimezone():
    assert zone_key(_item("a", timezone="Europe/Berlin")) == "Europe/Berlin"
    assert zone_key(_item("b", timezone="UTC")) is None
    assert zone_key(_item("c", timezone="Nowhere/Special")) is None
    assert zone_key(_item("d", timezone="Europe/Berlin", start=date(2026, 1, 1))) is None
