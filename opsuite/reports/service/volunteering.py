"""Volunteer reports: hours given (approved and pending) and how full shifts were.

Both read the shifts area's models in a fixed number of queries and aggregate in Python, so
the same rows feed the page, the chart, the CSV and the JSON.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from opsuite.auth.models import User
from opsuite.reports.service.filters import ReportFilter
from opsuite.reports.service.model import Cell, Report, ReportColumn, hours, percent
from opsuite.reports.service.scope import program_in_scope, scope_for
from opsuite.shifts.models import (
    Attendance,
    HoursRecord,
    HoursStatus,
    Shift,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from opsuite.web.i18n import gettext as _

HOURS_GROUPS = ("program", "opportunity", "volunteer", "month", "program_month")
FILL_GROUPS = ("opportunity", "program", "shift", "month")


async def _program_ids(viewer: User, report_filter: ReportFilter) -> list[int]:
    """The programs to count: the one asked for (if the viewer runs it) or all in scope."""
    if report_filter.program_id is not None:
        return [(await program_in_scope(viewer, report_filter.program_id)).id]
    return (await scope_for(viewer)).program_ids


def _group_label(group: str) -> str:
    return {
        "program": _("Program"),
        "opportunity": _("Opportunity"),
        "volunteer": _("Volunteer"),
        "month": _("Month"),
        "shift": _("Shift"),
        "program_month": _("Program"),
    }[group]


async def volunteer_hours(viewer: User, report_filter: ReportFilter) -> Report:
    """Hours per program, opportunity, volunteer or month, approved and still pending.

    Rejected hours are left out. Raises PermissionDenied or InvalidInput."""
    program_ids = await _program_ids(viewer, report_filter)
    if report_filter.group == "program_month":
        return await _hours_cross_tab(program_ids, report_filter)
    query = HoursRecord.filter(
        program_id__in=program_ids,
        work_date__gte=report_filter.start,
        work_date__lte=report_filter.end,
        status__in=(HoursStatus.APPROVED, HoursStatus.PENDING),
    )
    if report_filter.person_id is not None:
        query = query.filter(volunteer_id=report_filter.person_id)
    if report_filter.opportunity_id is not None:
        query = query.filter(signup__shift__opportunity_id=report_filter.opportunity_id)
    records = await query.values(
        "program__name",
        "volunteer_id",
        "volunteer__name",
        "work_date",
        "status",
        "minutes",
        "signup__shift__opportunity__title",
    )
    offsite = _("Off-site work")
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for record in records:
        key = {
            "program": record["program__name"],
            "opportunity": record["signup__shift__opportunity__title"] or offsite,
            "volunteer": f"{record['volunteer__name']} (#{record['volunteer_id']})",
            "month": record["work_date"].strftime("%Y-%m"),
        }[report_filter.group]
        entry = sums[key]
        entry[0 if record["status"] == HoursStatus.APPROVED else 1] += record["minutes"]
        entry[2] += 1
    rows: list[dict[str, Cell]] = [
        {"group": key, "approved_hours": hours(a), "pending_hours": hours(p), "records": n}
        for key, (a, p, n) in sorted(sums.items())
    ]
    approved = sum(v[0] for v in sums.values())
    pending = sum(v[1] for v in sums.values())
    return Report(
        name="hours",
        title=_("Volunteer hours"),
        filter=report_filter,
        columns=(
            ReportColumn("group", _group_label(report_filter.group)),
            ReportColumn("approved_hours", _("Approved hours"), numeric=True),
            ReportColumn("pending_hours", _("Pending hours"), numeric=True),
            ReportColumn("records", _("Entries"), numeric=True),
        ),
        rows=rows,
        chart_label="group",
        chart_values=("approved_hours", "pending_hours"),
        totals={
            "approved_hours": hours(approved),
            "pending_hours": hours(pending),
            "records": len(records),
        },
        notes=(_("Rejected hours are not counted. Dates are the day the work was done."),),
    )


def _months(report_filter: ReportFilter) -> list[str]:
    months, day = [], report_filter.start.replace(day=1)
    while day <= report_filter.end:
        months.append(f"{day:%Y-%m}")
        day = (day + timedelta(days=32)).replace(day=1)
    return months


async def _hours_cross_tab(program_ids: list[int], report_filter: ReportFilter) -> Report:
    """Approved hours, a row per program and a column per month of the range, with a total
    column and a totals row (the person and opportunity filters apply as above)."""
    query = HoursRecord.filter(
        program_id__in=program_ids,
        work_date__gte=report_filter.start,
        work_date__lte=report_filter.end,
        status=HoursStatus.APPROVED,
    )
    if report_filter.person_id is not None:
        query = query.filter(volunteer_id=report_filter.person_id)
    if report_filter.opportunity_id is not None:
        query = query.filter(signup__shift__opportunity_id=report_filter.opportunity_id)
    months = _months(report_filter)
    minutes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for record in await query.values("program__name", "work_date", "minutes"):
        minutes[record["program__name"]][f"{record['work_date']:%Y-%m}"] += record["minutes"]
    rows: list[dict[str, Cell]] = []
    for name in sorted(minutes):
        row: dict[str, Cell] = {"group": name}
        row.update({month: hours(minutes[name][month]) for month in months})
        row["total"] = hours(sum(minutes[name].values()))
        rows.append(row)
    totals: dict[str, Cell] = {
        month: hours(sum(m[month] for m in minutes.values())) for month in months
    }
    totals["total"] = hours(sum(sum(m.values()) for m in minutes.values()))
    return Report(
        name="hours",
        title=_("Volunteer hours"),
        filter=report_filter,
        columns=(
            ReportColumn("group", _("Program")),
            *(ReportColumn(month, month, numeric=True) for month in months),
            ReportColumn("total", _("Total"), numeric=True),
        ),
        rows=rows,
        chart_label="group",
        chart_values=("total",),
        totals=totals,
        notes=(
            _(
                "Approved hours only, by the month the work was done. The last column and the "
                "last row are totals."
            ),
        ),
        totals_label=_("Total"),
    )


def _shift_key(group: str, shift: dict[str, Any]) -> str:
    local: datetime = shift["starts_at"].astimezone(ZoneInfo(shift["timezone"]))
    if group == "shift":
        return f"{local:%Y-%m-%d %H:%M} {shift['opportunity__title']} (#{shift['id']})"
    return str(
        {
            "opportunity": shift["opportunity__title"],
            "program": shift["opportunity__program__name"],
            "month": f"{local:%Y-%m}",
        }[group]
    )


async def shift_fill(viewer: User, report_filter: ReportFilter) -> Report:
    """Places offered and filled, attendance and no-shows of shifts starting in the range.

    Cancelled shifts are left out. The no-show rate is of the people whose attendance was
    marked. Raises PermissionDenied or InvalidInput."""
    program_ids = await _program_ids(viewer, report_filter)
    first, after = report_filter.instants()
    query = Shift.filter(
        opportunity__program_id__in=program_ids,
        starts_at__gte=first,
        starts_at__lt=after,
        status=ShiftStatus.SCHEDULED,
    )
    if report_filter.opportunity_id is not None:
        query = query.filter(opportunity_id=report_filter.opportunity_id)
    shifts = await query.order_by("starts_at", "id").values(
        "id",
        "starts_at",
        "timezone",
        "capacity",
        "opportunity__title",
        "opportunity__program__name",
    )
    signups = await SignUp.filter(
        shift_id__in=[s["id"] for s in shifts], status=SignUpStatus.CONFIRMED
    ).values("shift_id", "attendance")
    per_shift: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for signup in signups:
        counts = per_shift[signup["shift_id"]]
        counts[0] += 1
        counts[1] += signup["attendance"] == Attendance.ATTENDED
        counts[2] += signup["attendance"] == Attendance.NO_SHOW
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for shift in shifts:
        filled, attended, no_shows = per_shift[shift["id"]]
        entry = groups[_shift_key(report_filter.group, shift)]
        for index, value in enumerate((1, shift["capacity"], filled, attended, no_shows)):
            entry[index] += value
    keys = list(groups) if report_filter.group == "shift" else sorted(groups)
    rows: list[dict[str, Cell]] = []
    for key in keys:
        count, places, filled, attended, no_shows = groups[key]
        rows.append(
            {
                "group": key,
                "shifts": count,
                "places": places,
                "filled": filled,
                "fill_rate": percent(filled, places),
                "attended": attended,
                "no_shows": no_shows,
                "no_show_rate": percent(no_shows, attended + no_shows),
            }
        )
    total = [sum(g[i] for g in groups.values()) for i in range(5)]
    return Report(
        name="fill",
        title=_("Shift fill and no-shows"),
        filter=report_filter,
        columns=(
            ReportColumn("group", _group_label(report_filter.group)),
            ReportColumn("shifts", _("Shifts"), numeric=True),
            ReportColumn("places", _("Places"), numeric=True),
            ReportColumn("filled", _("Filled"), numeric=True),
            ReportColumn("fill_rate", _("Fill rate (%)"), numeric=True),
            ReportColumn("attended", _("Attended"), numeric=True),
            ReportColumn("no_shows", _("No-shows"), numeric=True),
            ReportColumn("no_show_rate", _("No-show rate (%)"), numeric=True),
        ),
        rows=rows,
        chart_label="group",
        chart_values=("fill_rate",),
        totals={
            "shifts": total[0],
            "places": total[1],
            "filled": total[2],
            "fill_rate": percent(total[2], total[1]),
            "attended": total[3],
            "no_shows": total[4],
            "no_show_rate": percent(total[4], total[3] + total[4]),
        },
        notes=(
            _(
                "Cancelled shifts are not counted. The no-show rate is of the people whose "
                "attendance was marked."
            ),
        ),
    )
