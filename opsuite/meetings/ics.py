"""iCalendar for invitations (RFC 5545 / 5546 iTIP), built with the ``icalendar`` package.

A meeting is one VEVENT with a stable UID (RRULE and EXDATE for a series) plus one VEVENT per
changed occurrence (RECURRENCE-ID), exactly what the calendar pages expand. SEQUENCE is the
meeting's, which rises on every change. Times carry the meeting's TZID and a VTIMEZONE with
every change of offset over the meeting's span (``vtimezone``, shared with the feeds).
"""

from __future__ import annotations

import calendar as monthcal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress
from icalendar.prop import vRecur

from opsuite import clock
from opsuite.auth.models import User
from opsuite.meetings.models import Attendee, Meeting, OccurrenceChange, Response
from opsuite.meetings.occurrences import changes_the_occurrence
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
    instant: datetime  # aware, UTC
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_dst: bool

    @property
    def local(self) -> datetime:
        """The onset as a naive wall time in the offset before the change (RFC 5545)."""
        return (self.instant + self.offset_from).replace(tzinfo=None)


_STEP = timedelta(hours=6)  # no zone changes its offset twice within six hours
LOOKAHEAD_YEARS = 3  # a yearly rule still holding this long after the window stays open


def _transitions(zone: ZoneInfo, first: datetime, last: datetime) -> list[_Transition]:
    """Every change of UTC offset in [first, last) as zoneinfo's data has it (its TZif
    transitions and, past them, its POSIX rule), to the second."""
    out: list[_Transition] = []
    at = first
    previous = at.astimezone(zone).utcoffset()
    while at < last:
        following = at + _STEP
        offset = following.astimezone(zone).utcoffset()
        if offset != previous:
            low, high = at, following  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                middle = (low + (high - low) / 2).replace(microsecond=0)
                if middle.astimezone(zone).utcoffset() == previous:
                    low = middle
                else:
                    high = middle
            after = high.astimezone(zone)
            assert previous is not None  # set in the loop above  # nosec B101
            assert offset is not None  # set in the loop above  # nosec B101
            out.append(_Transition(high, previous, offset, after.tzname() or "", bool(after.dst())))
            previous = offset
        at = following
    return out


def _rule_of(local: datetime) -> tuple[int, str, tuple[int, int, int]]:
    """(month, BYDAY, wall time): "the nth (or last) weekday of the month" of an onset."""
    last_day = monthcal.monthrange(local.year, local.month)[1]
    nth = -1 if local.day + 7 > last_day else (local.day - 1) // 7 + 1
    return (
        local.month,
        f"{nth}{_WEEKDAYS[local.weekday()]}",
        (
            local.hour,
            local.minute,
            local.second,
        ),
    )


def _runs(changes: list[_Transition]) -> list[list[_Transition]]:
    """Split the transitions into runs that one yearly rule describes: the same change (offsets,
    name) on the same nth weekday of the same month at the same wall time, year after year."""
    groups: dict[tuple[timedelta, timedelta, str, bool], list[list[_Transition]]] = {}
    for change in changes:
        runs = groups.setdefault(
            (change.offset_from, change.offset_to, change.name, change.is_dst), []
        )
        if runs:
            last = runs[-1][-1]
            if last.local.year + 1 == change.local.year and _rule_of(last.local) == _rule_of(
                change.local
            ):
                runs[-1].append(change)
                continue
        runs.append([change])
    return sorted((run for runs in groups.values() for run in runs), key=lambda r: r[0].instant)


def _observance(
    change: _Transition, onset: datetime | None = None
) -> TimezoneDaylight | TimezoneStandard:
    part: TimezoneDaylight | TimezoneStandard = (
        TimezoneDaylight() if change.is_dst else TimezoneStandard()
    )
    part.add("dtstart", onset or change.local)
    part.add("tzoffsetfrom", change.offset_from)
    part.add("tzoffsetto", change.offset_to)
    part.add("tzname", change.name)
    return part


def vtimezone(name: str, first: date, last: date) -> Timezone:
    """The zone as zoneinfo has it for everything from ``first`` to ``last`` (a feed's window,
    or an invitation's span), widened to whole years so the bytes change once a year at most.

    Each change of offset in the span is written from zoneinfo's data: a run of changes that
    one yearly rule describes (New York, London, Santiago) as one observance with that RRULE
    (left open when the rule still holds three years after the span, else with UNTIL), any
    other change (Casablanca's Ramadan, a zone that gives up daylight-saving time) as a
    single observance. No RDATE lists: ical.js and vobject misread them."""
    return _vtimezone(name, first.year, max(first.year, last.year) + 1)


