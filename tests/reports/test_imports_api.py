"""The CSV import through the JSON API (the import page's service): a dry run, all-or-nothing,
managers only, a bad request a 400."""

from __future__ import annotations

from opsuite.auth.models import Role, User
from tests.factories.auth import make_user
from tests.tasks.test_api import bearer

GOOD = "email,name\nann@example.org,Ann\nbo@example.org,Bo\n"
HALF = "email,name\ncy@example.org,Cy\nnot-an-address,Dee\n"


async def test_a_dry_run_then_an_import(client):
    admin = await bearer(await make_user(Role.ADMIN))

    dry = await client.post(
        "/api/v1/imports", json={"kind": "people", "mode": "dry_run", "csv": GOOD}, headers=admin
    )
    assert dry.status_code == 200, dry.text
    assert (dry.json()["rows"], dry.json()["valid"], dry.json()["imported"]) == (2, 2, 0)
    assert not await User.filter(email="ann@example.org").exists()
    done = await client.post(
        "/api/v1/imports", json={"kind": "people", "mode": "all", "csv": GOOD}, headers=admin
    )
    assert done.json()["imported"] == 2
    assert await User.filter(email__in=["ann@example.org", "bo@example.org"]).count() == 2


async def test_one_bad_row_keeps_the_whole_file_out(client):
    admin = await bearer(await make_user(Role.ADMIN))

    answer = await client.post(
        "/api/v1/imports", json={"kind": "people", "mode": "all", "csv": HALF}, headers=admin
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["imported"], body["error_count"]) == (0, 1)
    assert body["errors"][0]["line"] == 3
    assert not await User.filter(email="cy@example.org").exists()


async def test_bad_requests_and_other_roles_are_refused(client):
    admin = await bearer(await make_user(Role.ADMIN))
    for body, field in (
        ({"kind": "people", "mode": "now", "csv": GOOD}, "mode"),
        ({"kind": "people", "mode": "all", "csv": ""}, "csv"),
        ({"kind": "people", "mode": "all", "csv": 5}, "csv"),
        ({"kind": "boats", "mode": "all", "csv": GOOD}, "kind"),
        ({"kind": "people", "mode": "all", "csv": "email\n"}, "file"),
        ({"kind": "people", "mode": "all", "csv": GOOD, "x": 1}, "x"),
    ):
        answer = await client.post("/api/v1/imports", json=body, headers=admin)
        assert (answer.status_code, answer.json().get("field")) == (400, field), answer.text
    staff = await bearer(await make_user(Role.STAFF))
    refused = await client.post(
        "/api/v1/imports", json={"kind": "people", "mode": "all", "csv": GOOD}, headers=staff
    )
    assert refused.status_code == 403
    assert not await User.filter(email="ann@example.org").exists()
