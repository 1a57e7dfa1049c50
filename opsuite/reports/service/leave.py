"""The leave report: per team (or person) and kind of leave, the days taken and waiting in
the range and what the allowance is and leaves in the year of its last day. The numbers come
from the schedules area's balances (the same the leave pages show)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from opsuite.auth.models import User
from opsuite.auth.permissions import has_cap
from opsuite.caps import Cap
from opsuite.people.models import TeamMember
from opsuite.reports.service.filters import ReportFilter
from opsuite.reports.service.model import Cell, Report, ReportColumn
from opsuite.reports.service.staff import report_teams
from opsuite.schedules.models import TimeOffKind
from opsuite.schedules.service import LeaveSummary, leave_summaries
from opsuite.web.i18n import gettext as _

LEAVE_GROUPS = ("team", "person")


class _Sum:
    def __init__(self) -> None:
        self.people: set[int] = set()
        self.counted = False  # someone in the row has an allowance of this kind
        self.available = Decimal(0)
        self.left = Decimal(0)
        self.taken = Decimal(0)
        self.pending = Decimal(0)

    def add(self, uid: int, summary: LeaveSummary) -> None:
        if uid in self.people:
            return  # the same person through two teams counts once in a row
        self.people.add(uid)
        self.taken += summary.taken
        self.pending += summary.pending
        if summary.balance.has_allowance:
            self.counted = True
            self.available += summary.balance.available
            self.left += summary.balance.left


async def leave_report(viewer: User, report_filter: ReportFilter) -> Report:
    """Raises PermissionDenied or InvalidInput."""
    teams = await report_teams(viewer, report_filter)
    members = [
        m
        for m in await TeamMember.filter(team_id__in=[t.id for t in teams]).select_related(
            "user", "team"
        )
        if has_cap(m.user, Cap.STAFF) and m.user.is_active  # volunteers take no leave here
    ]
    if report_filter.person_id is not None:
        members = [m for m in members if m.user_id == report_filter.person_id]
    users = list({m.user_id: m.user for m in members}.values())
    summaries = (
        await leave_summaries(users, report_filter.start, report_filter.end) if users else {}
    )
    sums: dict[tuple[str, str], _Sum] = defaultdict(_Sum)
    for member in members:
        label = (
            member.team.name
            if report_filter.group == "team"
            else f"{member.user.name} (#{member.user_id})"
        )
        for kind, summary in summaries[member.user_id].items():
            sums[(label, kind)].add(member.user_id, summary)
    order = {k.value: n for n, k in enumerate(TimeOffKind)}
    rows: list[dict[str, Cell]] = []
    for (label, kind), total in sorted(sums.items(), key=lambda i: (i[0][0], order[i[0][1]])):
        if not total.counted and not total.taken and not total.pending:
            continue  # a kind nobody has an allowance of and nobody took
        name = TimeOffKind.label_of(kind)
        rows.append(
            {
                "group": label,
                "kind": name,
                "bar": f"{label}: {name}",
                "people": len(total.people),
                "available": float(total.available) if total.counted else "",
                "taken": float(total.taken),
                "pending": float(total.pending),
                "left": float(total.left) if total.counted else "",
            }
        )
    return Report(
        name="leave",
        title=_("Leave taken and left"),
        filter=report_filter,
        columns=(
            ReportColumn("group", _("Team") if report_filter.group == "team" else _("Person")),
            ReportColumn("kind", _("Kind of leave")),
            ReportColumn("people", _("People"), numeric=True),
            ReportColumn("available", _("Allowance (days)"), numeric=True),
            ReportColumn("taken", _("Taken (days)"), numeric=True),
            ReportColumn("pending", _("Waiting (days)"), numeric=True),
            ReportColumn("left", _("Left (days)"), numeric=True),
        ),
        rows=rows,
        chart_label="bar",
        chart_values=("taken",),
        notes=(
            _(
                "Taken and waiting count the leave days in the range: working days of each "
                "person's arrangement, without office holidays. Allowance (with what was "
                "carried over) and left are for the year of the range's last day (%(year)s), "
                "as of that day.",
                year=report_filter.end.year,
            ),
            _(
                "Left is the allowance less leave taken and waiting in the whole year. Kinds "
                "without an allowance show only what was taken."
            ),
        ),
    )
