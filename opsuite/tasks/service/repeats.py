"""Recurring tasks: the rule's limits, the next due date, making the next instance once, and
stopping a repeat.

The next due date is counted in the rule's zone on the wall clock: a task due every week at
09:00 in America/New_York is due at 09:00 there before and after the clocks go back (13:00
UTC, then 14:00). "After it is done" counts from the local day the task was completed (keeping
the due time, if it had one); "on a fixed schedule" counts from the previous due date, however
late the task was done. Months are calendar months: 31 January + 1 month is 28 February (and
the month after that, 28 March: each step counts from the date before).

The next instance is made inside the transaction that completes the task, which holds the
board's row lock, and ``tasks.previous_id`` is unique: completing a task twice, or two people
completing it at once, makes exactly one next instance.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.auth.models import User
from opsuite.tasks.access import Level, people_with_access
from opsuite.tasks.events import log_event
from opsuite.tasks.models import (
    Board,
    ChecklistItem,
    Column,
    RepeatMode,
    RepeatUnit,
    Task,
    TaskAssignee,
    TaskLabel,
)
from opsuite.tasks.service.core import (
    Repeat,
    get_task,
    lock_board,
    repeat_columns,
    repeat_of,
    task_for,
)
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone

MAX_EVERY = 365


def repeat_problems(
    repeat: Repeat | None, *, due_date: date | None, due_at: datetime | None
) -> dict[str, str]:
    """What is wrong with ``repeat`` for a task due then, by form field (empty when fine)."""
    if repeat is None:
        return {}
    if not 1 <= repeat.every <= MAX_EVERY:
        return {"repeat_every": _("Give a number from 1 to %(n)s.", n=MAX_EVERY)}
    if repeat.unit not in {u.value for u in RepeatUnit}:
        return {"repeat_unit": _("Choose from the list.")}
    if repeat.mode not in {m.value for m in RepeatMode}:
        return {"repeat_mode": _("Choose from the list.")}
    if not is_timezone(repeat.timezone):
        return {"repeat_timezone": _("Unknown time zone; choose one such as Asia/Shanghai.")}
    if repeat.mode == RepeatMode.FIXED_SCHEDULE:
        if due_date is None and due_at is None:
            return {
                "repeat_mode": _(
                    "A fixed schedule counts from the due date: give the task a due date, "
                    "or repeat it after it is done."
                )
            }
        if _fixed_next(repeat, due_date, due_at) is None:
            return {"due_date": _("That date is too far in the future to repeat from.")}
    return {}


def _step(repeat: Repeat) -> relativedelta:
    return relativedelta(**{str(repeat.unit): repeat.every})


def _fixed_next(
    repeat: Repeat, due_date: date | None, due_at: datetime | None
) -> tuple[date | None, datetime | None] | None:
    zone = ZoneInfo(repeat.timezone)
    try:
        if due_at is not None:
            wall = due_at.astimezone(zone).replace(tzinfo=None) + _step(repeat)
            return None, wall.replace(tzinfo=zone).astimezone(UTC)
        if due_date is not None:
            return cast(date, due_date + _step(repeat)), None
    except (ValueError, OverflowError):  # past the year 9999
        return None
    return None


def next_due(
    repeat: Repeat,
    *,
    due_date: date | None,
    due_at: datetime | None,
    completed_at: datetime,
) -> tuple[date | None, datetime | None] | None:
    """(due date, due instant) of the next instance; None when it would fall past 9999."""
    if repeat.mode == RepeatMode.FIXED_SCHEDULE and (due_date or due_at):
        return _fixed_next(repeat, due_date, due_at)
    zone = ZoneInfo(repeat.timezone)
    try:
        day = cast(date, completed_at.astimezone(zone).date() + _step(repeat))
    except (ValueError, OverflowError):
        return None
    if due_at is None:
        return day, None
    wall = due_at.astimezone(zone).time()
    return None, datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


async def create_next(actor: User, task: Task, board: Board) -> Task | None:
    """The completed ``task``'s next instance, at the bottom of the board's first column, with
    its title, description, priority, labels, assignees (those who may still work on the
    board) and checklist (every item unticked). None when the task does not repeat, already
    has a next instance, or the next date would be past 9999. Call it in the transaction
    holding the board's lock."""
    repeat = repeat_of(task)
    if repeat is None or task.completed_at is None:
        return None
    if await Task.filter(previous_id=task.id).exists():
        return None
    due = next_due(
        repeat, due_date=task.due_date, due_at=task.due_at, completed_at=task.completed_at
    )
    first = await Column.filter(board_id=board.id).order_by("position", "id").first()
    if due is None or first is None:
        return None
    now = clock.now()
    following = await Task.create(
        board_id=board.id,
        column=first,
        position=await Task.filter(column_id=first.id).count(),
        title=task.title,
        description=task.description,
        priority=task.priority,
        due_date=due[0],
        due_at=due[1],
        created_by_id=task.created_by_id,
        created_at=now,
        updated_at=now,
        completed_at=now if first.is_done else None,
        previous_id=task.id,
        **repeat_columns(repeat),
    )
    await _copy_details(task, following, board, now=now)
    await log_event(board.id, actor, "task.repeated", following, previous=task.id)
    return following


async def _copy_details(task: Task, following: Task, board: Board, *, now: datetime) -> None:
    people = await User.filter(task_assignments__task_id=task.id, is_active=True)
    levels = await people_with_access(board, people)
    await TaskAssignee.bulk_create(
        [
            TaskAssignee(task_id=following.id, user_id=p.id, assigned_at=now)
            for p in people
            if levels[p.id] >= Level.EDIT
        ]
    )
    label_ids = await TaskLabel.filter(task_id=task.id).values_list("label_id", flat=True)
    await TaskLabel.bulk_create(
        [TaskLabel(task_id=following.id, label_id=i) for i in cast(list[int], label_ids)]
    )
    items = await ChecklistItem.filter(task_id=task.id).order_by("position", "id")
    await ChecklistItem.bulk_create(
        [
            ChecklistItem(task_id=following.id, text=item.text, position=n, is_done=False)
            for n, item in enumerate(items)
        ]
    )


async def stop_repeat(actor: User, task_id: int) -> Task:
    """The task no longer repeats (its next instances, if any, keep their own rule). Makes a
    new version, so an edit opened with the old rule asks to compare. Raises NotFound,
    PermissionDenied."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    if repeat_of(task) is None:
        return task
    async with in_transaction():
        await lock_board(board.id)
        current = await get_task(task.id)
        await Task.filter(id=task.id).update(
            version=current.version + 1, updated_at=clock.now(), **repeat_columns(None)
        )
        await log_event(board.id, actor, "repeat.stopped", task)
    return await get_task(task.id)
