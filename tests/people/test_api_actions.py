"""The people API's counterparts of the page actions (issue #22): resending an invitation, team
members, program access, and (de)activating through PATCH, each through the page's service."""

from __future__ import annotations

import re

from opsuite.auth.models import User
from opsuite.auth.service import create_api_token
from opsuite.notify.service import dispatch_due
from opsuite.people.models import Program, ProgramAccess, ProgramRole, Team, TeamMember
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team


async def _bearer(user: User) -> dict[str, str]:
    token = (await create_api_token(user, "tests")).token
    return {"Authorization": f"Bearer {token}"}


async def test_resending_an_invitation_sends_a_fresh_link(client, settings, inbox):
    manager = await make_user("manager")
    other = await make_user("manager")
    invitee = await make_user("volunteer", password="", email="new@example.org")
    await make_team(manager=manager, members=[invitee])
    set_up = await make_user("volunteer")
    await make_team(manager=manager, members=[set_up])
    url = f"/api/v1/people/{invitee.id}/invite"

    refused = await client.post(url, headers=await _bearer(other))
    sent = await client.post(url, headers=await _bearer(manager))
    await dispatch_due(settings)
    already = await client.post(
        f"/api/v1/people/{set_up.id}/invite", headers=await _bearer(manager)
    )

    assert refused.status_code == 403
    assert (sent.status_code, sent.json()["invitation_pending"]) == (200, True)
    [message] = inbox.to("new@example.org")
    assert re.search(r"/invite/\S+", message.text)
    assert already.status_code == 409
    assert already.json()["error"]


async def test_deactivating_and_reactivating_through_patch(client):
    manager = await make_user("manager")
    other = await make_user("manager")
    person = await make_user("volunteer")
    team = await make_team(manager=manager, members=[person])
    program = await make_program(manager=manager)
    mine, theirs = await _bearer(manager), await _bearer(other)

    for url, model, row in (
        (f"/api/v1/people/{person.id}", User, person),
        (f"/api/v1/teams/{team.id}", Team, team),
        (f"/api/v1/programs/{program.id}", Program, program),
    ):
        refused = await client.patch(url, headers=theirs, json={"is_active": False})
        assert refused.status_code == 403, url
        assert (await model.get(id=row.id)).is_active, url
        off = await client.patch(url, headers=mine, json={"is_active": False})
        assert (off.status_code, off.json()["is_active"]) == (200, False), url
        bad = await client.patch(url, headers=mine, json={"is_active": "yes"})
        assert (bad.status_code, bad.json()["field"]) == (400, "is_active"), url
        on = await client.patch(url, headers=mine, json={"is_active": True})
        assert (on.status_code, on.json()["is_active"]) == (200, True), url


async def test_adding_and_removing_a_team_member(client):
    manager = await make_user("manager")
    other = await make_user("manager")
    staff = await make_user("staff")
    gone = await make_user("staff")
    gone.is_active = False
    await gone.save(update_fields=["is_active"])
    team = await make_team(manager=manager)
    url = f"/api/v1/teams/{team.id}/members"
    mine = await _bearer(manager)

    refused = await client.post(url, headers=await _bearer(other), json={"user_id": staff.id})
    added = await client.post(url, headers=mine, json={"user_id": staff.id})
    not_a_flag = await client.post(url, headers=mine, json={"user_id": staff.id, "is_manager": 1})
    cannot_run = await client.post(
        url, headers=mine, json={"user_id": staff.id, "is_manager": True}
    )
    inactive = await client.post(url, headers=mine, json={"user_id": gone.id})
    unknown = await client.post(url, headers=mine, json={"user_id": staff.id, "role": "x"})

    assert refused.status_code == 403
    assert added.status_code == 200
    assert {m["user"]["id"]: m["is_manager"] for m in added.json()["members"]} == {
        manager.id: True,
        staff.id: False,
    }
    assert (not_a_flag.status_code, not_a_flag.json()["field"]) == (400, "is_manager")
    assert (cannot_run.status_code, cannot_run.json()["field"]) == (400, "is_manager")
    assert (inactive.status_code, inactive.json()["field"]) == (400, "user_id")
    assert (unknown.status_code, unknown.json()["field"]) == (400, "role")
    assert not await TeamMember.filter(team_id=team.id, user_id=staff.id, is_manager=True).exists()
    assert not await TeamMember.filter(team_id=team.id, user_id=gone.id).exists()

    member = f"{url}/{staff.id}"
    not_theirs = await client.delete(member, headers=await _bearer(other))
    removed = await client.delete(member, headers=mine)
    again = await client.delete(member, headers=mine)

    assert not_theirs.status_code == 403
    assert removed.status_code == 200
    assert [m["user"]["id"] for m in removed.json()["members"]] == [manager.id]
    assert again.status_code == 404


async def test_granting_and_revoking_program_access(client):
    manager = await make_user("manager")
    other = await make_user("manager")
    funder = await make_user("volunteer")
    program = await make_program(manager=manager)
    url = f"/api/v1/programs/{program.id}/access"
    mine = await _bearer(manager)

    refused = await client.post(
        url, headers=await _bearer(other), json={"user_id": funder.id, "access": "read"}
    )
    granted = await client.post(url, headers=mine, json={"user_id": funder.id, "access": "read"})
    too_much = await client.post(url, headers=mine, json={"user_id": funder.id, "access": "manage"})
    nonsense = await client.post(url, headers=mine, json={"user_id": funder.id, "access": "own"})
    nobody = await client.post(url, headers=mine, json={"user_id": 999999, "access": "read"})

    assert refused.status_code == 403
    assert granted.status_code == 200
    assert {a["user"]["id"]: a["access"] for a in granted.json()["access"]} == {
        manager.id: "manage",
        funder.id: "read",
    }
    assert (too_much.status_code, too_much.json()["field"]) == (400, "access")
    assert (nonsense.status_code, nonsense.json()["field"]) == (400, "access")
    assert (nobody.status_code, nobody.json()["field"]) == (400, "user_id")
    role = await ProgramRole.get(program_id=program.id, user_id=funder.id)
    assert role.access == ProgramAccess.READ

    person = f"{url}/{funder.id}"
    not_theirs = await client.delete(person, headers=await _bearer(other))
    revoked = await client.delete(person, headers=mine)
    again = await client.delete(person, headers=mine)

    assert not_theirs.status_code == 403
    assert revoked.status_code == 200
    assert [a["user"]["id"] for a in revoked.json()["access"]] == [manager.id]
    assert again.status_code == 404


async def test_openapi_documents_the_member_and_access_operations(client):
    document = (await client.get("/api/v1/openapi.json")).json()
    paths, schemas = document["paths"], document["components"]["schemas"]

    def model(ref: dict) -> dict:
        return schemas[ref["$ref"].rsplit("/", 1)[-1]]

    grant = paths["/api/v1/programs/{id}/access"]["post"]
    schema = model(grant["requestBody"]["content"]["application/json"]["schema"])
    assert model(schema["properties"]["access"])["enum"] == ["manage", "read"]
    assert schema["required"] == ["user_id", "access"]
    assert schema["additionalProperties"] is False
    assert paths["/api/v1/teams/{id}/members"]["post"]["summary"]
    removal = paths["/api/v1/teams/{id}/members/{user_id}"]["delete"]
    assert [p["name"] for p in removal["parameters"]] == ["id", "user_id"]
    assert "post" in paths["/api/v1/people/{id}/invite"]
    assert "delete" in paths["/api/v1/programs/{id}/access/{user_id}"]
