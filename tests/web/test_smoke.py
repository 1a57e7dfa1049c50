from __future__ import annotations

from tests.conftest import log_in
from tests.factories.auth import make_user


async def test_home_page_invites_anonymous_visitors_to_log_in(client):
    response = await client.get("/")
    assert response.status_code == 200
    assert 'href="/login"' in response.text


async def test_manager_logs_in_and_sees_navigation(client):
    manager = await make_user("manager", name="Mei Lin")
    await log_in(client, manager.email)
    response = await client.get("/")
    assert "Hello, Mei Lin" in response.text
    assert 'href="/teams"' in response.text
    assert 'href="/admin/activity"' not in response.text
