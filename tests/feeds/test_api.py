"""Feeds through the JSON API: the same rules as the page, the address shown once."""

from __future__ import annotations

from opsuite.auth.service import create_api_token
from opsuite.feeds.models import FeedToken
from tests.factories.auth import make_user
from tests.factories.people import make_team


async def bearer(user):
    return {"authorization": f"Bearer {(await create_api_token(user, 'api')).token}"}


async def test_a_person_makes_lists_narrows_and_revokes_a_feed_through_the_api(client):
    volunteer = await make_user("volunteer")
    headers = await bearer(volunteer)
    made = await client.post("/api/v1/feeds", json={"kind": "person"}, headers=headers)
    assert made.status_code == 201
    body = made.json()
    assert body["url"].startswith("http://testserver/feeds/cal_")
    assert body["webcal_url"].startswith("webcal://")
    token = body["url"].rsplit("/", 1)[1]
    assert token not in str(await FeedToken.all().values())  # only its hash is kept

    calendar = await client.get(f"/feeds/{token}")
    assert calendar.status_code == 200
    assert calendar.headers["content-type"].startswith("text/calendar")

    listed = (await client.get("/api/v1/feeds", headers=headers)).json()
    assert [f["id"] for f in listed["items"]] == [body["id"]]
    assert "url" not in listed["items"][0]  # never shown again

    narrowed = await client.put(
        f"/api/v1/feeds/{body['id']}/parts", headers=headers, json={"parts": ["shifts"]}
    )
    assert narrowed.json()["parts"] == ["shifts"]

    revoked = await client.post(f"/api/v1/feeds/{body['id']}/revoke", headers=headers)
    assert revoked.status_code == 200
    assert (await client.get(f"/feeds/{token}")).status_code == 404


async def test_bad_feed_requests_are_clear_4xx(client):
    volunteer = await make_user("volunteer")
    headers = await bearer(volunteer)
    team = await make_team(manager=await make_user("manager"))
    cases = [
        ({"kind": "nonsense"}, 400, "kind"),
        ({"kind": {}, "program_id": 0, "team_id": 0}, 400, "kind"),  # found by schemathesis
        ({"kind": "team"}, 400, "team_id"),
        ({"kind": "team", "team_id": 999999}, 404, "team_id"),
        ({"kind": "team", "team_id": team.id}, 403, None),  # not a manager of that team
        ({"kind": "person", "extra": 1}, 400, "extra"),
    ]
    for body, status, field in cases:
        response = await client.post("/api/v1/feeds", json=body, headers=headers)
        assert response.status_code == status, body
        assert response.json()["field"] == field, body
    bad_parts = await client.put(
        "/api/v1/feeds/999999/parts", headers=headers, json={"parts": "shifts"}
    )
    assert bad_parts.status_code == 400
    assert not await FeedToken.exists()
