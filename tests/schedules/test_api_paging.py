"""Who is working now comes a page at a time, like every other API list (issue #18)."""

from __future__ import annotations

from opsuite.auth.models import Role
from opsuite.people.models import TeamMember
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement
from tests.paging import check_paging_boundaries


async def test_working_now_keeps_the_paging_boundaries(client, frozen_clock):
    manager = await make_user(Role.MANAGER)
    team = await make_team(manager=manager)
    off_duty = await make_user(Role.STAFF, timezone="Asia/Tokyo")  # 18:00 there: gone home
    await make_arrangement(off_duty, actor=manager)
    await TeamMember.create(team=team, user=off_duty)

    async def add(n: int) -> None:
        for _n in range(n):  # one name for all: only the id keeps the pages apart
            person = await make_user(Role.STAFF, name="Sam Lee", timezone="Europe/London")
            await make_arrangement(person, actor=manager)  # Monday 09:00 in London: at work
            await TeamMember.create(team=team, user=person)

    await log_in(client, manager.email)
    for path in ("/api/v1/working-now", f"/api/v1/working-now?team={team.id}"):
        keep = [manager.id, off_duty.id]  # start each walk from nobody at work
        await TeamMember.filter(team=team).exclude(user_id__in=keep).delete()
        await check_paging_boundaries(client, path, add=add)
