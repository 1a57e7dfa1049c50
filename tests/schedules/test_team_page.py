"""The team schedule: who works now (with their local time), today, the week grid in the
viewer's zone, the location filter and the overlap, against hand-computed instants."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from opsuite import clock
from opsuite.people.models import TeamMember
from opsuite.schedules.models import Holiday
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, make_leave, make_office, weekday_blocks
from tests.schedules.helpers import cells, section, switch_to

EVERY_DAY = range(7)


async def add_member(team, person) -> None:
    await TeamMember.create(team=team, user=person)


def grid(response) -> dict[str, list[str]]:
    """Person's name -> the seven day cells of the week grid."""
    table = re.search(r'<table class="schedule grid">(.*?)</table>', response.text, re.S)
    assert table
    body = table.group(1).split("<tbody>", 1)[1]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        texts = cells(row)
        if len(texts) == 8:
            rows[texts[0].split(" ")[0]] = texts[1:]
    return rows


async def three_zones(viewer_zone: str):
    """A team with a daily 09:00-17:00 worker in New York, London (at home) and Shanghai."""
    viewer = await make_user("manager", name="Viewer", timezone=viewer_zone)
    ana = await make_user("staff", name="Ana", timezone="America/New_York")
    ben = await make_user("staff", name="Ben", timezone="Europe/London")
    chen = await make_user("staff", name="Chen", timezone="Asia/Shanghai")
    team = await make_team(manager=viewer, members=[ana, ben, chen])
    await make_arrangement(ana, actor=viewer, blocks=weekday_blocks(days=EVERY_DAY))
    await make_arrangement(
        ben, actor=viewer, blocks=weekday_blocks(days=EVERY_DAY, location="home")
    )
    await make_arrangement(chen, actor=viewer, blocks=weekday_blocks(days=EVERY_DAY))
    return viewer, team, (ana, ben, chen)


async def test_week_grid_is_in_the_viewers_zone_across_the_us_dst_change(client, frozen_clock):
    viewer, team, _people = await three_zones("America/New_York")
    await log_in(client, viewer.email)
    response = await client.get(f"/schedule/team?team={team.id}&week=2026-03-02")
    assert response.status_code == 200
    assert "All times are in your time zone, America/New_York." in response.text
    rows = grid(response)
    saturday, sunday = 5, 6  # 7 and 8 March; New York springs forward at 02:00 on the 8th
    # Ana's rule is wall-clock New York time: unchanged by the switch.
    assert rows["Ana"][saturday] == "09:00–17:00 Office 8 h"
    assert rows["Ana"][sunday] == "09:00–17:00 Office 8 h"
    # Ben's 09:00 London (GMT until the 29th) is 09:00Z: 04:00 EST on Saturday, 05:00 EDT
    # on Sunday.
    assert rows["Ben"][saturday] == "04:00–12:00 At home 8 h"
    assert rows["Ben"][sunday] == "05:00–13:00 At home 8 h"
    # Chen's Saturday 09:00-17:00 CST is 01:00Z-09:00Z: Friday 20:00 to Saturday 04:00 EST.
    # His Sunday is 01:00Z-09:00Z on the 8th: Saturday 20:00 EST to Sunday 05:00 EDT, of
    # which Sunday 00:00-05:00 is only four hours (02:00-03:00 never happens). His Monday
    # starts 01:00Z on the 9th: Sunday 21:00 EDT.
    assert rows["Chen"][saturday] == "00:00–04:00 Office 20:00–24:00 Office 8 h"
    assert rows["Chen"][sunday] == "00:00–05:00 Office 21:00–24:00 Office 7 h"


