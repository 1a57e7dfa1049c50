"""What every task write shares: the limits, the refusals, the input of a task, finding a task
for someone, and keeping a column's order dense (lock the board, renumber the column)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, cast

from tortoise.expressions import F

from opsuite.auth.models import User
from opsuite.errors import Conflict, EditConflictError, NotFound
from opsuite.tasks.access import Level, require
from opsuite.tasks.boards import get_board
from opsuite.tasks.models import Board, Column, Priority, RepeatMode, RepeatUnit, Task
from opsuite.web.i18n import gettext as _

MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_COMMENT = 5_000
MAX_CHECKLIST = 100
MAX_ASSIGNEES = 20


class WipLimitReached(Conflict):
    """The target column is at its work-in-progress limit (a manager may override)."""

    def __init__(self, column: Column, count: int) -> None:
        super().__init__(
            _(
                "“%(column)s” already holds %(count)s tasks, its limit is %(limit)s.",
                column=column.name,
                count=count,
                limit=column.wip_limit or 0,
            ),
            field="column_id",
        )
        self.column = column


class TaskConflict(EditConflictError):
    """Someone else saved the task since the form was opened; both versions are kept."""

    def __init__(self, current: Task, attempted: TaskInput) -> None:
        super().__init__(
            _(
                "Someone else changed this task while you were editing it. Compare both "
                "versions below; nothing you typed is lost."
            ),
            field="version",
        )
        self.current = current
        self.attempted = attempted


class TaskMoved(Conflict):
    """Someone moved the task since the board was shown (the version differs); nothing moved."""

    def __init__(self, current: Task, column: Column) -> None:
        super().__init__(
            _(
                "Someone else moved or changed “%(title)s” while you were looking: it is now in "
                "%(column)s, place %(place)s. The board below shows where everything is now; "
                "move it again if you still want to.",
                title=current.title,
                column=column.name,
                place=current.position + 1,
            ),
            field="version",
        )
        self.current = current
        self.column = column


@dataclass(frozen=True)
class Repeat:
    """Every ``every`` ``unit``, counted from completion or from the previous due date, in
    ``timezone`` (whose wall clock a due time keeps)."""

    every: int
    unit: str = RepeatUnit.WEEKS
    mode: str = RepeatMode.AFTER_COMPLETION
    timezone: str = "UTC"


@dataclass(frozen=True)
class TaskInput:
    title: str
    description: str = ""
    priority: str = Priority.NORMAL
    due_date: date | None = None
    due_at: datetime | None = None
    label_ids: tuple[int, ...] = field(default_factory=tuple)
    repeat: Repeat | None = None


def repeat_of(task: Task) -> Repeat | None:
    """The task's repeat rule, or None when it does not repeat."""
    if task.repeat_every is None or task.repeat_unit is None or task.repeat_mode is None:
        return None
    return Repeat(
        task.repeat_every,
        str(task.repeat_unit),
        str(task.repeat_mode),
        task.repeat_timezone or "UTC",
    )


def repeat_keeping_zone(wanted: Repeat | None, task: Task) -> Repeat | None:
    """``wanted`` in the task's own repeat zone when the rule itself is unchanged: someone in
    London retitling a task that repeats at 09:00 New York time keeps it at 09:00 there."""
    current = repeat_of(task)
    if current is None or wanted is None:
        return wanted
    if (current.every, current.unit, current.mode) != (wanted.every, wanted.unit, wanted.mode):
        return wanted
    return replace(wanted, timezone=current.timezone)


def repeat_columns(repeat: Repeat | None) -> dict[str, Any]:
    """The task's columns that hold ``repeat`` (all empty for a task that does not repeat)."""
    if repeat is None:
        return {
            "repeat_every": None,
            "repeat_unit": None,
            "repeat_mode": None,
            "repeat_timezone": "",
        }
    return {
        "repeat_every": repeat.every,
        "repeat_unit": repeat.unit,
        "repeat_mode": repeat.mode,
        "repeat_timezone": repeat.timezone,
    }


async def get_task(task_id: int) -> Task:
    """Raises NotFound."""
    task = await Task.get_or_none(id=task_id)
    if task is None:
        raise NotFound(_("There is no such task. It may have been deleted."))
    return task


async def task_for(user: User, task_id: int, needed: Level) -> tuple[Task, Board, Level]:
    """The task, its board and the user's level there. Raises NotFound, PermissionDenied."""
    task = await get_task(task_id)
    board = await get_board(task.board_id)
    level = await require(user, board, needed)
    return task, board, level


def too_long(limit: int, typed: int) -> str:
    return _("At most %(n)s characters, please (you typed %(typed)s).", n=limit, typed=typed)


async def lock_board(board_id: int) -> None:
    """Hold the board's row until the transaction ends (ignored on SQLite's single writer)."""
    await Board.filter(id=board_id).select_for_update().first()


async def renumber(column_id: int, order: list[int]) -> None:
    """Give the tasks ``order`` (ids) positions 0..n-1, writing only what changed."""
    rows = await Task.filter(column_id=column_id).values_list("id", "position")
    current = {int(tid): int(n) for tid, n in rows}
    # Rows that shift by the same amount share one UPDATE: a move is at most three statements
    # (the moved task, the ones that make room, the ones that close the gap).
    by_shift: dict[int, list[int]] = defaultdict(list)
    for n, tid in enumerate(order):
        if tid in current and current[tid] != n:
            by_shift[n - current[tid]].append(tid)
    for shift, ids in by_shift.items():
        await Task.filter(id__in=ids).update(position=F("position") + shift)


async def column_order(column_id: int, *, without: int | None = None) -> list[int]:
    ids = (
        await Task.filter(column_id=column_id)
        .order_by("position", "id")
        .values_list("id", flat=True)
    )
    return [int(i) for i in cast(list[int], ids) if i != without]
