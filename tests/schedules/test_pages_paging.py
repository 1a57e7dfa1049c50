"""My leave requests come a page at a time (issue #18)."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from opsuite.auth.models import Role
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.schedules import make_leave
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
