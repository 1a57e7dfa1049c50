"""Moving a task: to a place in a column of its board, or one step up or down."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import PermissionDenied
from opsuite.settings import Settings
from opsuite.tasks import notifications
from opsuite.tasks.access import Level
from opsuite.tasks.boards import get_column
from opsuite.tasks.events import log_event
from opsuite.tasks.models import Column, Task
from opsuite.tasks.service.core import (
    TaskMoved,
    WipLimitReached,
    column_order,
    get_task,
    lock_board,
    renumber,
    task_for,
)
from opsuite.tasks.service.repeats import create_next
from opsuite.web.i18n import gettext as _


@dataclass(frozen=True)
class Moved:
    task: Task
    column: Column
    over_limit: bool  # a manager overrode the column's limit
    following: Task | None = None  # the next instance of a repeating task, made by this move


async def move_task(
    actor: User,
    task_id: int,
    *,
    column_id: int,
    position: int | None = None,
    override: bool = False,
    version: int | None = None,
    settings: Settings,
) -> Moved:
    """Put a task at ``position`` (0 is the top; None or past the end is the bottom) in a
    column of its board. A move made on ``version`` of the task (what the mover saw) is
    refused with TaskMoved if the task changed since; a move that changes anything makes a
    new version. Raises TaskMoved, WipLimitReached (unless a board manager overrides),
    InvalidInput for another board's column, PermissionDenied."""
    task, board, level = await task_for(actor, task_id, Level.EDIT)
    if override and level < Level.MANAGE:
        raise PermissionDenied(_("Only the board's managers may go past a column's limit."))
    async with in_transaction():
        await lock_board(board.id)
        task = await get_task(task.id)  # re-read under the lock: someone may have moved it
        if version is not None and task.version != version:
            raise TaskMoved(task, await get_column(board, task.column_id))
        target = await get_column(board, column_id)
        order = await column_order(target.id, without=task.id)
        entering = task.column_id != target.id
        over = entering and target.wip_limit is not None and len(order) >= target.wip_limit
        if over and not override:
            raise WipLimitReached(target, len(order))
        at = len(order) if position is None else max(0, min(position, len(order)))
        order.insert(at, task.id)
        source_id = task.column_id
        now = clock.now()
        completed_at = task.completed_at
        following = None
        if entering:
            completed_at = (completed_at or now) if target.is_done else None
            await Task.filter(id=task.id).update(
                column_id=target.id, completed_at=completed_at, updated_at=now
            )
            await renumber(source_id, await column_order(source_id))
        await renumber(target.id, order)
        if entering or task.position != at:
            await Task.filter(id=task.id).update(version=task.version + 1, updated_at=now)
            await log_event(
                board.id,
                actor,
                "task.moved",
                task,
                column=target.name,
                position=at,
                over_limit=bool(over),
            )
        if entering and completed_at is not None and task.completed_at is None:
            # done just now (webhooks read it as task.done); not when moved between done columns
            await record(actor, "tasks.task.done", task, board_id=board.id, column_id=target.id)
        if entering and completed_at is not None:
            # Once both columns are renumbered: the next one goes below the first column's.
            task.completed_at = completed_at
            following = await create_next(actor, task, board)
    fresh = await get_task(task.id)
    if entering:
        await notifications.schedule_due(fresh, board, settings=settings)
    if following is not None:
        await notifications.schedule_due(following, board, settings=settings)
    return Moved(fresh, target, bool(over), following)


async def move_step(
    actor: User, task_id: int, *, up: bool, version: int | None = None, settings: Settings
) -> Moved:
    """One place up or down within its column (the buttons on each card). Raises as
    move_task."""
    task = await get_task(task_id)
    position = max(0, task.position - 1) if up else task.position + 1
    return await move_task(
        actor,
        task_id,
        column_id=task.column_id,
        position=position,
        version=version,
        settings=settings,
    )
