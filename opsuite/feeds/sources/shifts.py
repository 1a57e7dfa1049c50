"""Shifts in feeds: a person's sign-ups, and a program's shifts (series as RRULE)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from babel.support import LazyProxy
from tortoise.expressions import Q
from tortoise.functions import Count

from opsuite.auth.models import User
from opsuite.feeds.ics import FeedEvent, zone_of
from opsuite.feeds.sources.common import Window, both, join_text
from opsuite.shifts import recurrence as shift_rules
from opsuite.shifts.models import Shift, ShiftSeries, ShiftStatus, SignUp, SignUpStatus
from opsuite.wallclock import from_minute
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext

_DETAILS = lazy_gettext("Details: %(url)s")
_VOLUNTEER_SHIFT = lazy_gettext("Volunteer shift")


def _shift_summary(shift: Shift) -> str:
    return shift.opportunity.title


def _say(public_only: bool, message: LazyProxy, **variables: object) -> str:
    """Our own words: in both languages in the public feed, else in the owner's."""
    if public_only:
        return both(message, **variables)
    return str(message) % variables if variables else str(message)


def _shift_description(shift: Shift, window: Window, *extra: str, public: bool = False) -> str:
    return join_text(
        shift.opportunity.description,
        shift.notes,
        *extra,
        _say(public, _DETAILS, url=f"{window.base_url}/shifts/{shift.id}"),
    )


def _location(shift: Shift) -> str:
    return shift.location or shift.opportunity.location


async def shifts_of_person(user: User, window: Window) -> list[FeedEvent]:
    """The person's sign-ups: confirmed, waiting (TENTATIVE), recently cancelled (one query)."""
    signups = await (
        SignUp.filter(volunteer_id=user.id, shift__starts_at__lt=window.end)
        .filter(shift__ends_at__gt=window.start)
        .filter(
            Q(status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED, SignUpStatus.OFFERED])
            | Q(cancelled_at__gte=window.cancelled_since)
        )
        .select_related("shift__opportunity")
    )
    out: list[FeedEvent] = []
    for signup in signups:
        shift = signup.shift
        gone = shift.status == ShiftStatus.CANCELLED or signup.status in (
            SignUpStatus.CANCELLED,
            SignUpStatus.LAPSED,
        )
        if shift.status == ShiftStatus.CANCELLED and (
            shift.cancelled_at is None or shift.cancelled_at < window.cancelled_since
        ):
            continue
        waiting = signup.status in (SignUpStatus.WAITLISTED, SignUpStatus.OFFERED)
        summary = _shift_summary(shift)
        note = ""
        if waiting and not gone:
            summary = _("%(title)s (waitlist)", title=summary)
            note = _("You are on the waitlist for this shift.")
        out.append(
            FeedEvent(
                uid=window.uid("shift", shift.id),
                summary=summary,
                start=shift.starts_at,
                end=shift.ends_at,
                timezone=shift.timezone,
                last_modified=max(
                    d
                    for d in (signup.created_at, signup.cancelled_at, shift.cancelled_at)
                    if d is not None
                ),
                status="CANCELLED" if gone else ("TENTATIVE" if waiting else "CONFIRMED"),
                description=_shift_description(shift, window, note),
                location=_location(shift),
                url=f"{window.base_url}/shifts/{shift.id}",
                categories=(_("Volunteer shift"),),
            )
        )
    return out


def shift_event(shift: Shift, window: Window, *, sequence: int = 0) -> FeedEvent:
    """One shift on its own (its page's download, a confirmation's attachment), with the UID a
    person's feed gives it, so a calendar that has both keeps one copy. Needs the opportunity."""
    cancelled = shift.status == ShiftStatus.CANCELLED
    return FeedEvent(
        uid=window.uid("shift", shift.id),
        summary=_shift_summary(shift),
        start=shift.starts_at,
        end=shift.ends_at,
        timezone=shift.timezone,
        last_modified=shift.cancelled_at or shift.created_at,
        sequence=sequence,
        status="CANCELLED" if cancelled else "CONFIRMED",
        description=_shift_description(shift, window),
        location=_location(shift),
        url=f"{window.base_url}/shifts/{shift.id}",
        categories=(_("Volunteer shift"),),
    )


async def shifts_of_program(
    program_id: int, window: Window, *, public_only: bool
) -> list[FeedEvent]:
    """A program's shifts, series as RRULE (three queries). ``public_only``: open places on
    public, active opportunities only, and nothing about who signed up."""
    query = (
        Shift.filter(opportunity__program_id=program_id, starts_at__lt=window.end)
        .filter(ends_at__gt=window.start)
        .filter(
            Q(status=ShiftStatus.SCHEDULED)
            | Q(status=ShiftStatus.CANCELLED, cancelled_at__gte=window.cancelled_since)
        )
    )
    if public_only:
        query = query.filter(opportunity__is_public=True, opportunity__is_active=True)
    shifts = await query.select_related("opportunity")
    if not shifts:
        return []
    taken = {
        row["shift_id"]: row["n"]
        for row in await SignUp.filter(
            shift_id__in=[s.id for s in shifts], status=SignUpStatus.CONFIRMED
        )
        .annotate(n=Count("id"))
        .group_by("shift_id")
        .values("shift_id", "n")
    }
    series_ids = sorted({s.series_id for s in shifts if s.series_id is not None})
    series = {s.id: s for s in await ShiftSeries.filter(id__in=series_ids)} if series_ids else {}
    by_series: dict[int, list[Shift]] = defaultdict(list)
    out: list[FeedEvent] = []
    for shift in shifts:
        if shift.series_id in series and shift.occurrence_date is not None:
            by_series[shift.series_id].append(shift)
        else:
            event = _program_shift(shift, window, taken.get(shift.id, 0), public_only)
            if event is not None:
                out.append(event)
    for series_id, rows in by_series.items():
        out.extend(_series(series[series_id], rows, window, taken, public_only))
    return out


