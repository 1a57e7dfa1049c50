"""Who is working now in every team a manager may see (local time, where, until when; by team;
a page at a time), and "When everyone is working" leaving out people without an arrangement
unless asked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from opsuite import clock
from opsuite.schedules import service
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, weekday_blocks
from tests.schedules.helpers import section, table_rows

TUESDAY_1400Z = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 10:00 EDT, 14:00 GMT, 22:00 CST


async def two_teams():
    """Mina runs New York (Ana, office 09-17) and London (Ben, home 09-17; Cleo, no
    arrangement); Shanghai (Chen, 09-17, off by now) is someone else's."""
    mina = await make_user("manager", name="Mina", timezone="Europe/London")
    ana = await make_user("staff", name="Ana", timezone="America/New_York")
    ben = await make_user("staff", name="Ben", timezone="Europe/London")
    cleo = await make_user("volunteer", name="Cleo", timezone="Europe/London")
    chen = await make_user("staff", name="Chen", timezone="Asia/Shanghai")
    ny = await make_team(manager=mina, members=[ana], name="New York")
    london = await make_team(manager=mina, members=[ben, cleo], name="London")
    await make_team(members=[chen], name="Shanghai")
    await make_arrangement(ana, blocks=weekday_blocks(time(9), time(17)))
    await make_arrangement(ben, blocks=weekday_blocks(time(9), time(17), location="home"))
    await make_arrangement(chen, blocks=weekday_blocks(time(9), time(17)))
    return mina, ny, london, (ana, ben, cleo, chen)


def test_the_overlap_counts_the_ticked_of_a_group_else_all_of_it():
    assert service.who_to_overlap([1, 2, 3], []) == [1, 2, 3]
    assert service.who_to_overlap([1, 2, 3], [2, 4]) == [2]
    assert service.who_to_overlap([1, 2, 3], [4]) == [1, 2, 3]  # none of them ticked
    assert service.who_to_overlap([], [4]) == []


async def test_people_with_an_arrangement_in_force_by_a_day(frozen_clock):
    _mina, _ny, _london, (ana, ben, cleo, _chen) = await two_teams()
    later = await make_user("staff")
    await make_arrangement(later, valid_from=date(2026, 6, 1))
    ids = [ana.id, ben.id, cleo.id, later.id]
    assert await service.people_with_arrangements(ids, date(2026, 3, 16)) == {ana.id, ben.id}
    assert later.id in await service.people_with_arrangements(ids, date(2026, 6, 2))


async def test_a_manager_sees_who_works_now_in_all_their_teams(client):
    mina, ny, london, (_ana, _ben, _cleo, _chen) = await two_teams()
    clock.set_now(TUESDAY_1400Z)
    try:
        await log_in(client, mina.email)
        everywhere = await client.get("/schedule/working-now")
        assert everywhere.status_code == 200
        assert table_rows(everywhere, "working-now") == [
            "Ana 10:00 America/New_York Office 17:00",
            "Ben 14:00 Europe/London At home 17:00",
        ]
        one = await client.get(f"/schedule/working-now?team={london.id}")
        assert table_rows(one, "working-now") == ["Ben 14:00 Europe/London At home 17:00"]
        second = await client.get("/schedule/working-now?per_page=1&page=2")
        assert table_rows(second, "working-now") == ["Ben 14:00 Europe/London At home 17:00"]
        assert "Page 2 of 2" in second.text
        assert (await client.get("/schedule/working-now?page=0")).status_code == 400
        team_page = await client.get(f"/schedule/team?team={ny.id}")
        assert 'href="/schedule/working-now"' in team_page.text
    finally:
        clock.set_now(None)


async def test_another_teams_schedule_stays_closed(client, frozen_clock):
    mina, _ny, _london, _people = await two_teams()
    shanghai = await make_team(name="Elsewhere")
    staff = await make_user("staff", email="sam@example.org")
    await log_in(client, mina.email)
    assert (await client.get(f"/schedule/working-now?team={shanghai.id}")).status_code in (
        403,
        404,
    )
    client.cookies.clear()
    await log_in(client, staff.email)
    assert (await client.get("/schedule/working-now")).status_code == 403


async def test_when_everyone_is_working_leaves_out_people_without_hours_unless_asked(
    client, frozen_clock
):
    mina, _ny, london, (_ana, ben, cleo, _chen) = await two_teams()
    await log_in(client, mina.email)
    query = f"team={london.id}&week=2026-03-02"
    default = await client.get(f"/schedule/team?{query}")
    text = section(default, "overlap")
    # Ben alone (Mina and Cleo keep no hours): 09:00-17:00 London, Monday to Friday.
    assert "Overlap this week: 40 hours" in text
    assert "Cleo (no work arrangement)" in text
    assert f'name="people" value="{ben.id}" checked' in default.text
    assert f'name="people" value="{cleo.id}" checked' not in default.text

    everyone = await client.get(f"/schedule/team?{query}&without_arrangement=1")
    text = section(everyone, "overlap")
    assert "Overlap this week: 0 hours" in text
    assert f'name="people" value="{cleo.id}" checked' in everyone.text
    assert 'name="without_arrangement" value="1" checked' in everyone.text
