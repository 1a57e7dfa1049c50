from __future__ import annotations

import re

from opsuite.auth.models import User
from opsuite.auth.service import create_api_token
from opsuite.notify.service import dispatch_due
from opsuite.people.models import Program, Team
from tests.conftest import csrf_token, log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team


async def _bearer(user: User) -> dict[str, str]:
    token = (await create_api_token(user, "tests")).token
    return {"Authorization": f"Bearer {token}"}


async def test_people_api_pages_and_filters(client):
    staff = await make_user("staff", name="Aaa Staff")
    for n in range(5):
        await make_user("volunteer", name=f"Volunteer {n}")
    headers = await _bearer(staff)

    first = await client.get("/api/v1/people", params={"per_page": 2}, headers=headers)
    last = await client.get("/api/v1/people", params={"per_page": 2, "page": 3}, headers=headers)
    volunteers = await client.get("/api/v1/people", params={"role": "volunteer"}, headers=headers)

    assert first.status_code == 200
    body = first.json()
    assert (body["total"], body["page"], body["per_page"]) == (6, 1, 2)
    assert [p["name"] for p in body["items"]] == ["Aaa Staff", "Volunteer 0"]
    assert "email" in body["items"][0]
    assert [p["name"] for p in last.json()["items"]] == ["Volunteer 3", "Volunteer 4"]
    assert volunteers.json()["total"] == 5


async def test_people_api_refuses_nonsense_page_sizes(client):
    staff = await make_user("staff")
    headers = await _bearer(staff)

    for params in ({"per_page": 0}, {"per_page": 201}, {"page": 0}, {"page": "two"}):
        response = await client.get("/api/v1/people", params=params, headers=headers)
        assert response.status_code == 400, params
        assert response.json()["error"]


async def test_wrong_bearer_token_is_a_401(client):
    await make_user("admin")

    for value in ("Bearer ops_not-a-real-token", "Basic abc", "Bearer "):
        response = await client.get("/api/v1/people", headers={"Authorization": value})
        assert response.status_code == 401, value
        assert response.json()["error"]


async def test_volunteer_token_cannot_read_the_directory(client):
    volunteer = await make_user("volunteer")

    response = await client.get("/api/v1/people", headers=await _bearer(volunteer))

    assert response.status_code == 403


async def test_invite_through_the_api_sends_the_email(client, settings, inbox):
    manager = await make_user("manager", name="Mei Lin")
    team = await make_team(manager=manager)
    headers = await _bearer(manager)

    response = await client.post(
        "/api/v1/people",
        headers=headers,
        json={
            "name": "Aroha Ngata",
            "email": "aroha@example.org",
            "role": "staff",
            "timezone": "Pacific/Auckland",
            "locale": "en",
            "team_id": team.id,
        },
    )
    await dispatch_due(settings)

    assert response.status_code == 201
    body = response.json()
    assert body["invitation_pending"] is True
    assert body["teams"] == [{"id": team.id, "name": team.name, "is_manager": False}]
    [message] = inbox.to("aroha@example.org")
    assert re.search(r"/invite/\S+", message.text)


async def test_api_invite_errors_name_the_field_and_create_nothing(client):
    manager = await make_user("manager")
    headers = await _bearer(manager)
    body = {"name": "X", "email": "x@example.org", "role": "volunteer", "locale": "en"}

    bad_zone = await client.post(
        "/api/v1/people", headers=headers, json={**body, "timezone": "Mars/Olympus"}
    )
    admin_role = await client.post(
        "/api/v1/people", headers=headers, json={**body, "timezone": "UTC", "role": "admin"}
    )
    unknown = await client.post(
        "/api/v1/people", headers=headers, json={**body, "timezone": "UTC", "password": "x"}
    )

    assert bad_zone.status_code == 400
    assert bad_zone.json()["field"] == "timezone"
    assert admin_role.status_code == 400
    assert admin_role.json()["field"] == "role"
    assert unknown.status_code == 400
    assert unknown.json()["field"] == "password"
    assert not await User.exists(email="x@example.org")


async def test_malformed_json_is_a_400(client):
    manager = await make_user("manager")
    headers = {**(await _bearer(manager)), "Content-Type": "application/json"}

    broken = await client.post("/api/v1/teams", headers=headers, content=b'{"name": ')
    not_object = await client.post("/api/v1/teams", headers=headers, content=b'["x"]')

    assert broken.status_code == 400
    assert broken.json()["error"] == "The request body is not valid JSON."
    assert not_object.status_code == 400
    assert await Team.all().count() == 0


async def test_person_patch_validation_errors_name_the_field(client):
    manager = await make_user("manager")
    volunteer = await make_user("volunteer", name="Dara")
    await make_team(manager=manager, members=[volunteer])
    headers = await _bearer(manager)
    url = f"/api/v1/people/{volunteer.id}"

    zone = await client.patch(url, headers=headers, json={"timezone": "Nowhere/City"})
    name = await client.patch(url, headers=headers, json={"name": "n" * 121})
    skills = await client.patch(url, headers=headers, json={"skills": ["ok", 3]})
    active = await client.patch(url, headers=headers, json={"is_active": "no"})
    role = await client.patch(url, headers=headers, json={"role": "admin"})

    assert (zone.status_code, zone.json()["field"]) == (400, "timezone")
    assert (name.status_code, name.json()["field"]) == (400, "name")
    assert (skills.status_code, skills.json()["field"]) == (400, "skills")
    assert (active.status_code, active.json()["field"]) == (400, "is_active")
    assert (role.status_code, role.json()["field"]) == (400, "role")
    assert (await User.get(id=volunteer.id)).name == "Dara"


