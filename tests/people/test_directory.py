from __future__ import annotations

from opsuite.auth.models import Role
from opsuite.people.service import add_team_member, deactivate_person
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team


async def test_staff_search_the_directory_by_name_or_email(client):
    staff = await make_user("staff", name="Sam Staff")
    await make_user("volunteer", name="Priya Raman", email="priya@example.org")
    await make_user("volunteer", name="Tomás Ruiz", email="truiz@example.org")
    await log_in(client, staff.email)

    by_name = await client.get("/people", params={"q": "priya"})
    by_email = await client.get("/people", params={"q": "TRUIZ@"})

    assert by_name.status_code == 200
    assert "Priya Raman" in by_name.text
    assert "Tomás Ruiz" not in by_name.text
    assert "Tomás Ruiz" in by_email.text
    assert "Priya Raman" not in by_email.text
    assert 'value="priya"' in by_name.text  # the search box keeps what was typed


async def test_directory_filters_by_role_team_and_hides_deactivated_people(client):
    manager = await make_user("manager", name="Mei Lin")
    driver = await make_user("volunteer", name="Dara Driver")
    cook = await make_user("staff", name="Cody Cook")
    gone = await make_user("volunteer", name="Gina Gone")
    await make_team(manager=manager, members=[gone])
    await deactivate_person(manager, gone)
    team = await make_team(manager=manager, members=[driver])
    await log_in(client, manager.email)

    volunteers = await client.get("/people", params={"role": "volunteer"})
    in_team = await client.get("/people", params={"team": str(team.id)})
    everyone = await client.get("/people", params={"inactive": "1"})

    assert "Dara Driver" in volunteers.text
    assert "Cody Cook" not in volunteers.text
    assert "Gina Gone" not in volunteers.text
    assert "Dara Driver" in in_team.text
    assert "Mei Lin" in in_team.text  # the team's manager is a member
    assert cook.name not in in_team.text
    assert gone.name in everyone.text
    assert "deactivated" in everyone.text


async def test_directory_pages_through_many_people(client):
    staff = await make_user("staff", name="Aaa Staff")
    for n in range(55):
        await make_user("volunteer", name=f"Volunteer {n:02d}")
    await log_in(client, staff.email)

    first = await client.get("/people")
    second = await client.get("/people", params={"page": "2"})

    assert "56 people" in first.text
    assert "Page 1 of 2" in first.text
    assert "Volunteer 48" in first.text
    assert "Volunteer 49" not in first.text
    assert "Volunteer 49" in second.text
    assert "Volunteer 54" in second.text
    assert (await client.get("/people", params={"page": "0"})).status_code == 400
    assert (await client.get("/people", params={"role": "wizard"})).status_code == 400
    assert (await client.get("/people", params={"team": "x"})).status_code == 400


async def test_directory_list_runs_the_same_number_of_queries_for_more_people(client, queries):
    staff = await make_user("staff")
    team = await make_team()
    await log_in(client, staff.email)
    for n in range(3):
        await add_team_member(
            await make_user(Role.ADMIN), team, await make_user("volunteer", name=f"A{n}")
        )
    queries.count = 0
    await client.get("/people")
    few = queries.count
    for n in range(10):
        await add_team_member(
            await make_user(Role.ADMIN), team, await make_user("volunteer", name=f"B{n}")
        )

    queries.count = 0
    response = await client.get("/people")

    assert response.status_code == 200
    assert 0 < queries.count == few


async def test_volunteers_cannot_browse_the_directory(client):
    volunteer = await make_user("volunteer")
    await log_in(client, volunteer.email)

    assert (await client.get("/people")).status_code == 403
    assert (await client.get("/teams")).status_code == 403


async def test_anonymous_visitors_are_sent_to_log_in(client):
    response = await client.get("/people")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/people"


async def test_person_page_shows_profile_teams_and_programs(client):
    manager = await make_user("manager")
    person = await make_user(
        "volunteer", name="Priya Raman", phone="+86 10 5555 0101", skills=["first aid", "Hindi"]
    )
    await make_team(manager=manager, members=[person], name="Night shelter")
    await make_program(manager=manager, readers=[person], name="Winter relief")
    await log_in(client, manager.email)

    page = await client.get(f"/people/{person.id}")

    assert page.status_code == 200
    for text in ("Priya Raman", "first aid, Hindi", "Night shelter", "Winter relief", "read-only"):
        assert text in page.text
    assert person.email in page.text
    assert "+86 10 5555 0101" in page.text


async def test_volunteer_sees_own_contact_details_but_not_other_peoples_pages(client):
    volunteer = await make_user("volunteer", phone="+49 30 1234")
    other = await make_user("volunteer")
    await log_in(client, volunteer.email)

    own = await client.get(f"/people/{volunteer.id}")
    others = await client.get(f"/people/{other.id}")

    assert own.status_code == 200
    assert volunteer.email in own.text
    assert "+49 30 1234" in own.text
    assert others.status_code == 403
    assert other.email not in others.text


async def test_unknown_or_non_numeric_person_ids_are_not_found(client):
    staff = await make_user("staff")
    await log_in(client, staff.email)

    assert (await client.get("/people/999")).status_code == 404
    assert (await client.get("/people/abc")).status_code == 404
    assert (await client.get("/people/99999999999999999999")).status_code == 404
    assert (await client.get("/teams/abc")).status_code == 404
    assert (await client.get("/programs/1.5")).status_code == 404
