"""The board's activity log: one append-only table, written next to every change.

Why a table of its own rather than audit entries filtered by target: a board's log mixes
events on the board and on each of its tasks (and keeps lines of deleted tasks), and is read
per board and per task on every board page. An indexed ``board_id``/``task_id`` answers that
in one query; the shared audit log keys targets by type and text id and would need a join
per task. Admin-level changes (boards created, members added) also go to the audit log.
Nothing in opsuite updates or deletes these rows.
"""

from __future__ import annotations

from typing import Any

from opsuite import clock
from opsuite.auth.models import User
from opsuite.tasks.models import Task, TaskEvent


async def log_event(
    board_id: int, actor: User | None, action: str, task: Task | None = None, **data: Any
) -> TaskEvent:
    return await TaskEvent.create(
        board_id=board_id,
        task_id=task.id if task is not None else None,
        actor_id=actor.id if actor is not None else None,
        action=action,
        data=data,
        created_at=clock.now(),
    )


async def board_events(
    board_id: int, *, offset: int = 0, limit: int = 50
) -> tuple[list[TaskEvent], int]:
    query = TaskEvent.filter(board_id=board_id)
    total = await query.count()
    rows = await query.offset(offset).limit(limit).prefetch_related("actor", "task")
    return rows, total


async def task_events_page(task_id: int, *, offset: int, limit: int) -> tuple[list[TaskEvent], int]:
    """One page of a task's log, newest first (the model orders by created_at, then id)."""
    query = TaskEvent.filter(task_id=task_id)
    total = await query.count()
    rows = await query.offset(offset).limit(limit).prefetch_related("actor")
    return rows, total


async def task_events(task_id: int, *, limit: int = 200) -> list[TaskEvent]:
    return await TaskEvent.filter(task_id=task_id).limit(limit).prefetch_related("actor")
