"""The hours approval list and the opportunities list come a page at a time (issue #18)."""

from __future__ import annotations

import re
from datetime import date

from opsuite.auth.models import Role
from opsuite.shifts import hours
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_volunteer
from tests.paging import check_html_paging


def ids(pattern: str):
    def found(html: str) -> list[str]:
        return list(dict.fromkeys(re.findall(pattern, html)))  # each row once, in order

    return found


async def test_hours_waiting_for_approval_come_a_page_at_a_time(client, frozen_clock):
    manager = await make_user(Role.MANAGER)
    program, elsewhere = await make_program(manager=manager), await make_program()
    volunteer = await make_volunteer()
    await hours.log_offsite_hours(  # a program the manager does not run: never listed
        volunteer, program_id=elsewhere.id, work_date=date(2026, 3, 1), minutes=30, description="x"
    )

    async def add(n: int) -> None:
        for _n in range(n):  # one work day: only the id keeps the pages apart
            await hours.log_offsite_hours(
                volunteer,
                program_id=program.id,
                work_date=date(2026, 3, 1),
                minutes=30,
                description="Leaflets",
            )

    await log_in(client, manager.email)
    await check_html_paging(
        client, "/shifts/hours", add=add, rows=ids(r'action="/shifts/hours/(\d+)/decide"')
    )


async def test_opportunities_come_a_page_at_a_time(client, frozen_clock):
    manager = await make_user(Role.MANAGER)
    program = await make_program(manager=manager)

    async def add(n: int) -> None:
        for _n in range(n):  # one title for all: only the id keeps the pages apart
            await make_opportunity(program=program, manager=manager, title="Sorting")

    await check_html_paging(
        client, "/opportunities", add=add, rows=ids(r'href="/opportunities/(\d+)"')
    )


async def test_the_pager_speaks_chinese(client, frozen_clock):
    manager = await make_user(Role.MANAGER, locale="zh_Hans")
    program = await make_program(manager=manager)
    for _n in range(3):
        await make_opportunity(program=program, manager=manager)
    await log_in(client, manager.email)
    first = (await client.get("/opportunities?per_page=2")).text
    assert "第 1 页，共 2 页" in first
    assert "下一页" in first
    second = (await client.get("/opportunities?per_page=2&page=2")).text
    assert "第 2 页，共 2 页" in second
    assert "上一页" in second
