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
