"""Writing a subscription calendar (RFC 5545 with the RFC 7986 NAME and REFRESH-INTERVAL).

What Google Calendar, Outlook, Apple Calendar and Thunderbird read well: no METHOD, ORGANIZER
or ATTENDEE (a subscription, not an invitation: with them clients offer replies that go
nowhere; the description names the organizer and the subscriber's answer instead), one
VTIMEZONE per zone used with every change of offset in the feed's window
(``opsuite.meetings.ics.vtimezone``), series as RRULE with EXDATE in the same form as the
occurrences and RECURRENCE-ID overrides, all-day items as DATE values with an exclusive end,
and DTSTAMP equal to LAST-MODIFIED so an unchanged feed builds to the same bytes (same ETag).

VEVENTs are written here directly, not with ``icalendar`` (issue #17): building an ``Event``
and its ``to_ical()`` cost about 0.3 ms per item, most of a cold build of a big feed, which
must answer as fast as a CalDAV server serving the same events. The writer is small and fixed:
TEXT escaping (backslash, semicolon, comma, line breaks as ``\\n``; other control characters
except TAB dropped), lines folded at 75 octets between whole UTF-8 characters, CRLF, times
with TZID in the item's zone (``Z`` for UTC) and dates as VALUE=DATE, properties in one order.
``icalendar`` still validates each distinct RRULE (once, cached), writes the VTIMEZONEs
(cached as bytes per zone and window) and reads feeds back in tests, which check the two
writers agree (tests/feeds/test_ics_writer.py). The service can keep an item's bytes
(``event_bytes``) and put a calendar together from them (``assemble``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.prop import vRecur

from opsuite.meetings.ics import vtimezone

log = logging.getLogger(__name__)

PRODID = "-//opsuite//feeds//EN"
MAX_TEXT = 8000  # characters of a description kept (a pasted novel stays readable, not huge)


@dataclass(frozen=True)
class FeedEvent:
    """One VEVENT: a single item, a series master (rrule) or an override (recurrence_id).

    ``start``/``end`` are aware instants (shown in ``timezone``) or dates (all-day, end
    exclusive). ``exdates`` and ``recurrence_id`` are instants of original occurrences.
    """

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date | None
    last_modified: datetime
    timezone: str = "UTC"
    sequence: int = 0
    status: str = "CONFIRMED"
    description: str = ""
    location: str = ""
    url: str = ""
    rrule: str = ""
    exdates: tuple[datetime, ...] = ()
    recurrence_id: datetime | None = None
    transparent: bool = False
    categories: tuple[str, ...] = ()

    @property
    def is_all_day(self) -> bool:
        return not isinstance(self.start, datetime)


def zone_of(name: str) -> ZoneInfo:
    """The named zone, or UTC for a missing or unknown one (the feed stays valid)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _zone_name(zone: ZoneInfo) -> str:
    return str(zone.key)


# Control characters (Unicode category Cc, as opsuite.web.text.has_control) that TEXT drops:
# all but TAB and the line breaks, which are escaped. A NUL once made readers cut a feed short.
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_URI_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_LIMIT = 75  # octets per physical line, without the CRLF (RFC 5545 3.1)


def _text(value: str) -> str:
    """``value`` as an RFC 5545 TEXT value (3.3.11); CRLF and a lone CR become line breaks."""
    value = _TEXT_CONTROLS.sub("", value)
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """``line`` folded at 75 octets (continuations start with one space), never inside a
    UTF-8 character nor between a backslash and the character it escapes."""
    if len(line) <= _LIMIT // 4 or (len(line) <= _LIMIT and line.isascii()):
        return line
    data = line.encode()
    if len(data) <= _LIMIT:
        return line
    parts: list[bytes] = []
    at, room, size = 0, _LIMIT, len(data)
    while size - at > room:
        cut = at + room
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: back to the character's start
            cut -= 1
        slashes = 0
        while cut - 1 - slashes >= at and data[cut - 1 - slashes] == 0x5C:  # backslashes
            slashes += 1
        if slashes % 2:  # the last one escapes the next character: keep the pair together
            cut -= 1
        parts.append(data[at:cut])
        at, room = cut, _LIMIT - 1  # a continuation line's leading space takes one octet
    parts.append(data[at:])
    return b"\r\n ".join(parts).decode()


def _utc(instant: datetime) -> str:
    at = instant.astimezone(UTC)
    return f"{at.year:04}{at.month:02}{at.day:02}T{at.hour:02}{at.minute:02}{at.second:02}Z"


def _local(instant: datetime, zone: ZoneInfo) -> str:
    """The wall time in ``zone`` (a TZID's value), to the second."""
    at = instant.astimezone(zone)
    return f"{at.year:04}{at.month:02}{at.day:02}T{at.hour:02}{at.minute:02}{at.second:02}"


