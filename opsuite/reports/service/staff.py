"""Staff reports: planned coverage from work schedules, and task throughput on boards.

Coverage comes from the schedules area's expansion (the same intervals the schedule pages
show); throughput from the tasks area's models.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from opsuite import clock
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, has_cap
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.people.models import Team, TeamMember
from opsuite.reports.service.filters import ReportFilter
from opsuite.reports.service.model import Cell, Report, ReportColumn, percent
from opsuite.reports.service.scope import scope_for, team_in_scope
from opsuite.schedules.expansion import (
    FLEX,
    WORK,
    WORKING_KINDS,
    Interval,
    PersonInputs,
    expand_person,
    pattern_on,
)
from opsuite.schedules.models import Arrangement, ArrangementStatus
from opsuite.schedules.service import load_inputs
from opsuite.tasks.models import Board, Task, TaskAssignee
from opsuite.tasks.queries import due_instant
from opsuite.web.i18n import gettext as _

COVERAGE_GROUPS = ("team", "person")
THROUGHPUT_GROUPS = ("board", "person", "month")


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


async def _weekly_targets(
    user_ids: list[int], before: date
) -> dict[int, dict[date, Decimal | None]]:
    """Each person's weekly hours target by the day their arrangement starts (the latest one
    starting on a day wins, as in the expansion)."""
    arrangements = await Arrangement.filter(
        user_id__in=user_ids, status=ArrangementStatus.ACTIVE, valid_from__lt=before
    ).order_by("valid_from", "id")
    targets: dict[int, dict[date, Decimal | None]] = defaultdict(dict)
    for arrangement in arrangements:
        targets[arrangement.user_id][arrangement.valid_from] = arrangement.weekly_hours_target
    return targets


@dataclass
class _Month:
    """One person's hours in one month (see docs/reports.md, "Staff coverage")."""

    target: float = 0.0
    scheduled: float = 0.0
    leave: float = 0.0
    holiday: float = 0.0
    by_location: dict[str, float] = field(default_factory=lambda: defaultdict(float))


def _by_day(intervals: list[Interval], zone: ZoneInfo) -> dict[date, dict[tuple[str, str], float]]:
    """Hours per local day, by (kind, location)."""
    days: dict[date, dict[tuple[str, str], float]] = defaultdict(lambda: defaultdict(float))
    for interval in intervals:
        if interval.kind in WORKING_KINDS or interval.kind == FLEX:
            day = interval.start.astimezone(zone).date()
            days[day][(interval.kind, interval.location or "office")] += interval.hours
    return days


def _day_hours(
    hours: dict[tuple[str, str], float], window_hours: float, daily_target: float | None
) -> dict[str, float]:
    """Working hours by location on one day. A flexible arrangement with a weekly target
    counts that target's share of the day, less the part of the window taken off; fixed,
    remote and hybrid blocks (and flexible core hours without a target) count as they are."""
    out: dict[str, float] = defaultdict(float)
    for (kind, location), value in hours.items():
        if daily_target is None:
            if kind in WORKING_KINDS:
                out[location] += value
        elif kind == FLEX and window_hours:
            out[location] += daily_target * value / window_hours
        elif kind == WORK:  # an extra stretch on a flexible day
            out[location] += value
    return out


def _person_months(
    inputs: PersonInputs, targets: dict[date, Decimal | None], first: date, after: date
) -> dict[str, _Month]:
    """Target, scheduled, leave and holiday hours per month for one person.

    Four expansions of the same pattern tell them apart: the bare pattern (the target), with
    one-off exceptions, with holidays too, and with approved leave too (what is scheduled)."""
    anchor = pattern_on(inputs.patterns, first) or inputs.patterns[0]
    zone = ZoneInfo(anchor.timezone)
    bare = _by_day(expand_person(PersonInputs(inputs.patterns), first, after), zone)
    steps = [
        _by_day(expand_person(variant, first, after), zone)
        for variant in (
            replace(inputs, leaves=(), holidays={}),
            replace(inputs, leaves=()),
            inputs,
        )
    ]
    starts = [p.valid_from for p in inputs.patterns]
    months: dict[str, _Month] = defaultdict(_Month)
    day = first
    while day < after:
        pattern = pattern_on(inputs.patterns, day, starts)
        if pattern is not None:
            weekly = targets.get(pattern.valid_from) if pattern.kind == "flexible" else None
            daily = (
                float(weekly) / len(pattern.by_weekday) if weekly and pattern.by_weekday else None
            )
            window = sum(v for (k, _l), v in bare.get(day, {}).items() if k == FLEX)
            target, *stepped = (
                _day_hours(hours.get(day, {}), window, daily) for hours in (bare, *steps)
            )
            month = months[f"{day:%Y-%m}"]
            exceptions, holidays, scheduled = (sum(s.values()) for s in stepped)
            month.target += sum(target.values())
            month.holiday += exceptions - holidays
            month.leave += holidays - scheduled
            month.scheduled += scheduled
            for location, value in stepped[-1].items():
                month.by_location[location] += value
        day += timedelta(days=1)
    return months


