"""What the home page shows each person: their next steps, by role, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin, role_allows
from opsuite.caps import Cap
from opsuite.help.models import ContactRequest
from opsuite.notify.models import JobRun, Notification, NotificationStatus
from opsuite.schedules.service import (
    WorkingNow,
    pending_leave,
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
from opsuite.tasks.models import Task

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
    pending_leave: tuple[Leave, ...] = ()
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
    leave = await _pending_leave(user, everyone=admin) if manager else ()
    working = await _working_now() if manager else ()
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
        pending_leave=leave,
        working_now=working,
        failed_mail=failed_mail,
        help_requests=helps,
        job_failures=jobs,
    )
