"""Production answers carry Strict-Transport-Security (server.hsts_seconds); development not."""

from __future__ import annotations

import httpx

from opsuite.app import create_app
from tests.conftest import make_settings


async def get(settings, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(settings), client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        return await client.get(path)


async def test_production_answers_tell_browsers_to_stay_on_https(instance_dir):
    settings = make_settings(instance_dir, server={"environment": "production"})
    for path in ("/login", "/no-such-page"):
        response = await get(settings, path)
        assert response.headers["strict-transport-security"] == (
            "max-age=31536000; includeSubDomains"
        ), path


async def test_hsts_follows_its_setting_and_is_off_in_development(instance_dir):
    off = make_settings(instance_dir, server={"environment": "production", "hsts_seconds": 0})
    assert "strict-transport-security" not in (await get(off, "/login")).headers
    development = make_settings(instance_dir)
    assert "strict-transport-security" not in (await get(development, "/login")).headers