async def test_who_works_now_shows_each_persons_local_time(client):
    viewer = await make_user("manager", name="Viewer", timezone="Europe/London")
    ana = await make_user("staff", name="Ana Lima", timezone="America/New_York")
    chen = await make_user("staff", name="Chen Wei", timezone="Asia/Shanghai")
    dana = await make_user("staff", name="Dana Wu", timezone="Asia/Shanghai")
    team = await make_team(manager=viewer, members=[ana, chen, dana])
    await make_arrangement(ana, actor=viewer)
    await make_arrangement(
        chen, actor=viewer, blocks=weekday_blocks(time(18), time(22), location="home")
    )
    await make_arrangement(dana, actor=viewer)
    # Tuesday 10 March 2026, 13:30 UTC: 09:30 EDT in New York (UTC-4 since the 8th) and
    # 21:30 in Shanghai (UTC+8). Ana (09:00-17:00) and Chen (18:00-22:00) work, Dana
    # (09:00-17:00 Shanghai) has gone home.
    clock.set_now(datetime(2026, 3, 10, 13, 30, tzinfo=UTC))
    await log_in(client, viewer.email)
    response = await client.get(f"/schedule/team?team={team.id}")
    now = section(response, "now")
    # Until when, in the viewer's zone (London, GMT): 17:00 EDT = 21:00; 22:00 CST = 14:00.
    assert "Ana Lima — 09:30 local time (America/New_York), Office, until 21:00" in now
    assert "Chen Wei — 21:30 local time (Asia/Shanghai), At home, until 14:00" in now
    assert "Dana Wu" not in now

    api = await client.get(f"/api/v1/working-now?team={team.id}")
    assert api.status_code == 200
    people = {p["name"]: p for p in api.json()["items"]}
    assert sorted(people) == ["Ana Lima", "Chen Wei"]
    assert people["Ana Lima"]["local_time"] == "2026-03-10T09:30:00-04:00"
    assert people["Chen Wei"]["local_time"] == "2026-03-10T21:30:00+08:00"
    assert people["Chen Wei"]["interval"] == {
        "start": "2026-03-10T10:00:00Z",
        "end": "2026-03-10T14:00:00Z",
        "kind": "work",
        "location": "home",
        "office_id": None,
        "detail": "",
    }


