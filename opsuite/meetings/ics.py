"""iCalendar for invitations (RFC 5545 / 5546 iTIP), built with the ``icalendar`` package.

A meeting is one VEVENT with a stable UID (RRULE and EXDATE for a series) plus one VEVENT per
changed occurrence (RECURRENCE-ID), exactly what the calendar pages expand. SEQUENCE is the
meeting's, which rises on every change. Times carry the meeting's TZID and a VTIMEZONE written
as yearly RRULE-based STANDARD/DAYLIGHT rules.
"""

from __future__ import annotations

import calendar as monthcal
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress
from icalendar.prop import vRecur

from opsuite import clock
from opsuite.auth.models import User
from opsuite.meetings.models import Attendee, Meeting, OccurrenceChange, Response
from opsuite.meetings.recurrence import parse_stamp
from opsuite.web.text import is_web_link

PRODID = "-//opsuite//meetings//EN"
_PARTSTAT = {
    Response.NEEDS_ACTION: "NEEDS-ACTION",
    Response.ACCEPTED: "ACCEPTED",
    Response.TENTATIVE: "TENTATIVE",
    Response.DECLINED: "DECLINED",
}
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _Transition:
    local_before: datetime  # naive wall time, in the offset before the change
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_dst: bool


def _transitions(zone: ZoneInfo, year: int) -> list[_Transition]:
    out: list[_Transition] = []
    day = datetime(year, 1, 1, 12, tzinfo=UTC)
    previous = day.astimezone(zone).utcoffset()
    while day.year == year:
        following = day + timedelta(days=1)
        offset = following.astimezone(zone).utcoffset()
        if offset != previous:
            low, high = day, following  # the change lies in (low, high]
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == previous:
                    low = middle
                else:
                    high = middle
            change = high.replace(second=0, microsecond=0)
            after = change.astimezone(zone)
            assert previous is not None  # set in the loop above  # nosec B101
            assert offset is not None  # set in the loop above  # nosec B101
            out.append(
                _Transition(
                    (change + previous).replace(tzinfo=None),
                    previous,
                    offset,
                    after.tzname() or "",
                    bool(after.dst()),
                )
            )
            previous = offset
        day = following
    return out


def _yearly_rule(local: datetime) -> tuple[dict[str, object], datetime]:
    """BYMONTH/BYDAY for "the nth (or last) weekday of the month", and the same onset in 1970."""
    last_day = monthcal.monthrange(local.year, local.month)[1]
    weekday = _WEEKDAYS[local.weekday()]
    nth = -1 if local.day + 7 > last_day else (local.day - 1) // 7 + 1
    rule = {"FREQ": "YEARLY", "BYMONTH": local.month, "BYDAY": f"{nth}{weekday}"}
    days = [
        d
        for d in range(1, monthcal.monthrange(1970, local.month)[1] + 1)
        if date(1970, local.month, d).weekday() == local.weekday()
    ]
    first = days[-1] if nth == -1 else days[nth - 1]
    return rule, local.replace(year=1970, day=first)


@lru_cache(maxsize=128)
def vtimezone(name: str, year: int) -> Timezone:
    """The zone's rules as seen in ``year``: one STANDARD (and one DAYLIGHT) with a yearly
    RRULE each, or a single STANDARD for zones without daylight-saving time."""
    zone = ZoneInfo(name)
    tz = Timezone()
    tz.add("tzid", name)
    changes = _transitions(zone, year)
    if not changes or len(changes) > 2:
        # No change this year (or an irregular one): the offset in force mid-year.
        sample = datetime(year, 7, 1, 12, tzinfo=UTC).astimezone(zone)
        offset = sample.utcoffset() or timedelta(0)
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", sample.tzname() or name)
        tz.add_component(standard)
        return tz
    for change in changes:
        part: TimezoneDaylight | TimezoneStandard = (
            TimezoneDaylight() if change.is_dst else TimezoneStandard()
        )
        rule, onset = _yearly_rule(change.local_before)
        part.add("dtstart", onset)
        part.add("rrule", rule)
        part.add("tzoffsetfrom", change.offset_from)
        part.add("tzoffsetto", change.offset_to)
        part.add("tzname", change.name)
        tz.add_component(part)
    return tz


