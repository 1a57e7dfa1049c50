"""The tasks API's lists come a page at a time, like every other list (issue #18)."""

from __future__ import annotations

from opsuite.auth.models import Role
from opsuite.tasks import events
from opsuite.tasks.models import TaskEvent
from tests.factories.auth import make_user
from tests.factories.tasks import make_board, make_task
from tests.paging import check_paging_boundaries
from tests.tasks.test_api import bearer


async def test_my_tasks_keep_the_paging_boundaries(client, settings, frozen_clock):
    amira = await make_user(Role.STAFF)
    board = await make_board(members=[amira])
    await make_task(board, settings=settings)  # nobody's: never on Amira's pages

    async def add(n: int) -> None:
        for _n in range(n):
            await make_task(board, settings=settings, assignees=[amira])

    await check_paging_boundaries(
        client, "/api/v1/tasks/mine", add=add, headers=await bearer(amira)
    )


async def test_a_tasks_activity_keeps_the_paging_boundaries(client, settings, frozen_clock):
    amira = await make_user(Role.STAFF)
    board = await make_board(members=[amira])
    task = await make_task(board, settings=settings)
    other = await make_task(board, settings=settings)
    await TaskEvent.filter(task_id=task.id).delete()  # a log that starts empty
    await events.log_event(board.id, amira, "task.commented", other)  # another task's line

    async def add(n: int) -> None:
        for _n in range(n):
            await events.log_event(board.id, amira, "task.commented", task)

    await check_paging_boundaries(
        client, f"/api/v1/tasks/{task.id}/activity", add=add, headers=await bearer(amira)
    )
