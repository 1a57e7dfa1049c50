"""My leave requests and the approvals waiting for a manager come a page at a time (issue #18)."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from opsuite.auth.models import Role
from opsuite.schedules.service import ArrangementInput, propose_arrangement
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.schedules import make_leave, weekday_blocks
from tests.paging import check_html_paging


async def test_my_leave_requests_come_a_page_at_a_time(client, settings, frozen_clock):
    ana = await make_user(Role.STAFF)
    await make_leave(await make_user(Role.STAFF), date(2026, 4, 1), settings=settings)
    weeks = itertools.count(1)

    async def add(n: int) -> None:
        for _n in range(n):
            await make_leave(
                ana, date(2026, 4, 1) + timedelta(weeks=next(weeks)), settings=settings
            )

    def rows(html: str) -> list[str]:
        return re.findall(r'id="leave-(\d+)"', html)

    await log_in(client, ana.email)
    await check_html_paging(client, "/schedule/leave", add=add, rows=rows)


async def test_leave_waiting_for_approval_comes_a_page_at_a_time(client, settings, frozen_clock):
    admin = await make_user(Role.ADMIN)

    async def add(n: int) -> None:
        for _n in range(n):  # one first day for all: only the id keeps the pages apart
            await make_leave(await make_user(Role.STAFF), date(2026, 4, 1), settings=settings)

    def rows(html: str) -> list[str]:
        return re.findall(r'id="leave-(\d+)"', html)

    await log_in(client, admin.email)
    await check_html_paging(client, "/schedule/approvals", add=add, rows=rows)


async def test_proposed_arrangements_page_by_their_own_parameter(client, frozen_clock):
    admin = await make_user(Role.ADMIN)

    async def add(n: int) -> None:
        for _n in range(n):
            person = await make_user(Role.STAFF)
            data = ArrangementInput(
                kind="fixed",
                valid_from=date(2026, 4, 1),
                timezone=person.timezone,
                blocks=weekday_blocks(),
                office_id=None,
                core=None,
                window=None,
                weekly_hours_target=None,
            )
            await propose_arrangement(person, data)

    def rows(html: str) -> list[str]:
        return re.findall(r'id="proposal-(\d+)"', html)

    await log_in(client, admin.email)
    await check_html_paging(
        client, "/schedule/approvals", add=add, rows=rows, param="proposals_page"
    )
