"""Writing a subscription calendar (RFC 5545 with the RFC 7986 NAME and REFRESH-INTERVAL).

What Google Calendar, Outlook, Apple Calendar and Thunderbird read well: no METHOD, ORGANIZER
or ATTENDEE (a subscription, not an invitation: with them clients offer replies that go
nowhere; the description names the organizer and the subscriber's answer instead), one
VTIMEZONE per zone used with every change of offset in the feed's window
(``opsuite.meetings.ics.vtimezone``), series as RRULE with EXDATE in the same form as the
occurrences and RECURRENCE-ID overrides, all-day items as DATE values with an exclusive end,
and DTSTAMP equal to LAST-MODIFIED so an unchanged feed builds to the same bytes (same ETag).
The ``icalendar`` package escapes text and folds lines at 75 octets without splitting a
character.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event
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


def _stamp(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(microsecond=0)


def _event(item: FeedEvent, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", _stamp(item.last_modified))
    event.add("last-modified", _stamp(item.last_modified))
    event.add("sequence", max(0, item.sequence))
    if isinstance(item.start, datetime):
        start = item.start.astimezone(zone).replace(microsecond=0)
        end = item.end if isinstance(item.end, datetime) else None
        if end is None or end <= item.start:
            end = item.start + timedelta(hours=1)  # an item without an end still shows
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


def build_calendar(
    name: str, items: Iterable[FeedEvent], *, first: date, last: date, description: str = ""
) -> bytes:
    """The VCALENDAR for ``items`` as CRLF-delimited UTF-8 bytes; its VTIMEZONEs hold every
    change of offset from ``first`` to ``last`` (the feed's window)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    if description:
        cal.add("x-wr-caldesc", description)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    events: list[Event] = []
    zones: set[str] = set()
    for item in items:
        zone = zone_of(item.timezone)
        try:
            event = _event(item, zone)
        # Stored data the writer refuses (e.g. a line break in an old link) must not take the
        # whole calendar down for everyone who subscribes: that one item is left out.
        except (ValueError, TypeError) as exc:
            log.warning("feed item %s left out, it does not render: %s", item.uid, exc)
            continue
        if not item.is_all_day and _zone_name(zone) != "UTC":
            zones.add(_zone_name(zone))
        events.append(event)
    for zone_name in sorted(zones):
        cal.add_component(vtimezone(zone_name, first, last))
    for event in events:
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
