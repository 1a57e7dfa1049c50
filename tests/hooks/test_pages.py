"""The webhook pages and API as an admin sees them: add an endpoint and see its secret once,
send a test event and see the delivery and its attempt, replay it, bad input refused."""

from __future__ import annotations

import html

import pytest

from opsuite.auth.models import Role
from opsuite.hooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.auth import make_user
from tests.hooks.receiver import Receiver


async def _admin(client):
    admin = await make_user(Role.ADMIN)
    await log_in(client, admin.email)
    return admin


async def _add(client, receiver: Receiver) -> WebhookEndpoint:
    response = await post_form(
        client,
        "/admin/webhooks",
        {"url": receiver.url, "description": "Funder CRM", "events": ["shift.cancelled"]},
    )
    assert response.status_code == 200, response.text
    endpoint = await WebhookEndpoint.get()
    assert endpoint.secret in response.text  # shown this once
    receiver.secret = endpoint.secret
    return endpoint


async def test_an_admin_adds_an_endpoint_sees_the_secret_once_and_a_test_delivery(
    client, receiver: Receiver
):
    await _admin(client)
    endpoint = await _add(client, receiver)
    page = (await client.get(f"/admin/webhooks/{endpoint.id}")).text
    assert endpoint.secret not in page
    assert "Nothing sent to this endpoint yet." in page

    token = await csrf_token(client, f"/admin/webhooks/{endpoint.id}")
    sent = await client.post(f"/admin/webhooks/{endpoint.id}/test", data={"csrf_token": token})
    assert sent.status_code == 303

    page = html.unescape((await client.get(f"/admin/webhooks/{endpoint.id}")).text)
    assert "The test event was delivered." in page
    assert "delivered" in page
    assert "200" in page
    assert receiver.received[0].body["type"] == "webhook.test"
    listing = html.unescape((await client.get("/admin/webhooks")).text)
    assert receiver.url in listing
    assert "A shift is cancelled" in listing

    delivery = await WebhookDelivery.get()
    replay = await client.post(
        f"/admin/webhook-deliveries/{delivery.id}/replay", data={"csrf_token": token}
    )
    assert replay.status_code == 303
    await delivery.refresh_from_db()
    assert delivery.status == "pending"


async def test_a_new_secret_replaces_the_old_one(client, receiver):
    await _admin(client)
    endpoint = await _add(client, receiver)
    token = await csrf_token(client, f"/admin/webhooks/{endpoint.id}")

    response = await client.post(
        f"/admin/webhooks/{endpoint.id}/secret", data={"csrf_token": token}
    )

    await endpoint.refresh_from_db()
    assert endpoint.secret != receiver.secret
    assert endpoint.secret in response.text


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"url": "not a link", "events": ["shift.cancelled"]}, "without spaces"),
        ({"url": "https://example.org/\x00", "events": ["shift.cancelled"]}, "control character"),
        ({"url": "https://example.org/h", "events": ["shift.exploded"]}, "Choose from the list"),
        ({"url": "https://example.org/h"}, "Choose at least one event"),
    ],
)
async def test_bad_input_on_the_page_is_a_400_and_nothing_is_saved(client, values, words):
    await _admin(client)

    response = await post_form(client, "/admin/webhooks", values)

    assert response.status_code == 400
    assert words in html.unescape(response.text)
    assert await WebhookEndpoint.all().count() == 0


async def test_editing_keeps_the_rules(client, receiver):
    await _admin(client)
    endpoint = await _add(client, receiver)
    path = f"/admin/webhooks/{endpoint.id}"

    bad = await post_form(client, path, {"url": "ftp://x", "events": ["shift.cancelled"]})
    good = await post_form(
        client, path, {"url": receiver.url, "events": ["leave.requested", "hours.approved"]}
    )

    assert bad.status_code == 400
    assert good.status_code == 303
    await endpoint.refresh_from_db()
    assert endpoint.events == ["hours.approved", "leave.requested"]
    assert endpoint.active is False  # the box was not ticked


async def test_the_api_adds_lists_tests_and_removes_endpoints(client, receiver):
    await _admin(client)
    h = {"X-CSRF-Token": await csrf_token(client, "/admin/webhooks")}

    created = await client.post(
        "/api/v1/webhooks", json={"url": receiver.url, "events": ["leave.decided"]}, headers=h
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_")
    receiver.secret = body["secret"]
    listed = (await client.get("/api/v1/webhooks")).json()
    assert listed["total"] == 1
    assert "secret" not in listed["items"][0]

    tested = await client.post(f"/api/v1/webhooks/{body['id']}/test", headers=h)
    assert tested.status_code == 200
    assert tested.json()["status"] == "sent"
    assert tested.json()["attempts"][0]["status_code"] == 200
    deliveries = (await client.get(f"/api/v1/webhooks/{body['id']}/deliveries")).json()
    assert deliveries["total"] == 1

    for bad in (
        {"url": receiver.url, "events": ["nope"]},
        {"url": "javascript:alert(1)", "events": ["leave.decided"]},
        {"url": receiver.url + "\x00", "events": ["leave.decided"]},
        {"url": receiver.url, "events": ["leave.decided"], "secret": "mine"},
        {"url": receiver.url, "events": "leave.decided"},
    ):
        refused = await client.post("/api/v1/webhooks", json=bad, headers=h)
        assert refused.status_code == 400, (bad, refused.text)
    assert await WebhookEndpoint.all().count() == 1

    assert (await client.delete(f"/api/v1/webhooks/{body['id']}", headers=h)).status_code == 204
    assert await WebhookEndpoint.all().count() == 0


async def test_a_manager_may_not_see_webhooks(client):
    manager = await make_user(Role.MANAGER)
    await log_in(client, manager.email)

    assert (await client.get("/admin/webhooks")).status_code == 403
    assert (await client.get("/api/v1/webhooks")).status_code == 403