def _places(shift: Shift, taken: int, public_only: bool) -> str:
    free = max(0, shift.capacity - taken)
    if public_only:
        return both(
            lazy_gettext("%(free)s of %(capacity)s places open"), free=free, capacity=shift.capacity
        )
    return _("Signed up: %(taken)s of %(capacity)s", taken=taken, capacity=shift.capacity)


def _program_shift(
    shift: Shift,
    window: Window,
    taken: int,
    public_only: bool,
    *,
    uid: str = "",
    recurrence_id: datetime | None = None,
) -> FeedEvent | None:
    cancelled = shift.status == ShiftStatus.CANCELLED
    if public_only and not cancelled and taken >= shift.capacity:
        return None
    return FeedEvent(
        uid=uid or window.uid("shift", shift.id),
        summary=_shift_summary(shift),
        start=shift.starts_at,
        end=shift.ends_at,
        timezone=shift.timezone,
        last_modified=shift.cancelled_at or shift.created_at,
        status="CANCELLED" if cancelled else "CONFIRMED",
        description=_shift_description(
            shift, window, _places(shift, taken, public_only), public=public_only
        ),
        # The public feed names no street address (docs/feeds.md): the shift's page does,
        # for those who sign up.
        location="" if public_only else _location(shift),
        url=f"{window.base_url}/shifts/{shift.id}",
        recurrence_id=recurrence_id,
        categories=(_say(public_only, _VOLUNTEER_SHIFT),),
    )


def _utc_until(rule: str, zone_name: str) -> str:
    """The rule with UNTIL in UTC (RFC 5545 wants UTC when DTSTART carries a zone)."""
    parts = shift_rules.rule_parts(rule)
    until = parts.get("UNTIL")
    if until and not until.endswith("Z"):
        local = datetime.strptime(until, "%Y%m%dT%H%M%S" if "T" in until else "%Y%m%d")
        if "T" not in until:
            local = local.replace(hour=23, minute=59, second=59)
        instant = local.replace(tzinfo=zone_of(zone_name)).astimezone(UTC)
        parts["UNTIL"] = instant.strftime("%Y%m%dT%H%M%SZ")
    return shift_rules.join_parts(parts)


def _series(
    series: ShiftSeries,
    rows: list[Shift],
    window: Window,
    taken: dict[int, int],
    public_only: bool,
) -> list[FeedEvent]:
    """One master VEVENT with RRULE, EXDATE for dates without a shift in the window (or
    full, for the public feed) and RECURRENCE-ID overrides for moved or cancelled shifts."""
    start = from_minute(series.start_minute)
    end_minute = (series.start_minute + series.duration_minutes) % (24 * 60)
    end = from_minute(end_minute)
    skipped = {date.fromisoformat(d) for d in series.exdates}
    expected = {
        o.day: o
        for o in shift_rules.expand(
            series.rrule,
            first_day=series.first_date,
            start=start,
            end=end,
            zone=series.timezone,
            exdates=set(),
        )
    }
    if not expected:
        return [
            e for s in rows if (e := _program_shift(s, window, taken.get(s.id, 0), public_only))
        ]
    uid = window.uid("shiftseries", series.id)
    by_day = {s.occurrence_date: s for s in rows}
    first = rows[0]
    out: list[FeedEvent] = []
    exdates: list[datetime] = []
    overrides: list[FeedEvent] = []
    for day, occurrence in expected.items():
        shift = by_day.get(day)
        if occurrence.ends_at <= window.start or occurrence.starts_at >= window.end:
            continue  # outside the window: the rule speaks for it
        if shift is None:
            exdates.append(occurrence.starts_at)
            continue
        count = taken.get(shift.id, 0)
        if public_only and shift.status == ShiftStatus.SCHEDULED and count >= shift.capacity:
            exdates.append(occurrence.starts_at)
        else:
            # Each shift carries its own page and its own count (sign-ups, or places open).
            event = _program_shift(
                shift, window, count, public_only, uid=uid, recurrence_id=occurrence.starts_at
            )
            if event is not None:
                overrides.append(event)
    for shift in rows:
        if shift.occurrence_date not in expected:
            event = _program_shift(shift, window, taken.get(shift.id, 0), public_only)
            if event is not None:
                out.append(event)
    for day in skipped:
        if day in expected and day not in by_day:
            exdates.append(expected[day].starts_at)
    first_occurrence = min(expected.values(), key=lambda o: o.starts_at)
    out.append(
        FeedEvent(
            uid=uid,
            summary=_shift_summary(first),
            start=first_occurrence.starts_at,
            end=first_occurrence.ends_at,
            timezone=series.timezone,
            last_modified=series.created_at,
            # Each occurrence in the window is its own override; the rule speaks for the
            # rest, so it points at the list of shifts rather than one of them.
            description=join_text(
                first.opportunity.description,
                _say(public_only, _DETAILS, url=f"{window.base_url}/shifts"),
            ),
            location="" if public_only else _location(first),
            url=f"{window.base_url}/shifts",
            rrule=_utc_until(series.rrule, series.timezone),
            exdates=tuple(sorted(set(exdates))),
            categories=(_say(public_only, _VOLUNTEER_SHIFT),),
        )
    )
    out.extend(overrides)
    return out
