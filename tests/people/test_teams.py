from __future__ import annotations

from opsuite.audit.models import Activity
from opsuite.people.models import Team, TeamMember
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_team


async def test_manager_creates_a_team_and_runs_it(client):
    manager = await make_user("manager", name="Mei Lin")
    await log_in(client, manager.email)

    response = await post_form(
        client, "/teams/new", {"name": "Food bank", "description": "Saturday sorting"}
    )

    assert response.status_code == 303
    team = await Team.get(name="Food bank")
    assert response.headers["location"] == f"/teams/{team.id}"
    page = await client.get(f"/teams/{team.id}")
    assert "you run it" in page.text
    assert "Mei Lin" in page.text
    assert await TeamMember.exists(team_id=team.id, user_id=manager.id, is_manager=True)


async def test_team_name_must_be_unique_and_the_form_keeps_what_was_typed(client):
    manager = await make_user("manager")
    await make_team(name="Food bank")
    await log_in(client, manager.email)

    response = await post_form(
        client, "/teams/new", {"name": "food BANK", "description": "my careful words"}
    )

    assert response.status_code == 400
    assert "There is already a team with this name." in response.text
    assert "my careful words" in response.text
    assert await Team.all().count() == 1


async def test_manager_of_team_a_cannot_edit_team_b(client):
    manager = await make_user("manager")
    team_a = await make_team(manager=manager, name="A")
    team_b = await make_team(name="B")
    volunteer = await make_user("volunteer")
    await log_in(client, manager.email)

    own = await post_form(client, f"/teams/{team_a.id}/edit", {"name": "A+", "description": ""})
    edit_page = await client.get(f"/teams/{team_b.id}/edit")
    edit = await post_form(
        client, f"/teams/{team_b.id}/edit", {"name": "Mine now"}, from_page=f"/teams/{team_a.id}"
    )
    add = await post_form(
        client,
        f"/teams/{team_b.id}/members",
        {"user_id": str(volunteer.id)},
        from_page=f"/teams/{team_a.id}",
    )

    assert own.status_code == 303
    assert edit_page.status_code == 403
    assert edit.status_code == 403
    assert add.status_code == 403
    assert (await Team.get(id=team_b.id)).name == "B"
    assert not await TeamMember.exists(team_id=team_b.id, user_id=volunteer.id)
    assert f"/teams/{team_b.id}/edit" not in (await client.get(f"/teams/{team_b.id}")).text


async def test_admin_edits_any_team(client):
    admin = await make_user("admin")
    team = await make_team(name="B")
    await log_in(client, admin.email)

    response = await post_form(client, f"/teams/{team.id}/edit", {"name": "B2", "description": ""})

    assert response.status_code == 303
    assert (await Team.get(id=team.id)).name == "B2"


async def test_team_manager_adds_and_removes_members(client):
    manager = await make_user("manager")
    volunteer = await make_user("volunteer", name="Dara")
    team = await make_team(manager=manager)
    await log_in(client, manager.email)
    detail = f"/teams/{team.id}"

    added = await post_form(
        client, f"{detail}/members", {"user_id": str(volunteer.id)}, from_page=detail
    )
    page = await client.get(detail)
    removed = await post_form(
        client, f"{detail}/members/{volunteer.id}/remove", {}, from_page=detail
    )

    assert added.status_code == 303
    assert "Dara is in the team." in page.text
    assert removed.status_code == 303
    assert not await TeamMember.exists(team_id=team.id, user_id=volunteer.id)
    assert await Activity.filter(action__startswith="people.team.member_").count() == 2


async def test_only_managers_can_be_made_to_run_a_team(client):
    manager = await make_user("manager")
    volunteer = await make_user("volunteer")
    team = await make_team(manager=manager)
    await log_in(client, manager.email)
    detail = f"/teams/{team.id}"

    response = await post_form(
        client,
        f"{detail}/members",
        {"user_id": str(volunteer.id), "is_manager": "on"},
        from_page=detail,
    )

    assert response.status_code == 400
    assert 'id="e-is_manager"' in response.text
    assert not await TeamMember.exists(team_id=team.id, user_id=volunteer.id)


async def test_team_list_shows_member_counts_in_a_fixed_number_of_queries(client, queries):
    staff = await make_user("staff")
    await make_team(name="Alpha", members=[await make_user("volunteer") for _ in range(3)])
    await log_in(client, staff.email)
    queries.count = 0
    await client.get("/teams")
    few = queries.count
    for n in range(8):
        await make_team(name=f"Team {n}", members=[await make_user("volunteer")])

    queries.count = 0
    response = await client.get("/teams")

    assert response.status_code == 200
    assert "<td>4</td>" in response.text  # Alpha: its manager and three volunteers
    assert 0 < queries.count == few


async def test_deactivated_team_leaves_the_list_but_keeps_its_members(client):
    manager = await make_user("manager")
    volunteer = await make_user("volunteer")
    team = await make_team(manager=manager, name="Winter 2025", members=[volunteer])
    await log_in(client, manager.email)

    response = await post_form(
        client, f"/teams/{team.id}/deactivate", {}, from_page=f"/teams/{team.id}"
    )

    assert response.status_code == 303
    assert "Winter 2025" not in (await client.get("/teams")).text
    assert "Winter 2025" in (await client.get("/teams", params={"inactive": "1"})).text
    assert await TeamMember.exists(team_id=team.id, user_id=volunteer.id)
