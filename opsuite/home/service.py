"""What the home page shows each person: their next steps, by role, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin, role_allows
from opsuite.caps import Cap
from opsuite.help.models import ContactRequest
from opsuite.meetings.views import entries as meeting_entries
from opsuite.meetings.views import resolve_scope, scope_occurrences
from opsuite.notify.models import JobRun, Notification, NotificationStatus
from opsuite.people.access import managed_programs
from opsuite.people.models import TeamMember
from opsuite.schedules.http import kind_labels
from opsuite.schedules.service import (
    WorkingNow,
    expand,
    pending_leave,
    pending_proposals,
    people_managed_by,
    who_is_working_now,
)
from opsuite.settings import Settings
from opsuite.shifts.models import (
    ACTIVE_STATUSES,
    HoursRecord,
    HoursStatus,
    Shift,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service import counts_for
from opsuite.tasks.models import Task
from opsuite.web.calendar import Entry
from opsuite.web.i18n import gettext as _

CHECK_IN_EARLY = timedelta(hours=1)
LIMIT = 5
SOON = timedelta(days=7)


@dataclass(frozen=True)
class NextShift:
    signup_id: int
    shift_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    can_check_in: bool


@dataclass(frozen=True)
class OpenShift:
    shift_id: int
    title: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class TaskItem:
    task_id: int
    title: str
    due: date | None
    overdue: bool


@dataclass(frozen=True)
class Leave:
    id: int
    person: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class Working:
    name: str
    local_time: datetime
    until: datetime
    timezone: str


@dataclass(frozen=True)
class Block:
    """A piece of my day: work (office, home, field), leave or a holiday, in UTC."""

    start: datetime
    end: datetime
    kind: str
    location: str | None


@dataclass(frozen=True)
class MeetingToday:
    meeting_id: int
    title: str
    start: datetime
    end: datetime
    private: bool


@dataclass(frozen=True)
class ShortShift:
    shift_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    confirmed: int
    capacity: int


@dataclass(frozen=True)
class PendingHours:
    id: int
    person: str
    program: str
    work_date: date
    minutes: int


@dataclass(frozen=True)
class Failure:
    label: str
    when: datetime | None
    error: str


@dataclass(frozen=True)
class Dashboard:
    volunteer: bool = False
    staff: bool = False
    manager: bool = False
    admin: bool = False
    next_shifts: tuple[NextShift, ...] = ()
    open_shifts: tuple[OpenShift, ...] = ()
    hours_this_year: int = 0  # minutes, approved
    tasks: tuple[TaskItem, ...] = ()
    today: tuple[Block, ...] = ()
    meetings_today: tuple[MeetingToday, ...] = ()
    pending_leave: tuple[Leave, ...] = ()
    pending_hours: tuple[PendingHours, ...] = ()
    pending_proposals: int = 0
    short_shifts: tuple[ShortShift, ...] = ()
    overdue_on_my_boards: tuple[TaskItem, ...] = ()
    working_now: tuple[Working, ...] = ()
    failed_mail: tuple[Failure, ...] = ()
    help_requests: tuple[Failure, ...] = ()
    job_failures: tuple[Failure, ...] = ()


async def _next_shifts(user: User, now: datetime) -> tuple[NextShift, ...]:
    signups = (
        await SignUp.filter(
            volunteer_id=user.id, status__in=ACTIVE_STATUSES, shift__ends_at__gt=now
        )
        .order_by("shift__starts_at")
        .limit(LIMIT)
        .select_related("shift__opportunity")
    )
    return tuple(
        NextShift(
            signup_id=s.id,
            shift_id=s.shift_id,
            title=s.shift.opportunity.title,
            starts_at=s.shift.starts_at,
            ends_at=s.shift.ends_at,
            status=str(s.status),
            can_check_in=s.status == SignUpStatus.CONFIRMED
            and s.checked_in_at is None
            and not s.shift.is_cancelled
            and s.shift.starts_at - CHECK_IN_EARLY <= now,
        )
        for s in signups
    )


async def _open_shifts(user: User, now: datetime, taken: set[int]) -> tuple[OpenShift, ...]:
    shifts = (
        await Shift.filter(
            starts_at__gt=now, starts_at__lt=now + timedelta(days=30), status=ShiftStatus.SCHEDULED
        )
        .order_by("starts_at")
        .limit(50)
        .select_related("opportunity")
    )
    skills = set(user.skills or [])
    fitting = [
        s
        for s in shifts
        if s.id not in taken and set(s.opportunity.required_skills or []) <= skills
    ]
    return tuple(
        OpenShift(s.id, s.opportunity.title, s.starts_at, s.ends_at) for s in fitting[:LIMIT]
    )


async def _hours_this_year(user: User, today: date) -> int:
    records = await HoursRecord.filter(
        volunteer_id=user.id,
        status=HoursStatus.APPROVED,
        work_date__gte=date(today.year, 1, 1),
    ).only("id", "minutes")
    return sum(record.minutes for record in records)


async def _tasks(user: User, today: date) -> tuple[TaskItem, ...]:
    tasks = (
        await Task.filter(
            assignees__user_id=user.id,
            completed_at__isnull=True,
            due_date__isnull=False,
            due_date__lte=today + SOON,
        )
        .order_by("due_date")
        .limit(LIMIT * 2)
    )
    return tuple(
        TaskItem(t.id, t.title, t.due_date, t.due_date is not None and t.due_date < today)
        for t in tasks
    )


async def _today(user: User, today: date) -> tuple[Block, ...]:
    """My day as my schedule gives it, in my zone: work blocks, leave, a holiday."""
    intervals = (await expand([user.id], today, today + timedelta(days=1)))[user.id]
    return tuple(Block(i.start, i.end, i.kind, i.location) for i in intervals)


async def _meetings_today(user: User, today: date) -> tuple[MeetingToday, ...]:
    zone = ZoneInfo(user.timezone)
    start = datetime.combine(today, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    found = await scope_occurrences(user, await resolve_scope(user, None, None), start, end)
    return tuple(
        MeetingToday(o.meeting.id, o.title, o.start, o.end, o.private) for o in found[: LIMIT * 2]
    )


async def _short_shifts(program_ids: list[int], now: datetime) -> tuple[ShortShift, ...]:
    """This week's shifts in my programs with places still open, soonest first."""
    shifts = (
        await Shift.filter(
            opportunity__program_id__in=program_ids or [0],
            status=ShiftStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lt=now + SOON,
        )
        .order_by("starts_at", "id")
        .limit(100)
        .select_related("opportunity")
    )
    counts = await counts_for([s.id for s in shifts])
    short = [s for s in shifts if counts[s.id].free(s.capacity) > 0]
    return tuple(
        ShortShift(
            s.id,
            s.opportunity.title,
            s.starts_at,
            s.ends_at,
            counts[s.id].confirmed,
            s.capacity,
        )
        for s in short[:LIMIT]
    )