def _address(user: User) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = user.name
    return address


def _attendee(attendee: Attendee) -> vCalAddress:
    address = _address(attendee.user)
    address.params["ROLE"] = "REQ-PARTICIPANT" if attendee.required else "OPT-PARTICIPANT"
    address.params["PARTSTAT"] = _PARTSTAT[Response(attendee.response)]
    address.params["RSVP"] = "TRUE" if attendee.response == Response.NEEDS_ACTION else "FALSE"
    return address


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _event(
    meeting: Meeting,
    *,
    organizer: User,
    attendees: Iterable[Attendee],
    page_url: str,
    start: datetime,
    end: datetime,
    title: str,
    location: str,
    cancelled: bool,
) -> Event:
    zone = ZoneInfo(meeting.timezone)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", clock.now().astimezone(UTC))
    event.add("dtstart", start.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", title)
    description = meeting.description
    if meeting.agenda:
        description = f"{description}\n\n{meeting.agenda}".strip()
    # A link stored before links were checked may hold a line break, which no URI may
    # (icalendar refuses it): such a meeting points at its page instead.
    video_url = meeting.video_url if is_web_link(meeting.video_url) else ""
    if video_url:
        description = f"{description}\n\n{video_url}".strip()
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    event.add("url", video_url or page_url)
    event.add("organizer", _address(organizer))
    for attendee in attendees:
        event.add("attendee", _attendee(attendee))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def request(
    meeting: Meeting,
    *,
    organizer: User,
    attendees: list[Attendee],
    changes: list[OccurrenceChange],
    page_url: str,
) -> str:
    """METHOD:REQUEST with the whole meeting: the series and each changed occurrence."""
    cal = _calendar("REQUEST")
    zone = ZoneInfo(meeting.timezone)
    cal.add_component(vtimezone(meeting.timezone, meeting.starts_at.astimezone(zone).year))
    master = _event(
        meeting,
        organizer=organizer,
        attendees=attendees,
        page_url=page_url,
        start=meeting.starts_at,
        end=meeting.ends_at,
        title=meeting.title,
        location=meeting.location,
        cancelled=False,
    )
    if meeting.rrule:
        master.add("rrule", vRecur.from_ical(meeting.rrule))
        skipped = [parse_stamp(s) for s in meeting.exdates]
        if skipped:
            master.add("exdate", [d.astimezone(zone) for d in skipped if d is not None])
    cal.add_component(master)
    for change in changes:
        event = _event(
            meeting,
            organizer=organizer,
            attendees=attendees,
            page_url=page_url,
            start=change.starts_at,
            end=change.ends_at,
            title=change.title or meeting.title,
            location=change.location or meeting.location,
            cancelled=False,
        )
        event.add("recurrence-id", change.original_start.astimezone(zone))
        cal.add_component(event)
    text: str = cal.to_ical().decode()
    return text


def cancel(
    meeting: Meeting,
    *,
    organizer: User,
    attendees: list[Attendee],
    page_url: str,
    occurrence: datetime | None = None,
) -> str:
    """METHOD:CANCEL for the whole meeting, or for one occurrence (with its RECURRENCE-ID)."""
    cal = _calendar("CANCEL")
    zone = ZoneInfo(meeting.timezone)
    cal.add_component(vtimezone(meeting.timezone, meeting.starts_at.astimezone(zone).year))
    start = occurrence or meeting.starts_at
    event = _event(
        meeting,
        organizer=organizer,
        attendees=attendees,
        page_url=page_url,
        start=start,
        end=start + (meeting.ends_at - meeting.starts_at),
        title=meeting.title,
        location=meeting.location,
        cancelled=True,
    )
    if occurrence is not None:
        event.add("recurrence-id", occurrence.astimezone(zone))
    elif meeting.rrule:
        event.add("rrule", vRecur.from_ical(meeting.rrule))
    cal.add_component(event)
    text: str = cal.to_ical().decode()
    return text