async def report_teams(viewer: User, report_filter: ReportFilter) -> list[Team]:
    """The team in the filter (refused unless the viewer runs it), or every team they may
    report on."""
    if report_filter.team_id is not None:
        return [await team_in_scope(viewer, report_filter.team_id)]
    return (await scope_for(viewer)).teams


async def staff_coverage(viewer: User, report_filter: ReportFilter) -> Report:
    """Scheduled working hours against each person's target, leave and holidays, and where the
    scheduled time is spent, per team (or person) and month. Raises PermissionDenied or
    InvalidInput."""
    teams = await report_teams(viewer, report_filter)
    members = [
        m
        for m in await TeamMember.filter(team_id__in=[t.id for t in teams]).select_related(
            "user", "team"
        )
        if has_cap(m.user, Cap.STAFF)  # volunteers have no working hours to cover
    ]
    if report_filter.person_id is not None:
        members = [m for m in members if m.user_id == report_filter.person_id]
    user_ids = sorted({m.user_id for m in members})
    first, after = report_filter.start, report_filter.end + timedelta(days=1)
    inputs = await load_inputs(user_ids, first, after) if user_ids else {}
    targets = await _weekly_targets(user_ids, after) if user_ids else {}
    per_person = {
        uid: _person_months(person_inputs, targets.get(uid, {}), first, after)
        for uid, person_inputs in inputs.items()
        if person_inputs.patterns
    }
    groups: dict[tuple[str, str], tuple[set[int], _Month]] = {}
    for member in members:
        label = (
            member.team.name
            if report_filter.group == "team"
            else f"{member.user.name} (#{member.user_id})"
        )
        for month, hours in per_person.get(member.user_id, {}).items():
            people, total = groups.setdefault((label, month), (set(), _Month()))
            if member.user_id in people:
                continue  # the same person through two teams counts once in a row
            people.add(member.user_id)
            total.target += hours.target
            total.scheduled += hours.scheduled
            total.leave += hours.leave
            total.holiday += hours.holiday
            for location, value in hours.by_location.items():
                total.by_location[location] += value
    rows: list[dict[str, Cell]] = []
    for (label, month), (people, total) in sorted(groups.items()):
        rows.append(
            {
                "group": label,
                "month": month,
                "people": len(people),
                "target_hours": round(total.target, 2),
                "scheduled_hours": round(total.scheduled, 2),
                "coverage": percent(total.scheduled, total.target),
                "leave_hours": round(total.leave, 2),
                "holiday_hours": round(total.holiday, 2),
                "office_share": percent(total.by_location["office"], total.scheduled),
                "remote_share": percent(total.by_location["home"], total.scheduled),
                "field_share": percent(total.by_location["field"], total.scheduled),
            }
        )
    return Report(
        name="coverage",
        title=_("Staff coverage"),
        filter=report_filter,
        columns=(
            ReportColumn("group", _("Team") if report_filter.group == "team" else _("Person")),
            ReportColumn("month", _("Month")),
            ReportColumn("people", _("People"), numeric=True),
            ReportColumn("target_hours", _("Target hours"), numeric=True),
            ReportColumn("scheduled_hours", _("Scheduled hours"), numeric=True),
            ReportColumn("coverage", _("Scheduled of target (%)"), numeric=True),
            ReportColumn("leave_hours", _("Leave (hours)"), numeric=True),
            ReportColumn("holiday_hours", _("Holidays (hours)"), numeric=True),
            ReportColumn("office_share", _("Office (%)"), numeric=True),
            ReportColumn("remote_share", _("Remote (%)"), numeric=True),
            ReportColumn("field_share", _("Field (%)"), numeric=True),
        ),
        rows=rows,
        chart_label="group",
        chart_values=("scheduled_hours",),
        notes=(
            _(
                "How this is computed: a person's target is what their arrangement asks for. "
                "Fixed, remote and hybrid arrangements: the hours of their weekly blocks "
                "(part-time patterns count their own hours). Flexible arrangements: the weekly "
                "target hours, shared over the days they work."
            ),
            _(
                "Scheduled hours are the target less approved leave, office holidays and "
                "one-off days off, plus extra time. Leave and holidays are shown in their own "
                "columns. Scheduled of target = scheduled hours / target hours, summed over "
                "the people in the row."
            ),
            _(
                "Office, remote and field are shares of the scheduled hours and add up to "
                "100 %. People without an arrangement have no target and are not counted."
            ),
        ),
    )


