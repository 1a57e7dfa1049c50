"""The hours approval list and the opportunities list come a page at a time (issue #18)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.shifts import hours, service
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of
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


async def test_hours_totals_page_by_their_own_parameter(client, frozen_clock):
    manager = await make_user(Role.MANAGER)
    volunteer = await make_volunteer()
    months = iter(range(1, 13))

    async def add(n: int) -> None:
        program = await make_program(manager=manager)
        for _n in range(n):  # one more month each: one more total, and nothing left waiting
            day = date(2025, next(months), 1)
            entry = await hours.log_offsite_hours(
                volunteer, program_id=program.id, work_date=day, minutes=30, description="x"
            )
            await hours.decide_hours(manager, entry.id, approve=True)

    def months_shown(html: str) -> list[str]:
        return re.findall(r"<tr><td>(\d{4}-\d\d)</td>", html)

    await log_in(client, manager.email)
    await check_html_paging(
        client, "/shifts/hours", add=add, rows=months_shown, param="totals_page"
    )
    both = await client.get("/shifts/hours?totals_page=2&per_page=2&page=1")
    assert months_shown(both.text) == ["2025-03"], "the other list's page is left alone"


async def test_past_shifts_page_by_their_own_parameter(client, settings, frozen_clock):
    volunteer = await make_volunteer()
    start = frozen_clock
    numbers = iter(range(1, 10))

    async def add(n: int) -> None:
        clock.set_now(start)
        for _n in range(n):
            number = next(numbers)
            opportunity = await make_opportunity(title=f"Past {number}")
            shift = await make_shift(opportunity, starts_at=start + timedelta(days=number))
            await service.sign_up(volunteer, shift.id, settings=settings)
        clock.set_now(start + timedelta(days=30))  # every one of them is over now
        client.cookies.clear()  # a month on, the old session has ended: sign in afresh
        await log_in(client, volunteer.email)

    def past(html: str) -> list[str]:
        return re.findall(r"<tr><td>(Past \d+)</td>", html)

    await log_in(client, volunteer.email)
    await check_html_paging(client, "/shifts/mine", add=add, rows=past, param="past_page")
    newest = await client.get("/shifts/mine?per_page=2")
    assert past(newest.text) == ["Past 3", "Past 2"], "newest first"


async def test_an_opportunitys_shifts_come_a_page_at_a_time(client, frozen_clock):
    opportunity = await make_opportunity()
    program = await opportunity.program
    neighbour = await make_opportunity(program=program, manager=await manager_of(opportunity))
    await make_shift(neighbour)  # same program, another opportunity: never listed here
    starts_at = frozen_clock + timedelta(days=2)

    async def add(n: int) -> None:
        for _n in range(n):  # one start for all: only the id keeps the pages apart
            await make_shift(opportunity, starts_at=starts_at)

    await check_html_paging(
        client, f"/opportunities/{opportunity.id}", add=add, rows=ids(r'href="/shifts/(\d+)"')
    )


async def test_my_hours_totals_page_by_their_own_parameter(client, frozen_clock):
    volunteer, program = await make_volunteer(), await make_program()
    months = iter(range(1, 13))

    async def add(n: int) -> None:
        for _n in range(n):  # one more month each: one more total
            day = date(2025, next(months), 1)
            await hours.log_offsite_hours(
                volunteer, program_id=program.id, work_date=day, minutes=30, description="x"
            )

    def months_shown(html: str) -> list[str]:
        return re.findall(r"<tr><td>(\d{4}-\d\d)</td>", html)

    await log_in(client, volunteer.email)
    await check_html_paging(client, "/shifts/mine", add=add, rows=months_shown, param="totals_page")