async def test_today_lists_who_works_and_who_is_off(client, settings):
    viewer = await make_user("manager", name="Viewer", timezone="Asia/Shanghai")
    ana = await make_user("staff", name="Ana", timezone="Asia/Shanghai")
    ben = await make_user("staff", name="Ben", timezone="Asia/Shanghai")
    chen = await make_user("staff", name="Chen", timezone="Asia/Shanghai")
    team = await make_team(manager=viewer, members=[ana, ben, chen])
    beijing = await make_office(name="Beijing")
    shanghai = await make_office(name="Shanghai")
    for person, office in ((ana, beijing), (ben, beijing), (chen, shanghai)):
        await make_arrangement(person, actor=viewer, office=office)
    await make_leave(ben, date(2026, 3, 10), settings=settings, approved_by=viewer)
    await Holiday.create(office=shanghai, date=date(2026, 3, 10), name="Founders' Day")
    clock.set_now(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    await log_in(client, viewer.email)
    today = section(await client.get(f"/schedule/team?team={team.id}"), "today")
    working, off = today.split("Off today")
    assert "Ana: 09:00–17:00 Beijing" in working
    assert "Ben" not in working
    assert "Chen" not in working
    assert "Ben: 00:00–24:00 Time off (Vacation)" in off
    assert "Chen: 00:00–24:00 Holiday: Founders' Day" in off


async def test_overlap_of_everyone_or_of_the_chosen_people(client, frozen_clock):
    viewer, team, (ana, ben, _chen) = await three_zones("America/New_York")
    await log_in(client, viewer.email)
    everyone = await client.get(f"/schedule/team?team={team.id}&week=2026-03-02")
    text = section(everyone, "overlap")
    assert "Overlap this week: 0 hours" in text
    assert "There is no time this week when all of them are working." in text

    # Ana (09:00-17:00 New York: 14:00Z-22:00Z on EST, 13:00Z-21:00Z on EDT) and Ben
    # (09:00-17:00 London, 09:00Z-17:00Z) share 14:00Z-17:00Z = 09:00-12:00 EST, and on
    # Sunday the 8th 13:00Z-17:00Z = 09:00-13:00 EDT: 6 x 3 + 4 hours.
    query = f"team={team.id}&week=2026-03-02&people={ana.id}&people={ben.id}"
    chosen = await client.get(f"/schedule/team?{query}")
    text = section(chosen, "overlap")
    assert "Overlap this week: 22 hours" in text
    assert "Mon 2 Mar: 09:00–12:00" in text
    assert "Sun 8 Mar: 09:00–13:00" in text
    assert f'name="people" value="{ana.id}" checked' in chosen.text
    assert f'name="people" value="{ben.id}" checked' in chosen.text


async def test_filter_by_location_keeps_only_people_working_there(client, frozen_clock):
    viewer, team, _people = await three_zones("America/New_York")
    await log_in(client, viewer.email)
    response = await client.get(f"/schedule/team?team={team.id}&week=2026-03-02&location=home")
    assert sorted(grid(response)) == ["Ben"]
    bad = await client.get(f"/schedule/team?team={team.id}&location=moon")
    assert bad.status_code == 400


async def test_who_may_see_a_team_schedule(client, frozen_clock):
    viewer, team, (ana, _ben, _chen) = await three_zones("Asia/Shanghai")
    outsider = await make_user("staff")
    other_manager = await make_user("manager")
    await make_team(manager=other_manager, members=[outsider])
    admin = await make_user("admin")
    url = f"/schedule/team?team={team.id}"
    for allowed in (ana, viewer, admin):
        await switch_to(client, allowed.email)
        assert (await client.get(url)).status_code == 200, allowed.name
    for refused in (outsider, other_manager):
        await switch_to(client, refused.email)
        assert (await client.get(url)).status_code == 403, refused.name
        assert (
            await client.get(f"/api/v1/teams/{team.id}/intervals?start=2026-03-02&end=2026-03-09")
        ).status_code == 403
    # Without ?team, staff see their own team; someone in no team gets a friendly page.
    await switch_to(client, ana.email)
    assert f'<option value="{team.id}" selected>' in (await client.get("/schedule/team")).text
    loner = await make_user("staff")
    await switch_to(client, loner.email)
    alone = await client.get("/schedule/team")
    assert "You are not in a team yet" in alone.text


async def test_staff_see_only_edit_links_when_they_run_the_team(client, frozen_clock):
    viewer, team, (ana, _ben, _chen) = await three_zones("Asia/Shanghai")
    await log_in(client, ana.email)
    page = await client.get(f"/schedule/team?team={team.id}")
    assert "/arrangement" not in page.text
    await switch_to(client, viewer.email)
    page = await client.get(f"/schedule/team?team={team.id}")
    assert f"/schedule/people/{ana.id}/arrangement" in page.text


async def test_team_page_runs_the_same_number_of_queries_for_a_bigger_team(
    client, frozen_clock, queries
):
    viewer, team, _people = await three_zones("Asia/Shanghai")
    await log_in(client, viewer.email)
    url = f"/schedule/team?team={team.id}&week=2026-03-02"
    await client.get(url)
    queries.count = 0
    assert (await client.get(url)).status_code == 200
    few = queries.count
    for n in range(5):
        person = await make_user("staff", name=f"Extra {n}", timezone="Europe/Berlin")
        await add_member(team, person)
        await make_arrangement(person, actor=viewer, blocks=weekday_blocks(location="home"))
    queries.count = 0
    response = await client.get(url)
    assert "Extra 4" in response.text
    assert 0 < queries.count == few


async def test_the_team_week_costs_the_same_queries_for_three_people_or_twelve(
    client, settings, frozen_clock, queries
):
    viewer = await make_user("manager", name="Viewer", timezone="Europe/London")
    office = await make_office()
    await log_in(client, viewer.email)
    costs = []
    for size in (3, 12):
        people = [await make_user("staff", name=f"P{size}-{i}") for i in range(size)]
        team = await make_team(manager=viewer, members=people)
        for i, person in enumerate(people):
            await make_arrangement(
                person, actor=viewer, blocks=weekday_blocks(location="home" if i % 2 else "office")
            )
            await make_leave(person, date(2026, 3, 4), settings=settings, approved_by=viewer)
        await Holiday.create(office=office, date=date(2026, 3, size % 7 + 2), name=f"Day {size}")
        queries.count = 0
        response = await client.get(f"/schedule/team?team={team.id}&week=2026-03-02")
        assert response.status_code == 200
        costs.append(queries.count)

    assert costs[0] == costs[1], f"queries for 3 and 12 people: {costs}"