async def _boards(viewer: User, report_filter: ReportFilter) -> list[Board]:
    boards = (await scope_for(viewer)).boards
    if report_filter.board_id is None:
        return boards
    chosen = [b for b in boards if b.id == report_filter.board_id]
    if not chosen:
        board = await Board.get_or_none(id=report_filter.board_id)
        if board is None:
            raise InvalidInput(_("Choose from the list."), field="board")
        await authorize(viewer, Cap.ADMIN, board)  # not a board they run: refused
    return chosen


def _in_range(moment: datetime | None, first: datetime, after: datetime) -> bool:
    return moment is not None and first <= moment < after


async def task_throughput(viewer: User, report_filter: ReportFilter) -> Report:
    """Tasks opened, done and overdue, and the average days from opened to done, per board,
    person (assignee) or month. Raises PermissionDenied or InvalidInput.

    A task counts as overdue when it fell due in the range and was not done by then."""
    boards = await _boards(viewer, report_filter)
    names = {b.id: b.name for b in boards}
    first, after = report_filter.instants()
    near = Q(due_date__gte=report_filter.start - timedelta(days=1)) & Q(
        due_date__lte=report_filter.end + timedelta(days=1)
    )
    tasks = await Task.filter(
        Q(created_at__gte=first, created_at__lt=after)
        | Q(completed_at__gte=first, completed_at__lt=after)
        | Q(due_at__gte=first, due_at__lt=after)
        | near,
        board_id__in=list(names),
    ).order_by("id")
    assignees = await TaskAssignee.filter(task_id__in=[t.id for t in tasks]).values(
        "task_id", "user_id", "user__name"
    )
    people: dict[int, list[str]] = defaultdict(list)
    person_ids: dict[int, set[int]] = defaultdict(set)
    for row in assignees:
        people[row["task_id"]].append(f"{row['user__name']} (#{row['user_id']})")
        person_ids[row["task_id"]].add(row["user_id"])
    zone = ZoneInfo(report_filter.timezone)
    now = clock.now()
    unassigned = _("Unassigned")
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0])
    for task in tasks:
        if (
            report_filter.person_id is not None
            and report_filter.person_id not in person_ids[task.id]
        ):
            continue
        due = due_instant(task, report_filter.timezone)
        events = (
            (0, task.created_at, _in_range(task.created_at, first, after)),
            (1, task.completed_at, _in_range(task.completed_at, first, after)),
            (
                2,
                due,
                _in_range(due, first, after)
                and due is not None
                and due < now
                and (task.completed_at is None or task.completed_at > due),
            ),
        )
        for index, moment, counted in events:
            if not counted or moment is None:
                continue
            for key in _task_keys(
                report_filter.group, task, moment, names, people, unassigned, zone
            ):
                sums[key][index] += 1
                if index == 1 and task.completed_at is not None:
                    sums[key][3] += (task.completed_at - task.created_at).total_seconds() / 86400
    rows: list[dict[str, Cell]] = [
        {
            "group": key,
            "opened": int(opened),
            "done": int(done),
            "overdue": int(overdue),
            "cycle_days": round(days / done, 1) if done else "",
        }
        for key, (opened, done, overdue, days) in sorted(sums.items())
    ]
    label = {"board": _("Board"), "person": _("Person"), "month": _("Month")}
    return Report(
        name="throughput",
        title=_("Task throughput"),
        filter=report_filter,
        columns=(
            ReportColumn("group", label[report_filter.group]),
            ReportColumn("opened", _("Opened"), numeric=True),
            ReportColumn("done", _("Done"), numeric=True),
            ReportColumn("overdue", _("Overdue"), numeric=True),
            ReportColumn("cycle_days", _("Average days to done"), numeric=True),
        ),
        rows=rows,
        chart_label="group",
        chart_values=("done",),
        notes=(
            _(
                "Overdue: fell due in the range and was not done by then. A task with several "
                "assignees counts for each of them."
            ),
        ),
    )


def _task_keys(
    group: str,
    task: Task,
    moment: datetime,
    boards: dict[int, str],
    people: dict[int, list[str]],
    unassigned: str,
    zone: ZoneInfo,
) -> list[str]:
    if group == "board":
        return [boards[task.board_id]]
    if group == "month":
        return [f"{moment.astimezone(zone):%Y-%m}"]
    return people[task.id] or [unassigned]