@lru_cache(maxsize=512)
def _vtimezone(name: str, first_year: int, end_year: int) -> Timezone:
    zone = ZoneInfo(name)
    tz = Timezone()
    tz.add("tzid", name)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(end_year, 1, 1, tzinfo=UTC)
    horizon = datetime(end_year + LOOKAHEAD_YEARS, 1, 1, tzinfo=UTC)
    runs = [r for r in _runs(_transitions(zone, start, horizon)) if r[0].instant < end]
    # A rule already in force before the span is dated from when it began (back to 1970), as
    # zoneinfo has it: readers then see real changes in earlier years too (vobject takes a
    # zone without any before 2020 for UTC and swaps in its own, which misreads series).
    ongoing = [r for r in runs if len(r) > 1 and r[0].local.year == first_year]
    since = max((_held_since(zone, r[0]) for r in ongoing), default=first_year)
    if since < first_year and len(ongoing) < len(runs):
        # Only some rules held before the span (Cairo from 2029: April's since 2023, October's
        # broken in 2024): dating those back alone would skip the others' earlier changes,
        # so the zone is written from that year, every change in between as zoneinfo has it.
        return _vtimezone(name, since, end_year)
    if since == first_year or len(ongoing) < len(runs):
        sample = start.astimezone(zone)
        offset = sample.utcoffset() or timedelta(0)
        base: TimezoneDaylight | TimezoneStandard = (
            TimezoneDaylight() if sample.dst() else TimezoneStandard()
        )
        # The offset in force when the span opens (and, to readers, before it).
        base.add("dtstart", datetime(1970, 1, 1))
        base.add("tzoffsetfrom", offset)
        base.add("tzoffsetto", offset)
        base.add("tzname", sample.tzname() or name)
        tz.add_component(base)
    for run in runs:
        head = run[0]
        early = run in ongoing and since < first_year
        part = _observance(head, _onset(head, since) if early else None)
        if len(run) > 1:
            month, byday, _ = _rule_of(head.local)
            rule: dict[str, object] = {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": byday}
            if run[-1].instant.year < horizon.year - 1:
                # A day past the last onset: readers that compare UNTIL with the onset's
                # wall time rather than its instant (dateutil, so icalendar and vobject)
                # would otherwise drop the last change east of UTC. The next is a year on.
                rule["UNTIL"] = (run[-1].instant + timedelta(days=1)).astimezone(UTC)
            part.add("rrule", rule)
        tz.add_component(part)
    return tz


def _onset(change: _Transition, year: int) -> datetime:
    """The wall time of ``change``'s yearly rule in ``year`` (naive, before the change)."""
    month, byday, (hour, minute, second) = _rule_of(change.local)
    nth, weekday = int(byday[:-2]), _WEEKDAYS.index(byday[-2:])
    days = [
        d
        for d in range(1, monthcal.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    day = days[-1] if nth == -1 else days[nth - 1]
    return datetime(year, month, day, hour, minute, second)


def _held_since(zone: ZoneInfo, change: _Transition) -> int:
    """The first year (from 1970) since which zoneinfo has ``change`` by its rule every year."""
    year = change.local.year
    while year > 1970:
        instant = (_onset(change, year - 1) - change.offset_from).replace(tzinfo=UTC)
        before = (instant - timedelta(seconds=1)).astimezone(zone).utcoffset()
        if before != change.offset_from or instant.astimezone(zone).utcoffset() != change.offset_to:
            break
        year -= 1
    return year


INVITATION_YEARS = 2  # an open-ended series: its zone's changes this far ahead


def _zone_of(meeting: Meeting) -> Timezone:
    """The VTIMEZONE for the meeting's whole span (an endless series: the next two years)."""
    first = meeting.starts_at.date()
    last = meeting.last_ends_at or max(meeting.starts_at, clock.now()) + timedelta(
        days=366 * INVITATION_YEARS
    )
    return vtimezone(meeting.timezone, max(first, date(last.year - 20, 1, 1)), last.date())


def _address(user: User) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = user.name
    return address


def _attendee(attendee: Attendee, answer: Response | None = None) -> vCalAddress:
    """The attendee with their answer (``answer``: theirs for one occurrence, if they gave
    one; else their answer to the meeting)."""
    response = answer or Response(attendee.response)
    address = _address(attendee.user)
    address.params["ROLE"] = "REQ-PARTICIPANT" if attendee.required else "OPT-PARTICIPANT"
    address.params["PARTSTAT"] = _PARTSTAT[response]
    address.params["RSVP"] = "TRUE" if response == Response.NEEDS_ACTION else "FALSE"
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
    answers: Mapping[int, Response] | None = None,
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
        event.add("attendee", _attendee(attendee, (answers or {}).get(attendee.user_id)))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def request(
    meeting: Meeting,
    *,
    organizer: User,
    attendees: list[Attendee],
    changes: list[OccurrenceChange],
    page_url: str,
    answers: Mapping[datetime, Mapping[int, Response]] | None = None,
) -> str:
    """METHOD:REQUEST with the whole meeting: the series and each changed occurrence, and each
    occurrence someone answered on its own (``answers``: original start -> user id -> answer),
    where the attendees' PARTSTAT is their answer for that occurrence."""
    cal = _calendar("REQUEST")
    zone = ZoneInfo(meeting.timezone)
    cal.add_component(_zone_of(meeting))
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
    duration = meeting.ends_at - meeting.starts_at
    by_original = {c.original_start: c for c in changes if changes_the_occurrence(c, duration)}
    skips = {parse_stamp(s) for s in meeting.exdates}
    answered = {d for d in (answers or {}) if meeting.rrule and d not in skips}
    for original in sorted(set(by_original) | answered):
        change = by_original.get(original)
        event = _event(
            meeting,
            organizer=organizer,
            attendees=attendees,
            page_url=page_url,
            start=change.starts_at if change else original,
            end=change.ends_at if change else original + duration,
            title=(change.title if change else "") or meeting.title,
            location=(change.location if change else "") or meeting.location,
            cancelled=False,
            answers=(answers or {}).get(original),
        )
        event.add("recurrence-id", original.astimezone(zone))
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
    cal.add_component(_zone_of(meeting))
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
