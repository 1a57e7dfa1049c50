"""Logging in and out, session cookies, sliding sessions and login throttling, through HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx

from opsuite import clock
from opsuite.app import create_app
from opsuite.auth.models import LoginThrottle, Session, User
from tests.conftest import csrf_token, log_in, make_settings, post_form
from tests.factories.auth import PASSWORD, make_user


@asynccontextmanager
async def browser(
    app: Any, cookie: str = "", base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser (its own cookie jar) on ``app``; ``cookie`` replays a saved session."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        if cookie:
            client.cookies.set("opsuite_session", cookie)
        yield client


def set_cookie_header(response: httpx.Response, name: str) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    return headers[0]


async def is_signed_in(app: Any, session_cookie: str) -> bool:
    async with browser(app, session_cookie) as other:
        response = await other.get("/me")
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


# --- logging in -----------------------------------------------------------------------------


async def test_login_sets_httponly_lax_session_cookie_without_secure_in_development(client):
    user = await make_user("volunteer")
    response = await post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = set_cookie_header(response, "opsuite_session").lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie
    assert "max-age=" in cookie


async def test_login_cookie_is_secure_in_production(instance_dir, smtp, database):
    settings = make_settings(instance_dir, smtp[0], server={"environment": "production"})
    app = create_app(settings)
    user = await make_user("volunteer")
    # Production runs behind HTTPS; a browser sends Secure cookies only there.
    async with browser(app, base_url="https://testserver") as client:
        login_page = await client.get("/login")
        response = await post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert "; secure" in set_cookie_header(login_page, "opsuite_csrf").lower()
    assert response.status_code == 303
    assert "; secure" in set_cookie_header(response, "opsuite_session").lower()


async def test_email_is_matched_case_insensitively(client):
    user = await make_user("staff", email="mei.lin@example.org")
    await log_in(client, "  Mei.Lin@Example.ORG ")
    assert (await client.get("/me")).text.count(user.email) >= 1


async def test_login_rotates_the_session_id(client, app):
    user = await make_user("staff")
    await log_in(client, user.email)
    first = client.cookies["opsuite_session"]
    # Logging in again in the same browser (the old cookie is sent along) gives a new id.
    response = await post_form(
        client, "/login", {"email": user.email, "password": PASSWORD}, from_page="/me"
    )
    assert response.status_code == 303
    second = client.cookies["opsuite_session"]
    assert second != first
    assert not await is_signed_in(app, first)
    assert await is_signed_in(app, second)


async def test_a_cookie_planted_before_login_is_not_adopted(app):
    user = await make_user("staff")
    planted = "x" * 43
    async with browser(app, planted) as client:
        response = await post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    new_value = set_cookie_header(response, "opsuite_session").split(";")[0].split("=", 1)[1]
    assert new_value != planted
    assert not await is_signed_in(app, planted)
    assert await is_signed_in(app, new_value)


async def test_signed_in_visitor_opening_login_page_goes_to_next(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    response = await client.get("/login?next=/me/tokens")
    assert response.status_code == 303
    assert response.headers["location"] == "/me/tokens"


async def test_login_goes_to_the_page_asked_for(client):
    user = await make_user("staff")
    first = await client.get("/me/tokens")
    assert first.status_code == 303
    assert first.headers["location"] == "/login?next=/me/tokens"
    login_page = await client.get(first.headers["location"])
    assert 'name="next" value="/me/tokens"' in login_page.text
    response = await post_form(
        client, "/login", {"email": user.email, "password": PASSWORD, "next": "/me/tokens"}
    )
    assert response.headers["location"] == "/me/tokens"


async def test_wrong_password_shows_message_by_the_field_and_keeps_the_email(client):
    user = await make_user("staff")
    response = await post_form(
        client, "/login", {"email": user.email, "password": "not my password"}
    )
    assert response.status_code == 400
    assert "That email and password do not match an active account." in response.text
    assert 'id="e-password"' in response.text
    assert f'value="{user.email}"' in response.text
    assert "not my password" not in response.text
    assert "opsuite_session" not in client.cookies


async def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    response = await post_form(
        client, "/login", {"email": "nobody@example.org", "password": "whatever 123"}
    )
    assert response.status_code == 400
    assert "That email and password do not match an active account." in response.text


async def test_empty_login_form_says_which_fields_are_missing(client):
    response = await post_form(client, "/login", {"email": "", "password": ""})
    assert response.status_code == 400
    assert 'id="e-email"' in response.text
    assert 'id="e-password"' in response.text
    assert "This field is required." in response.text


async def test_deactivated_user_cannot_log_in(client):
    user = await make_user("staff")
    await User.filter(id=user.id).update(is_active=False)
    response = await post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "That email and password do not match an active account." in response.text


async def test_deactivating_a_user_ends_their_sessions_at_once(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    await User.filter(id=user.id).update(is_active=False)
    response = await client.get("/me")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_invited_user_without_password_cannot_log_in_with_any_password(client):
    user = await make_user("volunteer", password=None)
    response = await post_form(client, "/login", {"email": user.email, "password": "anything 12"})
    assert response.status_code == 400


# --- logging out ----------------------------------------------------------------------------


async def test_logout_ends_the_session_on_the_server(client, app):
    user = await make_user("staff")
    await log_in(client, user.email)
    old = client.cookies["opsuite_session"]
    token = await csrf_token(client, "/me")
    response = await client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "opsuite_session=" in response.headers.get("set-cookie", "")
    assert await Session.filter(user_id=user.id).count() == 0
    # Someone who copied the cookie before logout gets the login page.
    assert not await is_signed_in(app, old)
    follow = await client.get("/login")
    assert "You have logged out." in follow.text


async def test_logout_is_a_post_only(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    response = await client.get("/logout")
    assert response.status_code == 405
    assert (await client.get("/me")).status_code == 200


# --- sliding sessions -----------------------------------------------------------------------


async def test_idle_session_expires(client, settings, frozen_clock):
    user = await make_user("staff")
    await log_in(client, user.email)
    clock.set_now(frozen_clock + timedelta(hours=settings.security.session_hours, minutes=1))
    response = await client.get("/me")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/me"


async def test_activity_keeps_the_session_alive(client, settings, frozen_clock):
    user = await make_user("staff")
    await log_in(client, user.email)
    idle = timedelta(hours=settings.security.session_hours)
    now = frozen_clock
    for _visit in range(3):
        now += idle - timedelta(hours=1)
        clock.set_now(now)
        response = await client.get("/me")
        assert response.status_code == 200, f"logged out at {now}"
    assert now - frozen_clock > idle


async def test_sliding_session_refreshes_the_browser_cookie(client, settings, frozen_clock):
    """The browser must keep the cookie as long as the server keeps the session."""
    user = await make_user("staff")
    await log_in(client, user.email)
    clock.set_now(frozen_clock + timedelta(days=3))
    response = await client.get("/me")
    assert response.status_code == 200
    cookie = set_cookie_header(response, "opsuite_session").lower()
    assert f"max-age={settings.security.session_hours * 3600}" in cookie
    assert "httponly" in cookie


# --- throttling -----------------------------------------------------------------------------


async def fail_login(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await post_form(client, "/login", {"email": email, "password": "wrong password"})


async def test_lockout_after_too_many_failures_then_it_lifts(client, settings, frozen_clock):
    user = await make_user("staff")
    for _attempt in range(settings.security.login_max_failures):
        assert (await fail_login(client, user.email)).status_code == 400
    response = await post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert f"Try again in {settings.security.login_lockout_minutes} minutes" in response.text
    assert f'value="{user.email}"' in response.text
    assert "opsuite_session" not in client.cookies

    clock.set_now(frozen_clock + timedelta(minutes=settings.security.login_lockout_minutes - 1))
    response = await post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429

    clock.set_now(frozen_clock + timedelta(minutes=settings.security.login_lockout_minutes + 1))
    await log_in(client, user.email)
    assert (await client.get("/me")).status_code == 200


async def test_success_clears_the_failure_count(client, settings):
    user = await make_user("staff")
    for _attempt in range(settings.security.login_max_failures - 1):
        await fail_login(client, user.email)
    await log_in(client, user.email)
    assert not await LoginThrottle.filter(key=f"email:{user.email}").exists()
    client.cookies.clear()
    for _attempt in range(settings.security.login_max_failures - 1):
        assert (await fail_login(client, user.email)).status_code == 400
    await log_in(client, user.email)


async def test_throttle_is_shared_by_every_app_instance(settings, database, frozen_clock):
    """Two processes behind a load balancer: failures counted in one lock the other too."""
    user = await make_user("staff")
    first, second = create_app(settings), create_app(settings)
    async with browser(first) as one, browser(second) as two:
        for attempt in range(settings.security.login_max_failures):
            assert (await fail_login(one if attempt % 2 else two, user.email)).status_code == 400
        row = await LoginThrottle.get(key=f"email:{user.email}")
        assert row.failures == settings.security.login_max_failures
        assert row.locked_until is not None
        for client in (one, two):
            response = await post_form(
                client, "/login", {"email": user.email, "password": PASSWORD}
            )
            assert response.status_code == 429


async def test_one_persons_failures_do_not_lock_out_a_colleague(client, settings):
    """An office shares one address; a colleague's typos must not lock everyone out."""
    careless, colleague = await make_user("staff"), await make_user("staff")
    for _attempt in range(settings.security.login_max_failures):
        await fail_login(client, careless.email)
    await log_in(client, colleague.email)


async def test_one_address_spraying_many_accounts_is_locked_out(client, settings):
    victim = await make_user("staff")
    attempts = 0
    while True:
        attempts += 1
        response = await fail_login(client, f"guess{attempts}@example.org")
        if response.status_code == 429:
            break
        assert attempts < 100, "an address is never throttled"
    response = await post_form(client, "/login", {"email": victim.email, "password": PASSWORD})
    assert response.status_code == 429
