"""Builders for boards and tasks, made through the tasks service like real data."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from opsuite.auth.models import Role, User
from opsuite.settings import Settings
from opsuite.tasks import boards, service
from opsuite.tasks.models import Board, Column, Task
from tests.factories.auth import make_user

_numbers = itertools.count(1)


async def make_board(
    *,
    manager: User | None = None,
    members: Iterable[User] = (),
    name: str | None = None,
    **fields: Any,
) -> Board:
    """A board with To do / Doing / Review / Done, run by ``manager`` (a new manager if none),
    with ``members`` able to edit it."""
    manager = manager or await make_user(Role.MANAGER)
    board = await boards.create_board(manager, name=name or f"Board {next(_numbers)}", **fields)
    for member in members:
        await boards.add_member(manager, board, member, is_manager=False)
    return board


async def columns(board: Board) -> list[Column]:
    return await boards.columns_of(board)


async def make_task(
    board: Board,
    *,
    settings: Settings,
    by: User | None = None,
    title: str | None = None,
    column: Column | None = None,
    assignees: Iterable[User] = (),
    due_date: date | None = None,
    due_at: datetime | None = None,
    **fields: Any,
) -> Task:
    creator = by or await User.get(id=board.created_by_id)
    return await service.create_task(
        creator,
        board,
        service.TaskInput(
            title=title or f"Task {next(_numbers)}", due_date=due_date, due_at=due_at, **fields
        ),
        column_id=column.id if column else None,
        assignee_ids=tuple(u.id for u in assignees),
        settings=settings,
    )


async def positions(board: Board) -> dict[str, list[int]]:
    """Each column's task ids in order, and a check that positions are exactly 0..n-1."""
    out: dict[str, list[int]] = {}
    for column in await columns(board):
        tasks = await Task.filter(column_id=column.id).order_by("position", "id")
        assert [t.position for t in tasks] == list(range(len(tasks))), (column.name, tasks)
        out[column.name] = [t.id for t in tasks]
    return out


async def bulk_tasks(board: Board, n: int, *, assignee: User, label_name: str) -> None:
    """``n`` tasks spread over the board's columns, each assigned, labelled, with a checklist
    item and a comment (written in bulk: a benchmark needs thousands)."""
    from opsuite import clock
    from opsuite.tasks.models import ChecklistItem, Comment, Label, TaskAssignee, TaskLabel

    now = clock.now()
    cols = await columns(board)
    label = await Label.create(board=board, name=label_name)
    per_column: dict[int, int] = {}
    rows = []
    for i in range(n):
        column = cols[i % len(cols)]
        position = per_column.get(column.id, 0)
        per_column[column.id] = position + 1
        rows.append(
            Task(
                board=board,
                column=column,
                position=position,
                title=f"Bulk task {i}",
                created_at=now,
                updated_at=now,
                due_date=date(2026, 3, 1 + i % 28),
            )
        )
    await Task.bulk_create(rows, batch_size=500)
    tasks = await Task.filter(board_id=board.id)
    await TaskAssignee.bulk_create(
        [TaskAssignee(task=t, user=assignee, assigned_at=now) for t in tasks], batch_size=500
    )
    await TaskLabel.bulk_create([TaskLabel(task=t, label=label) for t in tasks], batch_size=500)
    await ChecklistItem.bulk_create(
        [ChecklistItem(task=t, text="Check", position=0) for t in tasks], batch_size=500
    )
    await Comment.bulk_create(
        [Comment(task=t, author=assignee, body="Noted", created_at=now) for t in tasks],
        batch_size=500,
    )
