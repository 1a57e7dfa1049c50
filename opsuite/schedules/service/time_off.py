"""Leave: requests, decisions (with email to the requester), cancelling, and looking requests up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, FieldErrors, NotFound
from opsuite.notify.reminders import Reminder, cancel_for, schedule_for
from opsuite.schedules.models import (
    TimeOff,
    TimeOffKind,
    TimeOffStatus,
)
from opsuite.schedules.service.balances import YearCost, request_cost
from opsuite.schedules.service.lookup import managers_of
from opsuite.settings import Settings
from opsuite.wallclock import optional_minute
from opsuite.web.i18n import format_number
from opsuite.web.i18n import gettext as _


@dataclass(frozen=True)
class LeaveInput:
    kind: str
    start_date: date
    end_date: date
    start_time: time | None = None
    end_time: time | None = None
    reason: str = ""

    @property
    def times(self) -> tuple[time, time] | None:
        if self.start_time is None or self.end_time is None:
            return None
        return (self.start_time, self.end_time)


def over_balance_message(cost: YearCost) -> str:
    """Why a request past a limited balance is refused."""
    return _(
        "This request takes %(days)s days of %(kind)s in %(year)s, but only %(left)s of "
        "%(total)s days are left.",
        days=format_number(cost.days),
        kind=TimeOffKind.label_of(cost.before.kind).lower(),
        year=cost.year,
        left=format_number(cost.before.left),
        total=format_number(cost.before.available),
    )


async def leave_cost(person: User, data: LeaveInput) -> list[YearCost]:
    """What ``data`` would take of each year's balance (the request is not saved)."""
    return await request_cost(person, data.kind, data.start_date, data.end_date, data.times)


async def request_leave(person: User, data: LeaveInput, *, settings: Settings) -> TimeOff:
    """File a request and tell the person's team managers. Raises FieldErrors for impossible
    dates, an overlap with approved leave, or more days than a limited balance has left."""
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in TimeOffKind}:
        errors["kind"] = _("Choose vacation, sick or other.")
    if data.end_date < data.start_date:
        errors["end_date"] = _("The last day cannot be before the first day.")
    elif (data.end_date - data.start_date).days > 366:
        errors["end_date"] = _("Request at most a year at a time.")
    if (data.start_time is None) != (data.end_time is None):
        errors["end_time"] = _("Give both times for part of a day, or neither for whole days.")
    elif data.start_time and data.end_time:
        if data.start_date != data.end_date:
            errors["end_date"] = _("Part of a day must be a single day.")
        if data.end_time <= data.start_time:
            errors["end_time"] = _("The end time must be after the start time.")
    if len(data.reason) > 500:
        errors["reason"] = _("At most 500 characters, please.")
    if not errors:
        approved = await TimeOff.filter(
            user_id=person.id,
            status=TimeOffStatus.APPROVED,
            start_date__lte=data.end_date,
            end_date__gte=data.start_date,
        )
        # Two part-day requests on one day may sit side by side: look at every approved
        # request in range, not only the first one found.
        clash = next((t for t in approved if not _part_days_disjoint(t, data)), None)
        if clash is not None:
            errors["start_date"] = _(
                "This overlaps leave already approved from %(start)s to %(end)s.",
                start=clash.start_date.isoformat(),
                end=clash.end_date.isoformat(),
            )
    if not errors:
        over = next((c for c in await leave_cost(person, data) if c.exceeds), None)
        if over is not None:
            errors["end_date"] = over_balance_message(over)
    if errors:
        raise FieldErrors(errors)
    leave = await TimeOff.create(
        user=person,
        kind=data.kind,
        start_date=data.start_date,
        end_date=data.end_date,
        start_minute=optional_minute(data.start_time),
        end_minute=optional_minute(data.end_time),
        reason=data.reason,
        created_at=clock.now(),
    )
    await record(person, "schedules.leave.requested", leave, kind=data.kind)
    await schedule_for(
        f"leave:{leave.id}",
        [
            Reminder(
                recipient=manager,
                kind="approval",
                template="leave_requested",
                starts_at=None,
                context={"leave": leave, "requester": person, "link": "/schedule/approvals"},
            )
            for manager in await managers_of(person)
        ],
        settings=settings,
    )
    return leave


