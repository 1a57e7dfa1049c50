"""A funder's report for one program over a period: approved volunteer hours and the volunteers
who gave them, shifts held and how full they were, meetings held and tasks done, in total and
month by month, with the narrative the manager wrote for that program and period.

The period is in the organisation's dates (``i18n.default_timezone``), not the viewer's, so
the manager, the funder and a shared link see the same figures. The app records no people
served, so the report has no such line (see docs/reports.md).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from opsuite import clock
from opsuite.errors import InvalidInput
from opsuite.meetings.occurrences import occurrences
from opsuite.people.models import Program
from opsuite.reports.models import ReportNarrative
from opsuite.reports.service.filters import ReportFilter, parse_filter
from opsuite.reports.service.model import Report, ReportColumn, hours, percent
from opsuite.shifts.models import HoursRecord, HoursStatus, Shift, ShiftStatus, SignUp, SignUpStatus
from opsuite.tasks.models import Task
from opsuite.web.i18n import gettext as _

PRESETS = ("last_month", "last_quarter", "last_year", "custom")
# The figures' names, the same in the JSON, the CSV header and docs/reports.md.
FIGURES = (
    "approved_hours",
    "volunteers_active",
    "shifts_held",
    "places",
    "places_filled",
    "fill_rate_percent",
    "meetings_held",
    "tasks_done",
)


@dataclass(frozen=True)
class Period:
    preset: str  # one of PRESETS
    start: date  # first day, inclusive, in the organisation's zone
    end: date  # last day, inclusive
    timezone: str

    def instants(self) -> tuple[datetime, datetime]:
        """[start 00:00, day after end 00:00) in the organisation's zone, as UTC."""
        return ReportFilter(self.start, self.end, self.timezone, "program").instants()

    def query(self) -> dict[str, str]:
        if self.preset != "custom":
            return {"period": self.preset}
        return {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}

    def months(self) -> list[str]:
        """Every month the period touches, as YYYY-MM, in order."""
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def _shift_months(day: date, back: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - back
    return index // 12, index % 12 + 1


def preset_period(preset: str, timezone: str) -> Period:
    """The last whole month, quarter or year before today (in ``timezone``)."""
    today = clock.now().astimezone(ZoneInfo(timezone)).date()
    if preset == "last_year":
        return Period(preset, date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), timezone)
    if preset == "last_quarter":
        first_month = (today.month - 1) // 3 * 3 + 1  # this quarter's first month
        year, month = _shift_months(today.replace(month=first_month, day=1), 3)
        last_year, last_month = _shift_months(date(year, month, 1), -2)
    else:
        year, month = last_year, last_month = _shift_months(today, 1)
    last_day = calendar.monthrange(last_year, last_month)[1]
    return Period(preset, date(year, month, 1), date(last_year, last_month, last_day), timezone)


def parse_period(params: Mapping[str, str], *, timezone: str) -> Period:
    """The period asked for (``period`` = a preset, or custom with ``start`` and ``end``);
    last month by default. Raises InvalidInput naming the field."""
    preset = params.get("period", "").strip()
    if not preset:
        preset = "custom" if params.get("start") or params.get("end") else "last_month"
    if preset not in PRESETS:
        raise InvalidInput(_("Choose from the list."), field="period")
    if preset != "custom":
        return preset_period(preset, timezone)
    chosen = parse_filter(params, timezone=timezone, groups=("program",))
    return Period("custom", chosen.start, chosen.end, timezone)


@dataclass(frozen=True)
class Figures:
    approved_hours: float = 0.0
    volunteers_active: int = 0
    shifts_held: int = 0
    places: int = 0
    places_filled: int = 0
    fill_rate_percent: float = 0.0
    meetings_held: int = 0
    tasks_done: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FunderReport:
    program: Program
    period: Period
    totals: Figures
    months: list[tuple[str, Figures]]
    narrative: ReportNarrative | None
    generated_at: datetime

    @property
    def narrative_text(self) -> str:
        return self.narrative.text if self.narrative else ""

    def header(self) -> list[str]:
        return ["month", *FIGURES]

    def table(self) -> list[list[Any]]:
        """The CSV rows: one a month, then "total" (its volunteers counted once each)."""
        rows = [[month, *asdict(figures).values()] for month, figures in self.months]
        return [*rows, ["total", *asdict(self.totals).values()]]

    def as_json(self) -> dict[str, Any]:
        narrative = self.narrative
        return {
            "program": {"id": self.program.id, "name": self.program.name},
            "period": {
                "preset": self.period.preset,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "timezone": self.period.timezone,
            },
            "totals": self.totals.as_json(),
            "months": [{"month": m, **f.as_json()} for m, f in self.months],
            "narrative": {
                "text": self.narrative_text,
                "updated_at": narrative.updated_at.isoformat() if narrative else None,
            },
            "generated_at": self.generated_at.isoformat(),
        }


