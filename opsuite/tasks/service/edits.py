"""Creating, editing (with a version check) and deleting tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.auth.models import User
from opsuite.errors import Conflict, FieldErrors, InvalidInput, PermissionDenied
from opsuite.settings import Settings
from opsuite.tasks import notifications
from opsuite.tasks.access import Level, require
from opsuite.tasks.boards import get_column
from opsuite.tasks.events import log_event
from opsuite.tasks.models import Board, Column, Label, Priority, Task, TaskLabel
from opsuite.tasks.service.assignees import check_assignees, set_assignees
from opsuite.tasks.service.core import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    Repeat,
    TaskConflict,
    TaskInput,
    column_order,
    get_task,
    lock_board,
    renumber,
    repeat_columns,
    repeat_of,
    task_for,
    too_long,
)
from opsuite.tasks.service.repeats import repeat_problems
from opsuite.web.i18n import gettext as _
from opsuite.web.text import line_problem, text_problem


async def _validate(board: Board, data: TaskInput) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("This field is required.")
    elif len(data.title) > MAX_TITLE:
        errors["title"] = too_long(MAX_TITLE, len(data.title))
    elif problem := line_problem(data.title):
        errors["title"] = problem
    if len(data.description) > MAX_DESCRIPTION:
        errors["description"] = too_long(MAX_DESCRIPTION, len(data.description))
    elif problem := text_problem(data.description):
        errors["description"] = problem
    if data.priority not in {p.value for p in Priority}:
        errors["priority"] = _("Choose from the list.")
    if data.due_date is not None and data.due_at is not None:
        errors["due_date"] = _("Give a due date, or a date and time, not both.")
    for name, problem in repeat_problems(
        data.repeat, due_date=data.due_date, due_at=data.due_at
    ).items():
        errors.setdefault(name, problem)
    if data.label_ids:
        found = await Label.filter(id__in=list(data.label_ids), board_id=board.id).count()
        if found != len(set(data.label_ids)):
            errors["label_ids"] = _("Choose labels of this board (labels belong to one board).")
    if errors:
        raise FieldErrors(errors)


async def create_task(
    actor: User,
    board: Board,
    data: TaskInput,
    *,
    column_id: int | None = None,
    assignee_ids: tuple[int, ...] = (),
    settings: Settings,
) -> Task:
    """A task at the bottom of a column (the first one unless given). Raises PermissionDenied,
    FieldErrors, InvalidInput."""
    level = await require(actor, board, Level.EDIT)
    await _validate(board, data)
    if assignee_ids:
        await check_assignees(actor, board, level, added=set(assignee_ids), removed=set())
    if board.is_archived:
        raise Conflict(_("This board is archived; restore it to add tasks."))
    now = clock.now()
    async with in_transaction():
        await lock_board(board.id)
        if column_id is None:
            column = await Column.filter(board_id=board.id).order_by("position").first()
            if column is None:
                raise InvalidInput(_("Add a column to the board first."), field="column_id")
        else:
            column = await get_column(board, column_id)
        task = await Task.create(
            board=board,
            column=column,
            position=await Task.filter(column_id=column.id).count(),
            title=data.title.strip(),
            description=data.description,
            priority=data.priority,
            due_date=data.due_date,
            due_at=data.due_at,
            created_by=actor,
            created_at=now,
            updated_at=now,
            completed_at=now if column.is_done else None,
            **repeat_columns(data.repeat),
        )
        await TaskLabel.bulk_create([TaskLabel(task=task, label_id=i) for i in set(data.label_ids)])
        await log_event(board.id, actor, "task.created", task, title=task.title, column=column.name)
    if assignee_ids:
        await set_assignees(actor, task.id, assignee_ids, settings=settings, level=level)
    return task


async def update_task(
    actor: User, task_id: int, data: TaskInput, *, version: int, settings: Settings
) -> Task:
    """Save an edit made on ``version`` of the task. Raises TaskConflict when someone saved in
    between (nothing is overwritten), PermissionDenied, FieldErrors."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    await _validate(board, data)
    now = clock.now()
    async with in_transaction():
        changed = await Task.filter(id=task.id, version=version).update(
            title=data.title.strip(),
            description=data.description,
            priority=data.priority,
            due_date=data.due_date,
            due_at=data.due_at,
            version=version + 1,
            updated_at=now,
            **repeat_columns(data.repeat),
        )
        if not changed:
            current = await get_task(task.id)
            raise TaskConflict(current, data)
        await TaskLabel.filter(task_id=task.id).delete()
        await TaskLabel.bulk_create(
            [TaskLabel(task_id=task.id, label_id=i) for i in set(data.label_ids)]
        )
        diff = _diff(task, data)
        await log_event(board.id, actor, "task.updated", task, **diff)
    fresh = await get_task(task.id)
    await notifications.task_changed(fresh, board, actor, diff, settings=settings)
    await notifications.schedule_due(fresh, board, settings=settings)
    return fresh


def _due_text(due_date: date | None, due_at: datetime | None) -> str:
    if due_at is not None:
        return due_at.isoformat()
    return due_date.isoformat() if due_date else ""


def _diff(before: Task, after: TaskInput) -> dict[str, Any]:
    diff: dict[str, Any] = {}
    if before.title != after.title.strip():
        diff["title"] = [before.title, after.title.strip()]
    if before.description != after.description:
        diff["description"] = True
    if before.priority != after.priority:
        diff["priority"] = [str(before.priority), after.priority]
    old_due, new_due = (
        _due_text(before.due_date, before.due_at),
        _due_text(after.due_date, after.due_at),
    )
    if old_due != new_due:
        diff["due"] = [old_due, new_due]
    if repeat_of(before) != after.repeat:
        diff["repeat"] = _repeat_text(after.repeat)
    return diff


def _repeat_text(repeat: Repeat | None) -> dict[str, Any] | None:
    if repeat is None:
        return None
    return {"every": repeat.every, "unit": repeat.unit, "mode": repeat.mode}


async def delete_task(actor: User, task_id: int) -> None:
    """Board managers, or whoever created the task, may delete it; its log lines stay.
    Raises PermissionDenied."""
    task, board, level = await task_for(actor, task_id, Level.EDIT)
    if level < Level.MANAGE and task.created_by_id != actor.id:
        raise PermissionDenied(_("Only the board's managers or the task's author may delete it."))
    async with in_transaction():
        await lock_board(board.id)
        column_id = task.column_id
        await log_event(board.id, actor, "task.deleted", None, title=task.title, task_id=task.id)
        await task.delete()
        await renumber(column_id, await column_order(column_id))
    await notifications.cancel_task(task.id)
