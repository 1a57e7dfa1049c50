"""One throttle on every write nobody signed in for (and on API-token writes): past the limit,
429 with Retry-After, as a page or as JSON."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from starlette.routing import Mount, Route

from opsuite import clock
from opsuite.app import create_app
from opsuite.areas import collect
from opsuite.auth.models import LoginThrottle
from opsuite.auth.service import create_api_token, purge_expired_throttles
from opsuite.caps import Cap
from opsuite.web.routing import OpsRoute
from tests.conftest import make_settings, post_form
from tests.factories.auth import make_user

LIMIT = 2
WINDOW = 600
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@pytest.fixture
async def limited(instance_dir, smtp, database) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        instance_dir,
        smtp[0],
        throttle={"anonymous_posts": LIMIT, "api_writes": LIMIT, "window_seconds": WINDOW},
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


def write_routes(app) -> list[Route]:
    found = []
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.name == "static", f"unexpected mount {route.path}"
            continue
        if isinstance(route, Route) and WRITES & set(route.methods or ()):
            found.append(route)
    return found


def example_path(route: Route) -> str:
    return re.sub(r"\{[^}]+\}", "1", route.path)


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text[:300]
    assert 0 < int(response.headers["retry-after"]) <= WINDOW


async def test_every_anonymous_post_route_is_throttled(limited):
    """Walks the route table: a write route not declared through page/api/signed_link (so
    not passing the throttle) fails here, and every public one answers 429 past the limit."""
    routes = write_routes(limited.app)
    undeclared = [r.path for r in routes if not isinstance(r, OpsRoute)]
    assert not undeclared, f"write routes outside web.routing (no throttle): {undeclared}"
    public = [r for r in routes if r.cap == Cap.PUBLIC]
    names = {r.name for r in public}
    assert {"auth:register", "auth:forgot", "shifts:join", "help:contact"} <= names
    assert {"meetings:rsvp_link", "notify:unsubscribe"} <= names
    assert len(public) >= 10
    for route in public:
        method = sorted(WRITES & set(route.methods))[0]
        path = example_path(route)
        for _attempt in range(LIMIT):
            response = await limited.request(method, path, data={})
            assert response.status_code != 429, route.name
        assert_throttled(await limited.request(method, path, data={}))


async def test_limits_are_per_form_and_end_with_the_window(limited, frozen_clock):
    for _attempt in range(LIMIT):
        await limited.post("/register", data={})
    refused = await limited.post("/register", data={})
    assert_throttled(refused)
    assert "Too many tries from your address" in refused.text
    assert "Please wait 10 minutes" in refused.text
    # Another form from the same address has its own count.
    assert (await limited.post("/password/forgot", data={})).status_code != 429
    clock.set_now(frozen_clock + timedelta(seconds=WINDOW - 60))
    assert int((await limited.post("/register", data={})).headers["retry-after"]) == 60
    clock.set_now(frozen_clock + timedelta(seconds=WINDOW + 1))
    assert (await limited.post("/register", data={})).status_code != 429


async def test_anonymous_posts_to_signed_in_forms_count_too(limited):
    for _attempt in range(LIMIT):
        await limited.post("/shifts/1/signup", data={})
    assert_throttled(await limited.post("/shifts/1/signup", data={}))


async def test_api_token_writes_are_throttled_with_a_json_answer(limited):
    user = await make_user("staff")
    token = (await create_api_token(user, "script")).token
    headers = {"authorization": f"Bearer {token}"}
    for _attempt in range(LIMIT):
        response = await limited.patch("/api/v1/me", json={"phone": "123"}, headers=headers)
        assert response.status_code == 200
    refused = await limited.patch("/api/v1/me", json={"phone": "123"}, headers=headers)
    assert_throttled(refused)
    assert "Too many tries" in refused.json()["error"]
    # Reading is not limited.
    assert (await limited.get("/api/v1/me", headers=headers)).status_code == 200


async def test_the_login_lockout_says_when_to_retry(client, settings, frozen_clock):
    user = await make_user("staff")
    for _attempt in range(settings.security.login_max_failures):
        await post_form(client, "/login", {"email": user.email, "password": "wrong password"})
    locked = await post_form(client, "/login", {"email": user.email, "password": "wrong"})
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == str(settings.security.login_lockout_minutes * 60)


async def test_spent_counters_are_forgotten_by_the_hourly_job(limited, settings, frozen_clock):
    await limited.post("/register", data={})
    locked = await LoginThrottle.create(
        key="email:x@example.org",
        failures=9,
        window_started_at=frozen_clock,
        locked_until=frozen_clock + timedelta(days=1),
    )
    assert "auth.purge_throttles" in [job.id for job in collect().jobs]
    assert await purge_expired_throttles(settings) == 0
    clock.set_now(frozen_clock + timedelta(hours=2))
    assert await purge_expired_throttles(settings) == 1
    assert [row.key for row in await LoginThrottle.all()] == [locked.key]
