"""Task order within columns: moves, steps, deletes, and many moves at once."""

from __future__ import annotations

import asyncio
import random

import pytest

from opsuite.auth.models import Role
from opsuite.errors import InvalidInput
from opsuite.tasks import service
from opsuite.tasks.boards import add_member
from tests.factories.auth import make_user
from tests.factories.tasks import columns, make_board, make_task, positions


async def test_new_tasks_go_to_the_bottom_of_the_first_column(settings):
    board = await make_board()
    first = await make_task(board, settings=settings, title="Buy rice")
    second = await make_task(board, settings=settings, title="Book van")
    assert (await positions(board))["To do"] == [first.id, second.id]


async def test_moving_to_a_position_renumbers_both_columns(settings):
    board = await make_board()
    manager = await board.created_by
    _todo, doing, *_rest = await columns(board)
    tasks = [await make_task(board, settings=settings) for _ in range(4)]
    doing_task = await make_task(board, settings=settings, column=doing)

    await service.move_task(manager, tasks[1].id, column_id=doing.id, position=0, settings=settings)

    order = await positions(board)
    assert order["To do"] == [tasks[0].id, tasks[2].id, tasks[3].id]
    assert order["Doing"] == [tasks[1].id, doing_task.id]


async def test_up_and_down_buttons_swap_neighbours(settings):
    board = await make_board()
    manager = await board.created_by
    a, b, c = [await make_task(board, settings=settings) for _ in range(3)]

    await service.move_step(manager, c.id, up=True, settings=settings)
    assert (await positions(board))["To do"] == [a.id, c.id, b.id]
    await service.move_step(manager, a.id, up=False, settings=settings)
    assert (await positions(board))["To do"] == [c.id, a.id, b.id]
    await service.move_step(manager, c.id, up=True, settings=settings)  # already at the top
    assert (await positions(board))["To do"] == [c.id, a.id, b.id]


async def test_deleting_a_task_closes_the_gap(settings):
    board = await make_board()
    manager = await board.created_by
    a, b, c = [await make_task(board, settings=settings) for _ in range(3)]
    await service.delete_task(manager, b.id)
    assert (await positions(board))["To do"] == [a.id, c.id]


async def test_moving_into_another_boards_column_is_refused(settings):
    board, other = await make_board(), await make_board()
    manager = await board.created_by
    task = await make_task(board, settings=settings)
    with pytest.raises(InvalidInput) as caught:
        await service.move_task(
            manager, task.id, column_id=(await columns(other))[0].id, settings=settings
        )
    assert caught.value.field == "column_id"
    assert (await positions(board))["To do"] == [task.id]


async def test_moving_into_a_done_column_completes_the_task_and_back_reopens_it(settings):
    board = await make_board()
    manager = await board.created_by
    todo, *_middle, done = await columns(board)
    task = await make_task(board, settings=settings)
    moved = await service.move_task(manager, task.id, column_id=done.id, settings=settings)
    assert moved.task.completed_at is not None
    back = await service.move_task(manager, task.id, column_id=todo.id, settings=settings)
    assert back.task.completed_at is None


async def test_positions_stay_dense_after_many_concurrent_moves(settings):
    board = await make_board()
    staff = [await make_user(Role.STAFF) for _ in range(4)]
    for person in staff:
        await add_member(await board.created_by, board, person, is_manager=False)
    cols = await columns(board)
    tasks = [await make_task(board, settings=settings) for _ in range(12)]
    rng = random.Random(7)

    async def mover(person, rounds):
        for _ in range(rounds):
            await service.move_task(
                person,
                rng.choice(tasks).id,
                column_id=rng.choice(cols).id,
                position=rng.randint(0, 12),
                settings=settings,
            )

    await asyncio.gather(*(mover(person, 15) for person in staff))

    order = await positions(board)  # asserts 0..n-1 in every column
    placed = [tid for ids in order.values() for tid in ids]
    assert sorted(placed) == sorted(t.id for t in tasks)
