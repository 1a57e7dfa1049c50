"""The no-show report: per program or month, the places on shifts in the range that were
attended, missed (no-shows) or given up late, and the no-show rate.

Each sign-up counts as the shifts area's attendance rule says (``shifts.service.attendance``),
so this report and the attendance record on a roster agree."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from opsuite.auth.models import User
from opsuite.reports.service.filters import ReportFilter
from opsuite.reports.service.model import Cell, Report, ReportColumn, percent
from opsuite.reports.service.scope import program_in_scope, scope_for
from opsuite.shifts.models import Opportunity
from opsuite.shifts.service.attendance import Outcome, outcomes
from opsuite.web.i18n import gettext as _

NO_SHOW_GROUPS = ("program", "month")
ORDER = (Outcome.ATTENDED, Outcome.NO_SHOW, Outcome.LATE_CANCELLATION)


async def no_show_rates(viewer: User, report_filter: ReportFilter) -> Report:
    """Places on shifts starting in the range by outcome. Raises PermissionDenied or
    InvalidInput."""
    if report_filter.program_id is not None:
        program_ids = [(await program_in_scope(viewer, report_filter.program_id)).id]
    else:
        program_ids = (await scope_for(viewer)).program_ids
    first, after = report_filter.instants()
    found = await outcomes(
        shift__opportunity__program_id__in=program_ids,
        shift__starts_at__gte=first,
        shift__starts_at__lt=after,
    )
    names = dict(
        # The ordering named is the selected one: PostgreSQL refuses DISTINCT with the
        # model's own ordering (title), which is not selected.
        await Opportunity.filter(program_id__in=program_ids)
        .distinct()
        .order_by("program_id")
        .values_list("program_id", "program__name")
    )
    zone = ZoneInfo(report_filter.timezone)
    counts: dict[str, dict[Outcome, int]] = defaultdict(lambda: dict.fromkeys(ORDER, 0))
    for row, outcome in found:
        key = (
            str(names.get(row["shift__opportunity__program_id"], ""))
            if report_filter.group == "program"
            else f"{row['shift__starts_at'].astimezone(zone):%Y-%m}"
        )
        counts[key][outcome] += 1

    def line(key: str, c: dict[Outcome, int]) -> dict[str, Cell]:
        attended, no_shows = c[Outcome.ATTENDED], c[Outcome.NO_SHOW]
        return {
            "group": key,
            "attended": attended,
            "no_shows": no_shows,
            "late_cancellations": c[Outcome.LATE_CANCELLATION],
            "no_show_rate": percent(no_shows, attended + no_shows),
        }

    total = {o: sum(c[o] for c in counts.values()) for o in ORDER}
    totals = line("", total)
    del totals["group"]
    return Report(
        name="no_shows",
        title=_("No-show rates"),
        filter=report_filter,
        columns=(
            ReportColumn("group", _("Program") if report_filter.group == "program" else _("Month")),
            ReportColumn("attended", _("Attended"), numeric=True),
            ReportColumn("no_shows", _("No-shows"), numeric=True),
            ReportColumn("late_cancellations", _("Late cancellations"), numeric=True),
            ReportColumn("no_show_rate", _("No-show rate (%)"), numeric=True),
        ),
        rows=[line(key, c) for key, c in sorted(counts.items())],
        chart_label="group",
        chart_values=("attended", "no_shows", "late_cancellations"),
        totals=totals,
        notes=(
            _(
                "Places on shifts starting in the range, cancelled shifts left out. Attended: "
                "checked in, marked attended or hours approved; a no-show was confirmed and "
                "did none of these by the end of the shift; a late cancellation gave up the "
                "place within the program's late-cancellation hours. The rate is no-shows out "
                "of attended and no-shows."
            ),
        ),
    )
