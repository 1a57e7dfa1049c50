"""A report's table comes a page at a time; its downloads keep every row (issue #18)."""

from __future__ import annotations

import itertools
import re
from datetime import date

from opsuite.auth.models import Role
from opsuite.shifts.hours import log_offsite_hours
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer
from tests.paging import check_html_paging

PATH = "/reports/hours?start=2026-02-01&end=2026-02-28&group=volunteer"


async def test_a_report_table_comes_a_page_at_a_time(client, frozen_clock):
    manager = await make_user(Role.MANAGER, timezone="UTC")
    program = await make_program(manager=manager)
    numbers = itertools.count(10)

    async def add(n: int) -> None:
        for _n in range(n):  # one volunteer, one row
            volunteer = await make_volunteer(name=f"Volunteer {next(numbers)}")
            await log_offsite_hours(
                volunteer,
                program_id=program.id,
                work_date=date(2026, 2, 10),
                minutes=60,
                description="sorting",
            )

    def rows(html: str) -> list[str]:
        return re.findall(r"<tr><td>(Volunteer \d+) \(#\d+\)</td>", html)

    await log_in(client, manager.email)
    await check_html_paging(client, PATH, add=add, rows=rows)
    everything = (await client.get(f"{PATH}&format=json&per_page=1")).json()
    assert len(everything["rows"]) == 3, "a download is the whole report"
