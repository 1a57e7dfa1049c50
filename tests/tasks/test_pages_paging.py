"""The boards list, My tasks and the task list come a page at a time (issue #18)."""

from __future__ import annotations

import re

from opsuite.auth.models import Role
from opsuite.tasks.boards import add_member
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.tasks import make_board, make_task
from tests.paging import check_html_paging


def ids(pattern: str):
    def found(html: str) -> list[str]:
        return list(dict.fromkeys(re.findall(pattern, html)))  # each row once, in order

    return found


async def test_my_tasks_page_comes_a_page_at_a_time(client, settings, frozen_clock):
    amira = await make_user(Role.STAFF)
    board = await make_board(members=[amira])
    await make_task(board, settings=settings)  # nobody's: never on My tasks

    async def add(n: int) -> None:
        for _n in range(n):
            await make_task(board, settings=settings, assignees=[amira], title="Same title")

    await log_in(client, amira.email)
    await check_html_paging(client, "/tasks/mine", add=add, rows=ids(r'href="/tasks/(\d+)"'))


async def test_task_list_comes_a_page_at_a_time(client, settings, frozen_clock):
    amira = await make_user(Role.STAFF)
    board = await make_board(members=[amira])

    async def add(n: int) -> None:
        for _n in range(n):
            await make_task(board, settings=settings, title="Same title")

    await log_in(client, amira.email)
    await check_html_paging(client, "/tasks", add=add, rows=ids(r'href="/tasks/(\d+)"'))


async def test_boards_list_comes_a_page_at_a_time(client, frozen_clock):
    manager = await make_user(Role.MANAGER)

    async def add(n: int) -> None:
        for _n in range(n):  # one name for all: only the id keeps the pages apart
            await make_board(manager=manager, name="Outreach")

    await log_in(client, manager.email)
    await check_html_paging(client, "/boards", add=add, rows=ids(r'<td><a href="/boards/(\d+)"'))


async def test_task_overview_comes_a_page_at_a_time(client, settings, frozen_clock):
    manager = await make_user(Role.MANAGER)
    board = await make_board(manager=manager)

    async def add(n: int) -> None:
        for _n in range(n):  # one name and one load for all: only the id keeps them apart
            person = await make_user(Role.STAFF, name="Sam Lee")
            await add_member(manager, board, person, is_manager=False)
            await make_task(board, settings=settings, assignees=[person])

    await log_in(client, manager.email)
    await check_html_paging(
        client, "/tasks/overview", add=add, rows=ids(r'href="/tasks\?assignee=(\d+)"')
    )