def _part_days_disjoint(existing: TimeOff, data: LeaveInput) -> bool:
    if (
        existing.start_time is None
        or existing.end_time is None
        or data.start_time is None
        or data.end_time is None
    ):
        return False
    return data.end_time <= existing.start_time or data.start_time >= existing.end_time


async def decide_leave(
    actor: User, leave: TimeOff, *, approve: bool, settings: Settings, note: str = ""
) -> TimeOff:
    """Approve or reject a pending request and tell the requester by email. Raises Conflict if
    already decided or if approving would overlap other approved leave."""
    async with in_transaction():
        fresh = await TimeOff.select_for_update().get(id=leave.id)
        if fresh.status != TimeOffStatus.PENDING:
            raise Conflict(_("This request has already been decided."))
        if approve:
            approved = await TimeOff.filter(
                user_id=fresh.user_id,
                status=TimeOffStatus.APPROVED,
                start_date__lte=fresh.end_date,
                end_date__gte=fresh.start_date,
            ).exclude(id=fresh.id)
            wanted = LeaveInput(
                str(fresh.kind), fresh.start_date, fresh.end_date, fresh.start_time, fresh.end_time
            )
            if any(not _part_days_disjoint(t, wanted) for t in approved):
                raise Conflict(_("This overlaps leave already approved."))
            costs = await request_cost(
                await User.get(id=fresh.user_id),
                wanted.kind,
                wanted.start_date,
                wanted.end_date,
                wanted.times,
                without=fresh.id,
            )
            over = next((c for c in costs if c.exceeds), None)
            if over is not None:
                raise Conflict(over_balance_message(over))
        fresh.status = TimeOffStatus.APPROVED if approve else TimeOffStatus.REJECTED
        fresh.decided_by = actor
        fresh.decided_at = clock.now()
        fresh.decision_note = note[:500]
        await fresh.save(update_fields=["status", "decided_by_id", "decided_at", "decision_note"])
    await record(actor, "schedules.leave." + ("approved" if approve else "rejected"), fresh)
    requester = await User.get(id=fresh.user_id)
    await schedule_for(
        f"leave:{fresh.id}",
        [
            Reminder(
                recipient=requester,
                kind="leave_decision",
                template="leave_decision",
                starts_at=None,
                context={
                    "leave": fresh,
                    "approved": approve,
                    "decider": actor,
                    "note": fresh.decision_note,
                    "link": "/schedule/leave",
                },
            )
        ],
        settings=settings,
    )
    return fresh


async def cancel_leave(person: User, leave: TimeOff) -> None:
    if leave.user_id != person.id:
        raise NotFound(_("No such leave request."))
    if leave.status in (TimeOffStatus.CANCELLED, TimeOffStatus.REJECTED):
        raise Conflict(_("This request is no longer open."))
    leave.status = TimeOffStatus.CANCELLED
    await leave.save(update_fields=["status"])
    # Managers who have not yet been mailed about it need not be.
    await cancel_for(f"leave:{leave.id}")
    await record(person, "schedules.leave.cancelled", leave)


async def withdraw_leave(person: User, leave: TimeOff) -> None:
    """Someone cancels their own request while it still waits for a decision (the page's and
    the API's rule; an approved leave is changed by a manager). Raises NotFound or Conflict."""
    if leave.user_id != person.id:
        raise NotFound(_("No such leave request."))
    if leave.status != TimeOffStatus.PENDING:
        raise Conflict(_("Only a request still waiting for a decision can be cancelled here."))
    await cancel_leave(person, leave)


async def get_leave(leave_id: int) -> TimeOff:
    leave = await TimeOff.get_or_none(id=leave_id).prefetch_related("user")
    if leave is None:
        raise NotFound(_("No such leave request."))
    return leave


async def list_leave(
    person: User, *, offset: int = 0, limit: int = 100
) -> tuple[list[TimeOff], int]:
    """A person's leave requests, newest first, and how many there are."""
    query = TimeOff.filter(user_id=person.id)
    rows = await query.order_by("-start_date", "-id").offset(offset).limit(limit)
    return rows, await query.count()


async def pending_leave(people: set[int] | None) -> list[TimeOff]:
    """Requests waiting for a decision from ``people`` (None: from everyone)."""
    query = TimeOff.filter(status=TimeOffStatus.PENDING, user__is_active=True)
    if people is not None:
        query = query.filter(user_id__in=sorted(people))
    return await query.order_by("start_date", "id").prefetch_related("user")