async def _pending_hours(program_ids: list[int]) -> tuple[PendingHours, ...]:
    records = (
        await HoursRecord.filter(program_id__in=program_ids or [0], status=HoursStatus.PENDING)
        .order_by("work_date", "id")
        .limit(LIMIT)
        .select_related("volunteer", "program")
    )
    return tuple(
        PendingHours(r.id, r.volunteer.name, r.program.name, r.work_date, r.minutes)
        for r in records
    )


async def _overdue_on_boards(
    user: User, program_ids: list[int], today: date
) -> tuple[TaskItem, ...]:
    """Open tasks past their due date on the boards of the teams and programs I run."""
    teams = await TeamMember.filter(user_id=user.id, is_manager=True).values_list(
        "team_id", flat=True
    )
    boards = Q(board__team_id__in=list(teams) or [0]) | Q(board__program_id__in=program_ids or [0])
    tasks = (
        await Task.filter(
            boards, completed_at__isnull=True, due_date__lt=today, board__is_archived=False
        )
        .order_by("due_date", "id")
        .limit(LIMIT)
    )
    return tuple(TaskItem(t.id, t.title, t.due_date, True) for t in tasks)


async def _pending_leave(user: User, *, everyone: bool) -> tuple[Leave, ...]:
    """The leave requests this person decides on, as the approvals page scopes them."""
    people = None if everyone else await people_managed_by(user)
    rows = [r for r in await pending_leave(people) if everyone or r.user_id != user.id]
    return tuple(Leave(r.id, r.user.name, r.start_date, r.end_date) for r in rows[: LIMIT * 2])


async def _working_now() -> tuple[Working, ...]:
    people = await User.filter(is_active=True).order_by("name").limit(200)
    working: list[WorkingNow] = await who_is_working_now(list(people))
    return tuple(
        Working(w.person.name, w.local_time, w.interval.end, w.person.timezone)
        for w in working[: LIMIT * 2]
    )


async def _admin() -> tuple[tuple[Failure, ...], tuple[Failure, ...], tuple[Failure, ...]]:
    mail = (
        await Notification.filter(status=NotificationStatus.FAILED).order_by("-due_at").limit(LIMIT)
    )
    helps = (
        await ContactRequest.filter(handled_at__isnull=True).order_by("-created_at").limit(LIMIT)
    )
    jobs = await JobRun.filter(last_status="failed").order_by("job_id")
    return (
        tuple(Failure(m.subject, m.due_at, m.last_error) for m in mail),
        tuple(Failure(h.subject, h.created_at, h.name) for h in helps),
        tuple(Failure(j.job_id, j.last_finished_at, j.last_error) for j in jobs),
    )