async def test_person_patch_changes_only_what_it_names_and_can_deactivate(client):
    manager = await make_user("manager")
    volunteer = await make_user("volunteer", name="Dara", timezone="Europe/Berlin")
    await make_team(manager=manager, members=[volunteer])
    headers = await _bearer(manager)
    url = f"/api/v1/people/{volunteer.id}"

    response = await client.patch(
        url, headers=headers, json={"skills": ["driving"], "phone": "+49 1", "is_active": False}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["timezone"], body["skills"]) == (
        "Dara",
        "Europe/Berlin",
        ["driving"],
    )
    assert body["is_active"] is False
    assert body["phone"] == "+49 1"


async def test_person_api_hides_contact_details_from_non_staff(client):
    volunteer = await make_user("volunteer")
    other = await make_user("volunteer")
    headers = await _bearer(volunteer)

    own = await client.get(f"/api/v1/people/{volunteer.id}", headers=headers)
    others = await client.get(f"/api/v1/people/{other.id}", headers=headers)
    edit = await client.patch(
        f"/api/v1/people/{volunteer.id}", headers=headers, json={"name": "Me"}
    )

    assert own.json()["email"] == volunteer.email
    assert others.status_code == 403
    assert edit.status_code == 403


async def test_cookie_session_json_writes_need_the_csrf_header(client):
    manager = await make_user("manager")
    await log_in(client, manager.email)

    without = await client.post("/api/v1/teams", json={"name": "Drivers"})
    token = await csrf_token(client, "/teams/new")
    with_header = await client.post(
        "/api/v1/teams", json={"name": "Drivers"}, headers={"X-CSRF-Token": token}
    )

    assert without.status_code == 403
    assert with_header.status_code == 201
    assert with_header.json()["members"][0]["user"]["id"] == manager.id


async def test_team_api_scoping_and_patch(client):
    manager = await make_user("manager")
    mine = await make_team(manager=manager, name="Mine")
    theirs = await make_team(name="Theirs")
    headers = await _bearer(manager)

    listing = await client.get("/api/v1/teams", headers=headers)
    renamed = await client.patch(
        f"/api/v1/teams/{mine.id}", headers=headers, json={"name": "Mine too", "is_active": False}
    )
    refused = await client.patch(f"/api/v1/teams/{theirs.id}", headers=headers, json={"name": "X"})
    clash = await client.patch(f"/api/v1/teams/{mine.id}", headers=headers, json={"name": "theirs"})

    assert listing.json()["total"] == 2
    assert {t["name"]: t["member_count"] for t in listing.json()["items"]} == {
        "Mine": 1,
        "Theirs": 1,
    }
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["is_active"]) == ("Mine too", False)
    assert refused.status_code == 403
    assert (clash.status_code, clash.json()["field"]) == (400, "name")
    assert (await Team.get(id=theirs.id)).name == "Theirs"


async def test_program_api_shows_a_reader_only_their_programs(client):
    reader = await make_user("volunteer")
    manager = await make_user("manager", email="boss@example.org")
    program = await make_program(manager=manager, name="Water", readers=[reader])
    await make_program(name="Other")
    headers = await _bearer(reader)

    listing = await client.get("/api/v1/programs", headers=headers)
    detail = await client.get(f"/api/v1/programs/{program.id}", headers=headers)
    patch = await client.patch(
        f"/api/v1/programs/{program.id}", headers=headers, json={"name": "X"}
    )
    create = await client.post("/api/v1/programs", headers=headers, json={"name": "Mine"})

    assert [p["name"] for p in listing.json()["items"]] == ["Water"]
    assert detail.status_code == 200
    assert "email" not in detail.json()["access"][0]["user"]
    assert patch.status_code == 403
    assert create.status_code == 403
    assert await Program.all().count() == 2


async def test_program_api_create_and_patch(client):
    manager = await make_user("manager")
    headers = await _bearer(manager)

    created = await client.post(
        "/api/v1/programs", headers=headers, json={"name": "Literacy", "funder": "City"}
    )
    url = f"/api/v1/programs/{created.json()['id']}"
    patched = await client.patch(url, headers=headers, json={"description": "Evening classes"})
    too_long = await client.patch(url, headers=headers, json={"funder": "f" * 121})

    assert created.status_code == 201
    assert created.json()["access"][0]["access"] == "manage"
    assert patched.json()["description"] == "Evening classes"
    assert patched.json()["funder"] == "City"
    assert (too_long.status_code, too_long.json()["field"]) == (400, "funder")


async def test_openapi_documents_the_people_endpoints(client):
    document = (await client.get("/api/v1/openapi.json")).json()

    for path, methods in {
        "/api/v1/people": {"get", "post"},
        "/api/v1/people/{id}": {"get", "patch"},
        "/api/v1/teams": {"get", "post"},
        "/api/v1/teams/{id}": {"get", "patch"},
        "/api/v1/programs": {"get", "post"},
        "/api/v1/programs/{id}": {"get", "patch"},
    }.items():
        assert set(document["paths"][path]) == methods
        for method in methods - {"get"}:
            assert document["paths"][path][method]["requestBody"]
    assert document["paths"]["/api/v1/people/{id}"]["get"]["parameters"][0]["name"] == "id"
