"""The one calendar component: the window a view shows (agenda, day, week, month) in the
viewer's zone, entries of any area (a meeting, a shift, a work block, leave, a task due) and
the days they fall on. Areas turn their own things into ``Entry`` values; the templates in
``templates/macros/calendar.html`` draw them the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.requests import Request

from opsuite import clock
from opsuite.errors import InvalidInput
from opsuite.web.forms import parse_date
from opsuite.web.i18n import gettext as _

VIEWS = ("agenda", "day", "week", "month")


@dataclass(frozen=True)
class Entry:
    """One thing on a calendar. ``href`` is None where the viewer may not open it (a private
    meeting shown as busy); ``label`` names the kind in words, so colour is never the only sign."""

    start: datetime
    end: datetime
    title: str
    href: str | None = None
    kind: str = "meeting"
    label: str = ""
    detail: str = ""
    changed: bool = False
    private: bool = False
    all_day: bool = False  # a day's task due, a holiday: listed above the week's time axis
    band: bool = False  # working time: drawn behind the day's events, never beside them


@dataclass(frozen=True)
class Window:
    view: str
    first: date
    days: int
    start: datetime
    end: datetime
    prev: date
    next: date


def window(view: str, anchor: date, zone: ZoneInfo) -> Window:
    """The local days a view shows, as instants in ``zone``."""
    if view not in VIEWS:
        raise InvalidInput(_("Choose day, week, month or agenda."), field="view")
    if view == "day":
        first, days, prev, nxt = anchor, 1, anchor - timedelta(days=1), anchor + timedelta(days=1)
    elif view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        days, prev, nxt = 7, first - timedelta(days=7), first + timedelta(days=7)
    elif view == "month":
        month_start = anchor.replace(day=1)
        first = month_start - timedelta(days=month_start.weekday())
        following = (month_start + timedelta(days=32)).replace(day=1)
        days = ((following - first).days + 6) // 7 * 7
        prev, nxt = (month_start - timedelta(days=1)).replace(day=1), following
    else:
        first, days = anchor, 28
        prev, nxt = anchor - timedelta(days=28), anchor + timedelta(days=28)
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(first + timedelta(days=days), datetime.min.time(), tzinfo=zone)
    return Window(view, first, days, start, end, prev, nxt)


@dataclass(frozen=True)
class Asked:
    """What a calendar page was asked for: the view, the day it is anchored on, today."""

    view: str
    anchor: date
    today: date
    window: Window


def asked(request: Request, zone: ZoneInfo, *, default: str = "agenda") -> Asked:
    """The view and date a calendar page's query asks for (``?view=month&date=2026-12-01``)."""
    view = request.query_params.get("view", default)
    raw_day = request.query_params.get("date", "")
    today = clock.now().astimezone(zone).date()
    anchor = parse_date(raw_day) if raw_day else today
    if anchor is None:
        raise InvalidInput(_("Enter a date like 2026-03-09."), field="date")
    return Asked(view, anchor, today, window(view, anchor, zone))


@dataclass(frozen=True)
class DayColumn:
    day: date
    items: list[Entry]
    in_month: bool


def by_day(found: list[Entry], w: Window, zone: ZoneInfo, month: int) -> list[DayColumn]:
    """The window's days, each with the entries that touch it, in start order."""
    found = sorted(found, key=lambda e: (e.start, e.end, e.title))
    columns = []
    for offset in range(w.days):
        day = w.first + timedelta(days=offset)
        items = [
            e
            for e in found
            if e.start.astimezone(zone).date()
            <= day
            <= (e.end - timedelta(seconds=1)).astimezone(zone).date()
        ]
        columns.append(DayColumn(day, items, day.month == month))
    return columns