class _Tally:
    """Sums per month key (and one for the whole period under "total")."""

    def __init__(self) -> None:
        self.minutes: dict[str, int] = defaultdict(int)
        self.volunteers: dict[str, set[int]] = defaultdict(set)
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, month: str, name: str, value: int = 1) -> None:
        self.counts[month][name] += value
        self.counts["total"][name] += value

    def figures(self, key: str) -> Figures:
        c = self.counts[key]
        return Figures(
            approved_hours=hours(self.minutes[key]),
            volunteers_active=len(self.volunteers[key]),
            shifts_held=c["shifts"],
            places=c["places"],
            places_filled=c["filled"],
            fill_rate_percent=percent(c["filled"], c["places"]),
            meetings_held=c["meetings"],
            tasks_done=c["tasks"],
        )


def _month(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%Y-%m")


async def _count_hours(tally: _Tally, program: Program, period: Period) -> None:
    records = await HoursRecord.filter(
        program_id=program.id,
        status=HoursStatus.APPROVED,
        work_date__gte=period.start,
        work_date__lte=period.end,
    ).values("volunteer_id", "work_date", "minutes")
    for record in records:
        for key in (record["work_date"].strftime("%Y-%m"), "total"):
            tally.minutes[key] += record["minutes"]
            tally.volunteers[key].add(record["volunteer_id"])


async def _count_shifts(
    tally: _Tally, program: Program, window: tuple[datetime, datetime], zone: ZoneInfo
) -> None:
    first, upper = window
    shifts = await Shift.filter(
        opportunity__program_id=program.id,
        status=ShiftStatus.SCHEDULED,
        starts_at__gte=first,
        starts_at__lt=upper,
    ).values("id", "starts_at", "capacity")
    filled: dict[int, int] = defaultdict(int)
    for signup in await SignUp.filter(
        shift_id__in=[s["id"] for s in shifts], status=SignUpStatus.CONFIRMED
    ).values("shift_id"):
        filled[signup["shift_id"]] += 1
    for shift in shifts:
        month = _month(shift["starts_at"], zone)
        tally.add(month, "shifts")
        tally.add(month, "places", shift["capacity"])
        tally.add(month, "filled", filled[shift["id"]])


async def build_funder_report(program: Program, period: Period) -> FunderReport:
    """The figures of ``program`` over ``period`` (no permission check: the caller has made
    one, or holds a share link). Shifts and meetings count when they started in the period
    and before now (held); hours by the day the work was done, approved only."""
    first, after = period.instants()
    upper = min(after, clock.now())
    tally = _Tally()
    await _count_hours(tally, program, period)
    zone = ZoneInfo(period.timezone)
    if upper > first:
        await _count_shifts(tally, program, (first, upper), zone)
        for occurrence in await occurrences(None, first, upper, extra=Q(program_id=program.id)):
            if first <= occurrence.start < upper:
                tally.add(_month(occurrence.start, zone), "meetings")
    done = await Task.filter(
        board__program_id=program.id, completed_at__gte=first, completed_at__lt=after
    ).values_list("completed_at", flat=True)
    for completed_at in done:
        tally.add(_month(completed_at, zone), "tasks")  # type: ignore[arg-type]
    narrative = await ReportNarrative.get_or_none(
        program_id=program.id, starts_on=period.start, ends_on=period.end
    )
    return FunderReport(
        program=program,
        period=period,
        totals=tally.figures("total"),
        months=[(month, tally.figures(month)) for month in period.months()],
        narrative=narrative,
        generated_at=clock.now(),
    )


def charts_of(report: FunderReport) -> tuple[Report, Report]:
    """The two charts the report draws (by reports.service.charts): approved hours a month,
    and places filled and left open a month."""
    rows = [
        {
            "month": month,
            "approved_hours": f.approved_hours,
            "places_filled": f.places_filled,
            "open": max(f.places - f.places_filled, 0),
        }
        for month, f in report.months
    ]
    kept = ReportFilter(report.period.start, report.period.end, report.period.timezone, "month")
    month = ReportColumn("month", _("Month"))
    hours_chart = Report(
        name="funder-hours",
        title=_("Approved volunteer hours"),
        filter=kept,
        columns=(month, ReportColumn("approved_hours", _("Approved hours"), numeric=True)),
        rows=rows,  # type: ignore[arg-type]
        chart_label="month",
        chart_values=("approved_hours",),
    )
    places_chart = Report(
        name="funder-places",
        title=_("Shift places"),
        filter=kept,
        columns=(
            month,
            ReportColumn("places_filled", _("Filled"), numeric=True),
            ReportColumn("open", _("Left open"), numeric=True),
        ),
        rows=rows,  # type: ignore[arg-type]
        chart_label="month",
        chart_values=("places_filled", "open"),
    )
    return hours_chart, places_chart
