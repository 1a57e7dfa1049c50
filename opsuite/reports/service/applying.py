"""The applications report: per program or month, applications received in the range, how
many were approved, declined or still wait, and the median time from sending to approval."""

from __future__ import annotations

from collections import defaultdict
from statistics import median
from zoneinfo import ZoneInfo

from opsuite.applications.models import Application, ApplicationStatus
from opsuite.auth.models import User
from opsuite.reports.service.filters import ReportFilter
from opsuite.reports.service.model import Cell, Report, ReportColumn
from opsuite.reports.service.scope import program_in_scope, scope_for
from opsuite.web.i18n import gettext as _

APPLICATION_GROUPS = ("program", "month")
WAITING = (ApplicationStatus.RECEIVED, ApplicationStatus.MORE_INFO)


def _median_days(values: list[float]) -> float | str:
    return round(median(values), 1) if values else ""


async def applications_received(viewer: User, report_filter: ReportFilter) -> Report:
    """Applications sent in the range (first sending), by their status now. Raises
    PermissionDenied or InvalidInput."""
    if report_filter.program_id is not None:
        program_ids = [(await program_in_scope(viewer, report_filter.program_id)).id]
    else:
        program_ids = (await scope_for(viewer)).program_ids
    first, after = report_filter.instants()
    rows_in = await Application.filter(
        program_id__in=program_ids, submitted_at__gte=first, submitted_at__lt=after
    ).values("program__name", "status", "submitted_at", "decided_at")
    zone = ZoneInfo(report_filter.timezone)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    waits: dict[str, list[float]] = defaultdict(list)
    for row in rows_in:
        key = (
            row["program__name"]
            if report_filter.group == "program"
            else f"{row['submitted_at'].astimezone(zone):%Y-%m}"
        )
        entry = counts[key]
        entry[0] += 1
        if row["status"] == ApplicationStatus.APPROVED:
            entry[1] += 1
            waits[key].append((row["decided_at"] - row["submitted_at"]).total_seconds() / 86400)
        entry[2] += row["status"] == ApplicationStatus.DECLINED
        entry[3] += row["status"] in WAITING
    rows: list[dict[str, Cell]] = [
        {
            "group": key,
            "received": received,
            "approved": approved,
            "declined": declined,
            "waiting": waiting,
            "median_days": _median_days(waits[key]),
        }
        for key, (received, approved, declined, waiting) in sorted(counts.items())
    ]
    every_wait = [w for values in waits.values() for w in values]
    group_label = _("Program") if report_filter.group == "program" else _("Month")
    return Report(
        name="applications",
        title=_("Applications"),
        filter=report_filter,
        columns=(
            ReportColumn("group", group_label),
            ReportColumn("received", _("Received"), numeric=True),
            ReportColumn("approved", _("Approved"), numeric=True),
            ReportColumn("declined", _("Declined"), numeric=True),
            ReportColumn("waiting", _("Waiting"), numeric=True),
            ReportColumn("median_days", _("Median days to approve"), numeric=True),
        ),
        rows=rows,
        chart_label="group",
        chart_values=("approved", "declined", "waiting"),
        totals={
            "received": sum(c[0] for c in counts.values()),
            "approved": sum(c[1] for c in counts.values()),
            "declined": sum(c[2] for c in counts.values()),
            "waiting": sum(c[3] for c in counts.values()),
            "median_days": _median_days(every_wait),
        },
        notes=(
            _(
                "Counted by the day an application was first sent, with its status today. "
                "Days to approve run from that day to the approval."
            ),
        ),
    )
