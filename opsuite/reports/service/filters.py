"""A report's filters (date range, program, team, board, person, grouping) read from a query
string, the same for the page, the CSV, the JSON download and the API."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opsuite import clock
from opsuite.errors import InvalidInput
from opsuite.web.i18n import gettext as _

MAX_ID = 2**31 - 1
MAX_RANGE_DAYS = 366  # expanding schedules allows 400 days


@dataclass(frozen=True)
class ReportFilter:
    start: date  # first day, inclusive (viewer's local dates)
    end: date  # last day, inclusive
    timezone: str
    group: str
    program_id: int | None = None
    opportunity_id: int | None = None
    team_id: int | None = None
    board_id: int | None = None
    person_id: int | None = None

    def instants(self) -> tuple[datetime, datetime]:
        """The range as UTC instants [start 00:00, day after end 00:00) in the viewer's zone."""
        zone = ZoneInfo(self.timezone)
        first = datetime.combine(self.start, time(0), tzinfo=zone).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=zone)
        return first, after.astimezone(UTC)

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for CSV/JSON links that show the same rows)."""
        values = {"start": self.start.isoformat(), "end": self.end.isoformat(), "group": self.group}
        for key, value in (
            ("program", self.program_id),
            ("opportunity", self.opportunity_id),
            ("team", self.team_id),
            ("board", self.board_id),
            ("person", self.person_id),
        ):
            if value is not None:
                values[key] = str(value)
        return values


def this_month(timezone: str) -> tuple[date, date]:
    today = clock.now().astimezone(ZoneInfo(timezone)).date()
    last = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1), today.replace(day=last)


def this_year(timezone: str) -> tuple[date, date]:
    today = clock.now().astimezone(ZoneInfo(timezone)).date()
    return date(today.year, 1, 1), date(today.year, 12, 31)


def _date(params: Mapping[str, str], name: str, default: date) -> date:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_("Enter a date like 2026-03-31."), field=name) from None


def _id(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not 0 < int(raw) <= MAX_ID:
        raise InvalidInput(_("Choose from the list."), field=name)
    return int(raw)


def parse_filter(
    params: Mapping[str, str], *, timezone: str, groups: tuple[str, ...], by_year: bool = False
) -> ReportFilter:
    """The filter in ``params``; the current month (``by_year``: year) and the first grouping
    by default.

    Raises InvalidInput naming the field at fault."""
    first, last = this_year(timezone) if by_year else this_month(timezone)
    start = _date(params, "start", first)
    end = _date(params, "end", last)
    if end < start:
        raise InvalidInput(_("The end date must not be before the start date."), field="end")
    if (end - start).days > MAX_RANGE_DAYS:
        raise InvalidInput(
            _("Ask for at most %(n)s days at a time.", n=MAX_RANGE_DAYS), field="end"
        )
    group = params.get("group", "").strip() or groups[0]
    if group not in groups:
        raise InvalidInput(_("Choose from the list."), field="group")
    return ReportFilter(
        start=start,
        end=end,
        timezone=timezone,
        group=group,
        program_id=_id(params, "program"),
        opportunity_id=_id(params, "opportunity"),
        team_id=_id(params, "team"),
        board_id=_id(params, "board"),
        person_id=_id(params, "person"),
    )
