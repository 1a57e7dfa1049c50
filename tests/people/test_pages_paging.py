"""A team's members and a program's people come a page at a time (issue #18)."""

from __future__ import annotations

import re

from opsuite.auth.models import Role
from opsuite.people.models import ProgramAccess, ProgramRole, TeamMember
from opsuite.people.service import add_team_member, grant_program_access
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team
from tests.paging import check_html_paging


def people_rows(html: str) -> list[str]:
    return re.findall(r'<td><a href="/people/(\d+)">', html)


async def test_a_teams_members_come_a_page_at_a_time(client, frozen_clock):
    admin = await make_user(Role.ADMIN)
    team = await make_team()
    await TeamMember.filter(team=team).delete()  # a team that starts empty

    async def add(n: int) -> None:
        for _n in range(n):  # one name for all: only the id keeps the pages apart
            await add_team_member(admin, team, await make_user(Role.STAFF, name="Sam Lee"))

    await log_in(client, admin.email)
    await check_html_paging(client, f"/teams/{team.id}", add=add, rows=people_rows)


async def test_a_programs_people_come_a_page_at_a_time(client, frozen_clock):
    admin = await make_user(Role.ADMIN)
    program = await make_program()
    await ProgramRole.filter(program=program).delete()  # a program nobody follows yet

    async def add(n: int) -> None:
        for _n in range(n):
            person = await make_user(Role.VOLUNTEER, name="Sam Lee")
            await grant_program_access(admin, program, person, access=ProgramAccess.READ)

    await log_in(client, admin.email)
    await check_html_paging(client, f"/programs/{program.id}", add=add, rows=people_rows)
