"""Three independent iCalendar readers: icalendar (with recurring_ical_events-free manual
expansion via dateutil), vobject, and ical.js in node. Each gives every occurrence in a
window as (uid, start UTC, end UTC, status)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import vobject
from dateutil.rrule import rruleset, rrulestr

ROOT = Path(__file__).resolve().parents[2]
ICAL_JS = ROOT / "tests/browser/axe/node_modules/ical.js/dist/ical.js"
SCRIPT = Path(__file__).with_name("expand_ics.mjs")

Occurrence = tuple[str, datetime, datetime, str]


def _utc(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _in(start: datetime, end: datetime, lo: datetime, hi: datetime) -> bool:
    return start < hi and end > lo


def with_icalendar(data: bytes, lo: datetime, hi: datetime) -> set[Occurrence]:
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    overrides: dict[tuple[str, datetime], icalendar.Event] = {}
    for e in events:
        if e.get("recurrence-id") is not None:
            overrides[(str(e["uid"]), _utc(e.decoded("recurrence-id")))] = e
    out: set[Occurrence] = set()
    for e in events:
        if e.get("recurrence-id") is not None:
            continue
        uid, start = str(e["uid"]), e.decoded("dtstart")
        length = e.decoded("dtend") - start
        if e.get("rrule") is None:
            if _in(_utc(start), _utc(start + length), lo, hi):
                out.add((uid, _utc(start), _utc(start + length), str(e.get("status", ""))))
            continue
        rules = rruleset()
        rules.rrule(rrulestr(e["rrule"].to_ical().decode(), dtstart=start))
        exdates = e.get("exdate")
        for group in exdates if isinstance(exdates, list) else [exdates] if exdates else []:
            for d in group.dts:
                rules.exdate(d.dt)
        for occurrence in rules.between(start - timedelta(days=3650), hi, inc=True):
            override = overrides.get((uid, _utc(occurrence)))
            if override is not None:
                s, en = override.decoded("dtstart"), override.decoded("dtend")
                status = str(override.get("status", ""))
            else:
                s, en, status = occurrence, occurrence + length, str(e.get("status", ""))
            if _in(_utc(s), _utc(en), lo, hi):
                out.add((uid, _utc(s), _utc(en), status))
    return out


def _forget_vobject_zones() -> None:
    """vobject keeps the first VTIMEZONE it read for a TZID for the rest of the process: each
    calendar is read afresh, as its own download would be."""
    zones = vars(vobject.icalendar)["__tzidMap"]
    zones.clear()
    zones["UTC"] = vobject.icalendar.utc


def with_vobject(data: bytes, lo: datetime, hi: datetime) -> set[Occurrence]:
    _forget_vobject_zones()
    cal = vobject.readOne(data.decode("utf-8"))
    events = list(cal.vevent_list)
    overrides = {}
    for e in events:
        if hasattr(e, "recurrence_id"):
            overrides[(e.uid.value, _utc(e.recurrence_id.value))] = e
    out: set[Occurrence] = set()
    for e in events:
        if hasattr(e, "recurrence_id"):
            continue
        uid = e.uid.value
        start, end = e.dtstart.value, e.dtend.value
        status = e.status.value if hasattr(e, "status") else ""
        if not hasattr(e, "rrule"):
            if _in(_utc(start), _utc(end), lo, hi):
                out.add((uid, _utc(start), _utc(end), status))
            continue
        length = end - start
        for occurrence in e.getrruleset(addRDate=True).between(
            start - timedelta(days=3650), hi, inc=True
        ):
            override = overrides.get((uid, _utc(occurrence)))
            if override is not None:
                s, en = override.dtstart.value, override.dtend.value
                st = override.status.value if hasattr(override, "status") else ""
            else:
                s, en, st = occurrence, occurrence + length, status
            if _in(_utc(s), _utc(en), lo, hi):
                out.add((uid, _utc(s), _utc(en), st))
    return out


def with_ical_js(data: bytes, lo: datetime, hi: datetime) -> set[Occurrence]:
    node = shutil.which("node")
    assert node is not None, "node is needed (make install)"
    assert ICAL_JS.exists(), "run `make install` (npm ci in tests/browser/axe) for ical.js"
    result = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [node, str(SCRIPT), str(ICAL_JS), lo.isoformat(), hi.isoformat()],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
    )
    out: set[Occurrence] = set()
    for row in json.loads(result.stdout):
        start = datetime.fromisoformat(row["start"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(row["end"].replace("Z", "+00:00"))
        if _in(start, end, lo, hi):
            out.add((row["uid"], start, end, row["status"]))
    return out
