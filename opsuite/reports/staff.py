"""Staff reports: planned coverage from work schedules, and task throughput on boards.

Coverage comes from the schedules area's expansion (the same intervals the schedule pages
show); throughput from the tasks area's models.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from opsuite import clock
from opsuite.auth.models import User
from opsuite.auth.permissions import Cap, authorize, has_cap
from opsuite.errors import InvalidInput
from opsuite.people.models import Team, TeamMember
from opsuite.reports.filters import ReportFilter
from opsuite.reports.model import Cell, Report, ReportColumn, percent
from opsuite.reports.scope import scope_for, team_in_scope
from opsuite.schedules.expansion import WORKING_KINDS, expand_person
from opsuite.schedules.models import Arrangement, ArrangementStatus
from opsuite.schedules.service import load_inputs
from opsuite.tasks.models import Board, Task, TaskAssignee
from opsuite.tasks.queries import due_instant
from opsuite.web.i18n import gettext as _

COVERAGE_GROUPS = ("team", "person")
THROUGHPUT_GROUPS = ("board", "person", "month")


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


async def _targets(user_ids: list[int], days: list[date]) -> dict[tuple[int, str], float]:
    """Target hours per (person, month): each day counts a seventh of the weekly target of the
    arrangement in force that day."""
    arrangements = await Arrangement.filter(
        user_id__in=user_ids, status=ArrangementStatus.ACTIVE, valid_from__lte=days[-1]
    ).order_by("valid_from", "id")
    by_person: dict[int, list[Arrangement]] = defaultdict(list)
    for arrangement in arrangements:
        by_person[arrangement.user_id].append(arrangement)
    targets: dict[tuple[int, str], float] = defaultdict(float)
    for uid, history in by_person.items():
        for day in days:
            current = [a for a in history if a.valid_from <= day]
            weekly: Decimal | None = current[-1].weekly_hours_target if current else None
            if weekly is not None:
                targets[(uid, f"{day:%Y-%m}")] += float(weekly) / 7
    return targets


async def _teams(viewer: User, report_filter: ReportFilter) -> list[Team]:
    if report_filter.team_id is not None:
        return [await team_in_scope(viewer, report_filter.team_id)]
    return (await scope_for(viewer)).teams


async def staff_coverage(viewer: User, report_filter: ReportFilter) -> Report:
    """Planned working hours against the target, remote and office shares, and time off taken,
    per team (or person) and month. Raises PermissionDenied or InvalidInput."""
    teams = await _teams(viewer, report_filter)
    members = [
        m
        for m in await TeamMember.filter(team_id__in=[t.id for t in teams]).select_related(
            "user", "team"
        )
        if has_cap(m.user, Cap.STAFF)  # volunteers have no working hours to cover
    ]
    if report_filter.person_id is not None:
        members = [m for m in members if m.user_id == report_filter.person_id]
    people = {m.user_id: m.user for m in members}
    user_ids = sorted(people)
    days = _days(report_filter.start, report_filter.end)
    after = days[-1] + timedelta(days=1)
    inputs = await load_inputs(user_ids, days[0], after) if user_ids else {}
    targets = await _targets(user_ids, days) if user_ids else {}
    # per person and month: planned, remote, office, working hours taken off
    per_person: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for uid, person_inputs in inputs.items():
        zone = ZoneInfo(people[uid].timezone)
        for interval in expand_person(person_inputs, days[0], after):
            if interval.kind in WORKING_KINDS:
                entry = per_person[(uid, f"{interval.start.astimezone(zone):%Y-%m}")]
                entry[0] += interval.hours
                entry[1] += interval.hours if interval.location == "home" else 0.0
                entry[2] += interval.hours if interval.location == "office" else 0.0
                entry[3] -= interval.hours
        # Time off taken is the working time it removed: the plan without leave, minus the plan.
        for interval in expand_person(replace(person_inputs, leaves=()), days[0], after):
            if interval.kind in WORKING_KINDS:
                per_person[(uid, f"{interval.start.astimezone(zone):%Y-%m}")][3] += interval.hours
    months = sorted({f"{day:%Y-%m}" for day in days})
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for member in members:
        label = (
            member.team.name
            if report_filter.group == "team"
            else f"{member.user.name} (#{member.user_id})"
        )
        for month in months:
            group = groups.setdefault(
                (label, month), {"people": set(), "sums": [0.0, 0.0, 0.0, 0.0], "target": 0.0}
            )
            if member.user_id in group["people"]:
                continue  # the same person through two teams counts once in a row
            group["people"].add(member.user_id)
            for index, value in enumerate(per_person.get((member.user_id, month), [0.0] * 4)):
                group["sums"][index] += value
            group["target"] += targets.get((member.user_id, month), 0.0)
    rows: list[dict[str, Cell]] = []
    for (label, month), group in sorted(groups.items()):
        planned, remote, office, time_off = group["sums"]
        rows.append(
            {
                "group": label,
                "month": month,
                "people": len(group["people"]),
                "planned_hours": round(planned, 2),
                "target_hours": round(group["target"], 2),
                "coverage": percent(planned, group["target"]),
                "remote_share": percent(remote, planned),
                "office_share": percent(office, planned),
                "time_off_hours": round(max(time_off, 0.0), 2),
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
            ReportColumn("planned_hours", _("Planned hours"), numeric=True),
            ReportColumn("target_hours", _("Target hours"), numeric=True),
            ReportColumn("coverage", _("Planned of target (%)"), numeric=True),
            ReportColumn("remote_share", _("Remote (%)"), numeric=True),
            ReportColumn("office_share", _("Office (%)"), numeric=True),
            ReportColumn("time_off_hours", _("Time off (hours)"), numeric=True),
        ),
        rows=rows,
        chart_label="group",
        chart_values=("planned_hours",),
        notes=(
            _(
                "Planned hours come from work arrangements, minus approved time off and "
                "holidays. Targets are each arrangement's weekly hours, a seventh per day. "
                "Time off is the working time that approved leave removed."
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
