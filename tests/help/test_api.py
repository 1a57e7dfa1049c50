"""Marking a contact request handled through the JSON API: admins only, once."""

from __future__ import annotations

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.help.models import ContactRequest
from tests.factories.auth import make_user
from tests.tasks.test_api import bearer


async def test_an_admin_marks_a_request_handled_once(client, frozen_clock):
    row = await ContactRequest.create(
        name="Ann", email="ann@example.org", subject="Login", message="I cannot log in.",
        created_at=clock.now(),
    )  # fmt: skip
    admin = await make_user(Role.ADMIN)
    url = f"/api/v1/contact-requests/{row.id}/handled"

    manager = await client.post(url, headers=await bearer(await make_user(Role.MANAGER)))
    assert manager.status_code == 403
    assert (await ContactRequest.get(id=row.id)).handled_at is None
    first = await client.post(url, headers=await bearer(admin))
    second = await client.post(url, headers=await bearer(admin))
    missing = await client.post(
        "/api/v1/contact-requests/999999/handled", headers=await bearer(admin)
    )

    assert first.status_code == 200, first.text
    assert (first.json()["handled_by_id"], first.json()["subject"]) == (admin.id, "Login")
    assert first.json()["handled_at"] == clock.now().isoformat()
    assert second.status_code == 409
    assert second.json()["error"] == "Someone has already handled this request."
    assert missing.status_code == 404