def _day(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


@lru_cache(maxsize=1024)
def _rrule(rule: str) -> str:
    """The rule as icalendar reads and writes it; ValueError for one it does not understand."""
    value: bytes = vRecur.from_ical(rule).to_ical()
    text = value.decode()
    if _URI_CONTROLS.search(text):
        raise ValueError(f"control character in rule {rule!r}")
    return text


def _uri(url: str) -> str:
    if _URI_CONTROLS.search(url):  # e.g. a line break in an old link (issue #14)
        raise ValueError(f"A URI value may not contain control characters: {url!r}")
    return url


def zone_key(item: FeedEvent) -> str | None:
    """The zone whose VTIMEZONE the item's times refer to (None: all-day, or in UTC)."""
    if item.is_all_day:
        return None
    name = _zone_name(zone_of(item.timezone))
    return None if name == "UTC" else name


def _times(item: FeedEvent) -> list[str]:
    if not isinstance(item.start, datetime):
        end_day = item.end if isinstance(item.end, date) and item.end > item.start else None
        return [
            f"DTSTART;VALUE=DATE:{_day(item.start)}",
            f"DTEND;VALUE=DATE:{_day(end_day or item.start + timedelta(days=1))}",
        ]
    end = item.end if isinstance(item.end, datetime) else None
    if end is None or end <= item.start:
        end = item.start + timedelta(hours=1)  # an item without an end still shows
    zone = zone_of(item.timezone)
    name = _zone_name(zone)
    if name == "UTC":
        lines = [f"DTSTART:{_utc(item.start)}", f"DTEND:{_utc(end)}"]
        if item.recurrence_id is not None:
            lines.append(f"RECURRENCE-ID:{_utc(item.recurrence_id)}")
        if item.exdates:
            lines.append("EXDATE:" + ",".join(_utc(d) for d in sorted(item.exdates)))
        return lines
    tzid = f";TZID={name}:"
    lines = [f"DTSTART{tzid}{_local(item.start, zone)}", f"DTEND{tzid}{_local(end, zone)}"]
    if item.recurrence_id is not None:
        lines.append(f"RECURRENCE-ID{tzid}{_local(item.recurrence_id, zone)}")
    if item.exdates:
        lines.append(f"EXDATE{tzid}" + ",".join(_local(d, zone) for d in sorted(item.exdates)))
    return lines


def event_bytes(item: FeedEvent) -> bytes | None:
    """The item's VEVENT (CRLF lines, UTF-8), or None when it does not render (logged): stored
    data the writer refuses (a control character in a link, a rule icalendar cannot read) must
    not take the whole calendar down for everyone who subscribes; that one item is left out."""
    try:
        return _vevent(item).encode()
    except (ValueError, TypeError) as exc:  # UnicodeEncodeError (a lone surrogate) included
        log.warning("feed item %s left out, it does not render: %s", item.uid, exc)
        return None


def _vevent(item: FeedEvent) -> str:
    stamp = _utc(item.last_modified)
    lines = [
        "BEGIN:VEVENT",
        _fold(f"UID:{_text(item.uid)}"),
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{stamp}",
        f"SEQUENCE:{max(0, item.sequence)}",
        *_times(item),
    ]
    if item.rrule:
        lines.append(_fold(f"RRULE:{_rrule(item.rrule)}"))
    lines.append(_fold(f"SUMMARY:{_text(item.summary[:500])}"))
    if item.description:
        lines.append(_fold(f"DESCRIPTION:{_text(item.description[:MAX_TEXT])}"))
    if item.location:
        lines.append(_fold(f"LOCATION:{_text(item.location[:500])}"))
    if item.url:
        lines.append(_fold(f"URL:{_uri(item.url)}"))
    if item.categories:
        lines.append(_fold("CATEGORIES:" + ",".join(_text(c) for c in item.categories)))
    lines.append(_fold(f"STATUS:{_text(item.status)}"))
    lines.append("TRANSP:TRANSPARENT" if item.transparent or item.is_all_day else "TRANSP:OPAQUE")
    lines.append("END:VEVENT\r\n")
    return "\r\n".join(lines)


@lru_cache(maxsize=256)
def _vtimezone_bytes(name: str, first: date, last: date) -> bytes:
    data: bytes = vtimezone(name, first, last).to_ical()
    return data


def assemble(
    name: str,
    chunks: Iterable[bytes],
    zones: Iterable[str],
    *,
    first: date,
    last: date,
    description: str = "",
    method: str = "",
) -> bytes:
    """The VCALENDAR around ``chunks`` (each an ``event_bytes`` block) with a VTIMEZONE for
    each of ``zones`` holding every change of offset from ``first`` to ``last``.

    With a ``method`` (PUBLISH, CANCEL) it is a one-off calendar object (RFC 5546), a page's
    download or a mail's attachment, not a subscription: no name nor refresh interval."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
    ]
    if method:
        head.append(f"METHOD:{method}")
    if description:
        head.append(_fold(f"X-WR-CALDESC:{_text(str(description))}"))
    if not method:
        head += [
            _fold(f"NAME:{_text(str(name))}"),
            _fold(f"X-WR-CALNAME:{_text(str(name))}"),
            "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
            "X-PUBLISHED-TTL:PT1H",
        ]
    parts = ["\r\n".join(head).encode() + b"\r\n"]
    parts += [_vtimezone_bytes(zone, first, last) for zone in sorted(set(zones))]
    parts += chunks
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


def build_calendar(
    name: str,
    items: Iterable[FeedEvent],
    *,
    first: date,
    last: date,
    description: str = "",
    method: str = "",
) -> bytes:
    """The VCALENDAR for ``items`` as CRLF-delimited UTF-8 bytes; its VTIMEZONEs hold every
    change of offset from ``first`` to ``last`` (the feed's window). An item that does not
    render is left out (``event_bytes``)."""
    chunks: list[bytes] = []
    zones: set[str] = set()
    for item in items:
        chunk = event_bytes(item)
        if chunk is None:
            continue
        chunks.append(chunk)
        zone = zone_key(item)
        if zone is not None:
            zones.add(zone)
    return assemble(
        name, chunks, zones, first=first, last=last, description=description, method=method
    )
