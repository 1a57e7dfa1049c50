"""Work schedules in feeds: work blocks (weekly ones as RRULE) and time off, from the
schedules expansion."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.functions import Max

from opsuite.auth.models import User
from opsuite.feeds.ics import FeedEvent, zone_of
from opsuite.feeds.sources.common import Window
from opsuite.people.models import TeamMember
from opsuite.schedules.expansion import (
    CORE,
    HOLIDAY,
    TIME_OFF,
    WORK,
    Interval,
    PersonInputs,
    clip,
    expand_person,
)
from opsuite.schedules.models import Arrangement, ScheduleException, TimeOff
from opsuite.schedules.service import load_inputs
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext

_SCHEDULE_TITLES = {
    WORK: lazy_gettext("Work"),
    CORE: lazy_gettext("Core hours"),
    TIME_OFF: lazy_gettext("Time off"),
    HOLIDAY: lazy_gettext("Holiday"),
}
_LOCATIONS = {
    "office": lazy_gettext("office"),
    "home": lazy_gettext("home"),
    "field": lazy_gettext("field"),
}


async def schedule_of_people(
    people: list[User], window: Window, *, kinds: frozenset[str], prefix_names: bool
) -> list[FeedEvent]:
    """Work blocks and time off from the schedules expansion (eight queries): each weekly
    block of an arrangement as one event with RRULE (``_weekly``), the rest one by one."""
    if not people:
        return []
    # Weekly rules run over whole months (from the window's first month to its last), so
    # they change once a month as the window moves, not every day.
    months = (window.start.date().replace(day=1), _next_month(window.end.date()))
    first = months[0] - timedelta(days=1)
    last = months[1] + timedelta(days=2)
    inputs = await load_inputs([p.id for p in people], first, last)
    changed = await _schedule_changed([p.id for p in people])
    out: list[FeedEvent] = []
    for person in people:
        modified = changed.get(person.id, _NEVER)

        def title_of(interval: Interval, person: User = person) -> str:
            title = str(_SCHEDULE_TITLES[interval.kind])
            if interval.detail and interval.kind == HOLIDAY:
                title = f"{title}: {interval.detail}"
            if interval.location and interval.kind == WORK:
                title = f"{title} ({_LOCATIONS.get(interval.location, interval.location)})"
            return f"{person.name}: {title}" if prefix_names else title

        actual = [i for i in expand_person(inputs[person.id], first, last) if i.kind in kinds]
        covered: set[Interval] = set()
        weekly = (
            _weekly(person, inputs[person.id], set(actual), window, months)
            if kinds & {WORK, CORE}
            else []
        )
        for rule in weekly:
            covered.update(rule.covers)
            out.append(
                FeedEvent(
                    uid=rule.uid,
                    summary=title_of(rule.first),
                    start=rule.first.start,
                    end=rule.first.end,
                    timezone=rule.timezone,
                    last_modified=modified,
                    rrule=f"FREQ=WEEKLY;BYDAY={','.join(_BYDAY[d] for d in rule.weekdays)};"
                    f"UNTIL={rule.until:%Y%m%dT%H%M%SZ}",
                    exdates=rule.exdates,
                    transparent=True,
                    categories=(_("Work schedule"),),
                )
            )
        zone = zone_of(person.timezone)
        seen: dict[tuple[date, str], int] = defaultdict(int)
        singles = clip((i for i in actual if i not in covered), window.start, window.end)
        # (an interval outside the window that no rule covers is not published)
        for interval in singles:
            local_day = interval.start.astimezone(zone).date()
            n = seen[(local_day, interval.kind)]
            seen[(local_day, interval.kind)] += 1
            start: datetime | date = interval.start
            end: datetime | date = interval.end
            if interval.kind == HOLIDAY:
                start, end = local_day, local_day + timedelta(days=1)
            out.append(
                FeedEvent(
                    uid=window.uid("schedule", person.id, interval.kind, f"{local_day:%Y%m%d}", n),
                    summary=title_of(interval),
                    start=start,
                    end=end,
                    timezone=person.timezone,
                    # An office holiday is computed, not edited: a fixed stamp, so that the
                    # person's own schedule changes leave it alone.
                    last_modified=_NEVER if interval.kind == HOLIDAY else modified,
                    transparent=interval.kind != TIME_OFF,
                    categories=(_("Work schedule"),),
                )
            )
    return out


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _Rule:
    uid: str
    timezone: str
    first: Interval  # DTSTART/DTEND
    weekdays: tuple[int, ...]
    until: datetime  # the last occurrence's start (UTC)
    exdates: tuple[datetime, ...]
    covers: frozenset[Interval]


def _weekly(
    person: User,
    inputs: PersonInputs,
    have: set[Interval],
    window: Window,
    months: tuple[date, date],
) -> list[_Rule]:
    """The weekly rules of the person's arrangements over ``months`` (local days, the end
    exclusive: whole months around the window).

    Each arrangement alone (no leave, holidays or exceptions) gives its blocks' regular
    occurrences; those with the same kind, place and local hours are one rule (``BYDAY``
    their weekdays) from the first in those months to the last (``UNTIL``: the arrangement's
    end or the months'). Each occurrence the rule yields, worked out as a calendar app does
    (the local start on each day, the first one's exact length), either equals an interval
    of the real expansion (``have``: the rule covers it) or is an ``EXDATE`` (a holiday,
    leave, a moved or changed day, a daylight-saving night); what no rule covers is
    published on its own. A rule whose start falls in a skipped or repeated local hour is
    not used (readers disagree about those)."""
    rules: list[_Rule] = []
    patterns = inputs.patterns
    for index, pattern in enumerate(patterns):
        until_day = patterns[index + 1].valid_from if index + 1 < len(patterns) else months[1]
        lo, hi = max(months[0], pattern.valid_from), min(months[1], until_day)
        if lo >= hi:
            continue
        zone = zone_of(pattern.timezone)
        groups: dict[tuple[Any, ...], list[Interval]] = defaultdict(list)
        for interval in expand_person(PersonInputs(patterns=(pattern,)), lo, hi):
            if interval.kind not in (WORK, CORE):
                continue
            local_start = interval.start.astimezone(zone)
            key = (
                interval.kind,
                interval.location,
                interval.office_id,
                local_start.time(),
                interval.end.astimezone(zone).time(),
            )
            groups[key].append(interval)
        for (kind, location, office_id, at, end), members in groups.items():
            rule = _rule(members, have, zone, at)
            if rule is None:
                continue
            exdates, covers, weekdays = rule
            uid = window.uid(
                "schedule",
                person.id,
                kind,
                f"{pattern.valid_from:%Y%m%d}",
                f"{at:%H%M}{end:%H%M}",
                location or "-",
                office_id or 0,
            )
            rules.append(
                _Rule(
                    uid=uid,
                    timezone=str(zone.key),
                    first=members[0],
                    weekdays=weekdays,
                    until=members[-1].start,
                    exdates=exdates,
                    covers=covers,
                )
            )
    return rules


def _rule(
    members: list[Interval], have: set[Interval], zone: ZoneInfo, at: time
) -> tuple[tuple[datetime, ...], frozenset[Interval], tuple[int, ...]] | None:
    """(EXDATEs, covered intervals, weekdays) of a weekly rule through ``members``, or None
    when it is not worth one or readers could disagree about it."""
    if len(members) < 2:
        return None
    head = members[0]
    length = head.end - head.start
    weekdays = tuple(sorted({m.start.astimezone(zone).weekday() for m in members}))
    day = head.start.astimezone(zone).date()
    last_day = members[-1].start.astimezone(zone).date()
    yielded: list[Interval] = []
    while day <= last_day:
        if day.weekday() in weekdays:
            local = datetime.combine(day, at)
            instant = local.replace(tzinfo=zone).astimezone(UTC)
            if (
                instant.astimezone(zone).replace(tzinfo=None) != local
                or local.replace(tzinfo=zone, fold=1).utcoffset()
                != local.replace(tzinfo=zone).utcoffset()
            ):
                return None  # a skipped or repeated local hour
            yielded.append(replace(head, start=instant, end=instant + length))
        day += timedelta(days=1)
    covers = frozenset(y for y in yielded if y in have)
    if len(covers) < 2:
        return None
    return tuple(y.start for y in yielded if y not in have), covers, weekdays


# The stamp of what no row dates: office holidays, and a person without schedule data.
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)


async def _schedule_changed(user_ids: list[int]) -> dict[int, datetime]:
    """When each person's schedule data last changed (their newest arrangement, decided
    time off or day exception), in three queries: a work block's LAST-MODIFIED and DTSTAMP,
    so that a rebuild of unchanged data gives the same bytes. The feed cache raises it for a
    block whose content changes (``opsuite.feeds.service``)."""
    latest: dict[int, datetime] = {}
    for model, columns in (
        (Arrangement, ("created_at",)),
        (TimeOff, ("created_at", "decided_at")),
        (ScheduleException, ("created_at",)),
    ):
        rows = (
            await model.filter(user_id__in=user_ids)
            .annotate(**{f"m_{c}": Max(c) for c in columns})
            .group_by("user_id")
            .values("user_id", *(f"m_{c}" for c in columns))
        )
        for row in rows:
            for column in columns:
                value = row[f"m_{column}"]
                if isinstance(value, str):
                    value = datetime.fromisoformat(value)
                if isinstance(value, datetime):
                    value = value if value.tzinfo else value.replace(tzinfo=UTC)
                    latest[row["user_id"]] = max(latest.get(row["user_id"], value), value)
    return latest


async def team_members(team_id: int) -> list[User]:
    rows = await TeamMember.filter(team_id=team_id, user__is_active=True).select_related("user")
    return [r.user for r in rows]
