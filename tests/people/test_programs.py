from __future__ import annotations

from opsuite.people.models import Program, ProgramRole
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_program


async def test_read_only_access_lets_a_volunteer_view_a_program_but_not_edit_it(client):
    liaison = await make_user("volunteer", name="Funder Liaison")
    staff = await make_user("staff", email="staffer@example.org")
    program = await make_program(name="Clean water", readers=[liaison, staff], funder="Acme Fund")
    hidden = await make_program(name="Secret pilot")
    await log_in(client, liaison.email)

    listing = await client.get("/programs")
    page = await client.get(f"/programs/{program.id}")
    other = await client.get(f"/programs/{hidden.id}")
    edit_page = await client.get(f"/programs/{program.id}/edit")
    edit = await post_form(
        client, f"/programs/{program.id}/edit", {"name": "Hacked"}, from_page="/programs"
    )

    assert "Clean water" in listing.text
    assert "Secret pilot" not in listing.text
    assert page.status_code == 200
    assert "Acme Fund" in page.text
    assert "staffer@example.org" not in page.text  # colleagues' contact details stay private
    assert f"/programs/{program.id}/edit" not in page.text
    assert f"/programs/{program.id}/access" not in page.text
    assert other.status_code == 403
    assert edit_page.status_code == 403
    assert edit.status_code == 403
    assert (await Program.get(id=program.id)).name == "Clean water"


async def test_staff_see_every_program(client):
    staff = await make_user("staff")
    await make_program(name="Clean water")
    await make_program(name="Literacy")
    await log_in(client, staff.email)

    listing = await client.get("/programs")

    assert "Clean water" in listing.text
    assert "Literacy" in listing.text


async def test_manager_creates_a_program_and_grants_and_revokes_access(client):
    manager = await make_user("manager")
    board_member = await make_user("volunteer", name="Board Member")
    await log_in(client, manager.email)

    created = await post_form(
        client, "/programs/new", {"name": "Literacy", "description": "", "funder": "City"}
    )
    program = await Program.get(name="Literacy")
    detail = f"/programs/{program.id}"
    granted = await post_form(
        client,
        f"{detail}/access",
        {"user_id": str(board_member.id), "access": "read"},
        from_page=detail,
    )
    page = await client.get(detail)
    revoked = await post_form(
        client, f"{detail}/access/{board_member.id}/remove", {}, from_page=detail
    )

    assert created.status_code == 303
    assert granted.status_code == 303
    assert "Board Member now has access" in page.text
    assert revoked.status_code == 303
    assert not await ProgramRole.exists(program_id=program.id, user_id=board_member.id)
    assert await ProgramRole.exists(program_id=program.id, user_id=manager.id, access="manage")


async def test_volunteers_cannot_be_given_manage_access(client):
    manager = await make_user("manager")
    volunteer = await make_user("volunteer")
    program = await make_program(manager=manager)
    await log_in(client, manager.email)
    detail = f"/programs/{program.id}"

    response = await post_form(
        client,
        f"{detail}/access",
        {"user_id": str(volunteer.id), "access": "manage"},
        from_page=detail,
    )

    assert response.status_code == 400
    assert 'id="e-access"' in response.text
    assert not await ProgramRole.exists(program_id=program.id, user_id=volunteer.id)


async def test_manager_who_does_not_run_a_program_cannot_change_it(client):
    manager = await make_user("manager")
    program = await make_program(name="Not mine")
    await log_in(client, manager.email)

    response = await post_form(
        client, f"/programs/{program.id}/deactivate", {}, from_page=f"/programs/{program.id}"
    )

    assert response.status_code == 403
    assert (await Program.get(id=program.id)).is_active
