"""The reports there are: name, title, groupings and the function that builds each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from opsuite.auth.models import User
from opsuite.errors import NotFound, PermissionDenied
from opsuite.reports.service.applying import APPLICATION_GROUPS, applications_received
from opsuite.reports.service.attendance import NO_SHOW_GROUPS, no_show_rates
from opsuite.reports.service.filters import ReportFilter, parse_filter
from opsuite.reports.service.leave import LEAVE_GROUPS, leave_report
from opsuite.reports.service.model import Report
from opsuite.reports.service.scope import Scope, scope_for
from opsuite.reports.service.staff import (
    COVERAGE_GROUPS,
    THROUGHPUT_GROUPS,
    staff_coverage,
    task_throughput,
)
from opsuite.reports.service.volunteering import (
    FILL_GROUPS,
    HOURS_GROUPS,
    shift_fill,
    volunteer_hours,
)
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext

Builder = Callable[[User, ReportFilter], Awaitable[Report]]


@dataclass(frozen=True)
class ReportKind:
    name: str
    title: Any  # lazy
    summary: Any  # lazy
    groups: tuple[str, ...]
    filters: tuple[str, ...]  # which of program, opportunity, team, board, person apply
    build: Builder
    by_year: bool = False  # the range is this year by default (else this month)

    @property
    def about_programs(self) -> bool:
        """Whether the report is about programs, so open to their read-only viewers."""
        return "program" in self.filters


KINDS: dict[str, ReportKind] = {
    k.name: k
    for k in (
        ReportKind(
            "hours",
            lazy_gettext("Volunteer hours"),
            lazy_gettext(
                "Hours given per program, opportunity, volunteer or month, or programs by month."
            ),
            HOURS_GROUPS,
            ("program", "opportunity", "person"),
            volunteer_hours,
        ),
        ReportKind(
            "fill",
            lazy_gettext("Shift fill and no-shows"),
            lazy_gettext("How full shifts were, who came and who did not."),
            FILL_GROUPS,
            ("program", "opportunity"),
            shift_fill,
        ),
        ReportKind(
            "applications",
            lazy_gettext("Applications"),
            lazy_gettext("Applications received, approved and declined, and time to approve."),
            APPLICATION_GROUPS,
            ("program",),
            applications_received,
        ),
        ReportKind(
            "no_shows",
            lazy_gettext("No-show rates"),
            lazy_gettext("Places attended, missed and given up late, per program or month."),
            NO_SHOW_GROUPS,
            ("program",),
            no_show_rates,
        ),
        ReportKind(
            "coverage",
            lazy_gettext("Staff coverage"),
            lazy_gettext("Scheduled hours against targets, leave, holidays and where people work."),
            COVERAGE_GROUPS,
            ("team", "person"),
            staff_coverage,
        ),
        ReportKind(
            "leave",
            lazy_gettext("Leave taken and left"),
            lazy_gettext("Leave days taken, waiting and left of each kind, per team or person."),
            LEAVE_GROUPS,
            ("team", "person"),
            leave_report,
            by_year=True,
        ),
        ReportKind(
            "throughput",
            lazy_gettext("Task throughput"),
            lazy_gettext("Tasks opened, done and overdue, and time to done."),
            THROUGHPUT_GROUPS,
            ("board", "person"),
            task_throughput,
        ),
    )
}

GROUP_LABELS = {
    "program": lazy_gettext("Program"),
    "opportunity": lazy_gettext("Opportunity"),
    "volunteer": lazy_gettext("Volunteer"),
    "month": lazy_gettext("Month"),
    "program_month": lazy_gettext("Program × month"),
    "shift": lazy_gettext("Shift"),
    "team": lazy_gettext("Team"),
    "person": lazy_gettext("Person"),
    "board": lazy_gettext("Board"),
}


def get_kind(name: str) -> ReportKind:
    """Raises NotFound."""
    if name not in KINDS:
        raise NotFound(_("There is nothing at this address. Check the link."))
    return KINDS[name]


def kinds_for(scope: Scope) -> list[ReportKind]:
    """The reports open to a viewer with this scope (a program's read-only viewer: those about
    programs; staff coverage and task throughput are about teams and boards)."""
    return [k for k in KINDS.values() if k.about_programs or not scope.read_only]


def check_kind(scope: Scope, kind: ReportKind) -> None:
    """Raises PermissionDenied unless ``kind`` is open to a viewer with this scope."""
    if kind not in kinds_for(scope):
        raise PermissionDenied(_("You do not have permission to do that."))


async def run_report(viewer: User, name: str, params: Mapping[str, str]) -> Report:
    """The report ``name`` for ``viewer`` with the filters in ``params`` (a query string).

    Raises NotFound, InvalidInput or PermissionDenied (first, for those who see no reports)."""
    scope = await scope_for(viewer)
    kind = get_kind(name)
    check_kind(scope, kind)
    report_filter = parse_filter(
        params, timezone=viewer.timezone, groups=kind.groups, by_year=kind.by_year
    )
    return await kind.build(viewer, report_filter)