async def dashboard(user: User, *, settings: Settings, now: datetime) -> Dashboard:
    """The sections this person's role sees; each one a fixed number of queries."""
    del settings  # part of the contract; nothing here depends on it yet
    today = now.astimezone(ZoneInfo(user.timezone)).date()
    staff = role_allows(user, Cap.STAFF)
    manager = role_allows(user, Cap.MANAGE)
    admin = is_admin(user)
    next_shifts = await _next_shifts(user, now)
    open_shifts: tuple[OpenShift, ...] = ()
    hours = 0
    if not staff:
        open_shifts = await _open_shifts(user, now, {s.shift_id for s in next_shifts})
        hours = await _hours_this_year(user, today)
    tasks = await _tasks(user, today) if staff else ()
    day = await _today(user, today) if staff else ()
    meetings = await _meetings_today(user, today)
    leave = await _pending_leave(user, everyone=admin) if manager else ()
    working = await _working_now() if manager else ()
    programs = [p.id for p in await managed_programs(user)] if manager else []
    hours_to_decide = await _pending_hours(programs) if manager else ()
    short = await _short_shifts(programs, now) if manager else ()
    overdue = await _overdue_on_boards(user, programs, today) if manager else ()
    proposals = 0
    if manager:
        people = None if admin else await people_managed_by(user)
        proposals = len(await pending_proposals(people))
    failed_mail, helps, jobs = await _admin() if admin else ((), (), ())
    return Dashboard(
        volunteer=not staff,
        staff=staff,
        manager=manager,
        admin=admin,
        next_shifts=next_shifts,
        open_shifts=open_shifts,
        hours_this_year=hours,
        tasks=tasks,
        today=day,
        meetings_today=meetings,
        pending_leave=leave,
        pending_hours=hours_to_decide,
        pending_proposals=proposals,
        short_shifts=short,
        overdue_on_my_boards=overdue,
        working_now=working,
        failed_mail=failed_mail,
        help_requests=helps,
        job_failures=jobs,
    )


# --- my calendar --------------------------------------------------------------------------------


async def my_calendar(user: User, start: datetime, end: datetime) -> list[Entry]:
    """Everything of mine in [start, end) as calendar entries: the meetings I attend, my
    shifts, and for staff my working time, leave and holidays and the tasks due for me. A fixed
    number of queries whatever the window holds."""
    zone = ZoneInfo(user.timezone)
    entries = meeting_entries(
        await scope_occurrences(user, await resolve_scope(user, None, None), start, end)
    )
    signups = await SignUp.filter(
        volunteer_id=user.id,
        status__in=ACTIVE_STATUSES,
        shift__starts_at__lt=end,
        shift__ends_at__gt=start,
    ).select_related("shift__opportunity")
    states = {
        SignUpStatus.CONFIRMED: _("Confirmed"),
        SignUpStatus.WAITLISTED: _("On the waitlist"),
        SignUpStatus.OFFERED: _("Place offered to you"),
    }
    for s in signups:
        if s.shift.status != ShiftStatus.SCHEDULED:
            continue
        entries.append(
            Entry(
                start=s.shift.starts_at,
                end=s.shift.ends_at,
                title=s.shift.opportunity.title,
                href=f"/shifts/{s.shift_id}",
                kind="mine",
                label=_("Shift"),
                detail=states.get(s.status, ""),
            )
        )
    if not role_allows(user, Cap.STAFF):
        return entries
    first = start.astimezone(zone).date()
    last = (end - timedelta(seconds=1)).astimezone(zone).date()
    kinds = kind_labels()
    for i in (await expand([user.id], first, last + timedelta(days=1)))[user.id]:
        whole_day = i.end - i.start >= timedelta(hours=23)
        away = i.kind in ("time_off", "holiday")
        entries.append(
            Entry(
                start=i.start,
                end=i.end,
                title=i.detail or kinds.get(i.kind, i.kind),
                href="/schedule",
                kind="work" if not away else i.kind,
                label=kinds.get(i.kind, i.kind),
                detail=i.location or "",
                all_day=away and whole_day,
                band=not away,
            )
        )
    tasks = await Task.filter(
        assignees__user_id=user.id,
        completed_at__isnull=True,
        due_date__gte=first,
        due_date__lte=last,
    ).only("id", "title", "due_date")
    for t in tasks:
        assert t.due_date is not None  # filtered above  # nosec B101
        midnight = datetime.combine(t.due_date, datetime.min.time(), tzinfo=zone)
        entries.append(
            Entry(
                start=midnight,
                end=midnight + timedelta(days=1),
                title=t.title,
                href=f"/tasks/{t.id}",
                kind="task",
                label=_("Task due"),
                all_day=True,
            )
        )
    return entries
