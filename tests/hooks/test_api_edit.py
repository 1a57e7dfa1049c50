"""Changing a webhook endpoint through the API (the endpoint page's form): fields left out
keep their value, the same rules as the page, admins only, nothing half-saved."""

from __future__ import annotations

from opsuite.auth.models import Role
from opsuite.hooks.models import WebhookEndpoint
from opsuite.hooks.service import create_endpoint
from tests.factories.auth import make_user
from tests.tasks.test_api import bearer


async def _endpoint(settings):
    admin = await make_user(Role.ADMIN)
    endpoint, _secret = await create_endpoint(
        admin, url="https://crm.example.org/in", description="CRM",
        events=["shift.cancelled"], settings=settings,
    )  # fmt: skip
    return admin, endpoint


async def test_an_admin_changes_an_endpoint_and_what_is_left_out_stays(client, settings):
    admin, endpoint = await _endpoint(settings)
    url = f"/api/v1/webhooks/{endpoint.id}"

    answer = await client.patch(
        url,
        json={"events": ["shift.cancelled", "leave.requested"], "active": False},
        headers=await bearer(admin),
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["url"], body["description"]) == ("https://crm.example.org/in", "CRM")
    assert (sorted(body["events"]), body["active"]) == (
        ["leave.requested", "shift.cancelled"],
        False,
    )
    assert "secret" not in body
    stored = await WebhookEndpoint.get(id=endpoint.id)
    assert (sorted(stored.events), stored.active) == (["leave.requested", "shift.cancelled"], False)


async def test_bad_input_and_other_roles_change_nothing(client, settings):
    admin, endpoint = await _endpoint(settings)
    url = f"/api/v1/webhooks/{endpoint.id}"
    boss = await bearer(admin)

    for body in (
        {"events": ["no.such.event"]},
        {"events": []},
        {"url": "ftp://crm.example.org/in", "description": "changed"},
        {"active": "yes"},
        {"colour": "red"},
    ):
        answer = await client.patch(url, json=body, headers=boss)
        assert answer.status_code == 400, (body, answer.text)
        assert answer.json()["error"]
    manager = await bearer(await make_user(Role.MANAGER))
    assert (await client.patch(url, json={"active": False}, headers=manager)).status_code == 403
    stored = await WebhookEndpoint.get(id=endpoint.id)
    assert (stored.url, stored.description, stored.events, stored.active) == (
        "https://crm.example.org/in", "CRM", ["shift.cancelled"], True,
    )  # fmt: skip
