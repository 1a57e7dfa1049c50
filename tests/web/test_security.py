"""CSRF on every state-changing route, security headers, escaping and open redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from opsuite.app import create_app
from opsuite.auth.models import User
from opsuite.web.routing import OpsRoute
from tests.conftest import CSRF_RE, csrf_token, log_in, post_form
from tests.factories.auth import PASSWORD, make_user

CSRF_MESSAGE = "Your form had expired or came from another site."
# Routes that take a POST without a CSRF token on purpose, and why.
CSRF_EXEMPT = {
    "notify:unsubscribe": "one-click unsubscribe (RFC 8058): mail providers POST the signed "
    "link without cookies; the URL carries its own HMAC",
    "meetings:rsvp_link": "RSVP from the invitation email: the signed link is the proof",
    "applications:guardian_consent": "a guardian (no account) answers from the emailed link: "
    "its signed single-use token is the proof",
}


def state_changing_html_routes(settings) -> list[tuple[str, str]]:
    """(name, path with every parameter filled) of each HTML route that accepts a POST."""
    found = []
    for route in create_app(settings).routes:
        if not isinstance(route, OpsRoute) or route.api_doc is not None:
            continue
        if "POST" not in (route.methods or set()) or route.name in CSRF_EXEMPT:
            continue
        path = route.path
        for name in route.param_convertors:
            path = path.replace("{" + name + "}", "999999")
        found.append((route.name, path))
    return found


async def test_every_html_post_refuses_a_missing_or_wrong_csrf_token(client, settings):
    admin = await make_user("admin")
    await log_in(client, admin.email)
    routes = state_changing_html_routes(settings)
    assert {"auth:login", "auth:logout", "auth:profile", "web:lang"} <= {n for n, _p in routes}
    failures = []
    for name, path in routes:
        missing = await client.post(path, data={"name": "x"})
        wrong = await client.post(path, data={"name": "x", "csrf_token": "w" * 43})
        header = await client.post(path, data={"name": "x"}, headers={"x-csrf-token": "w" * 43})
        for label, response in (("missing", missing), ("wrong", wrong), ("header", header)):
            if response.status_code != 403 or CSRF_MESSAGE not in response.text:
                failures.append(f"{name} {path} ({label} token): {response.status_code}")
    assert not failures, failures
    # Nothing above logged the admin out.
    assert (await client.get("/me")).status_code == 200


async def test_profile_is_not_changed_by_a_post_without_csrf(client):
    user = await make_user("volunteer", name="Original Name")
    await log_in(client, user.email)
    await client.get("/me")
    data = {"name": "Forged", "timezone": "UTC", "locale": "en", "phone": "", "skills": ""}
    response = await client.post("/me", data=data)
    assert response.status_code == 403
    assert CSRF_MESSAGE in response.text
    assert (await User.get(id=user.id)).name == "Original Name"
    response = await client.post("/me", data={**data, "csrf_token": "f" * 43})
    assert response.status_code == 403
    assert (await User.get(id=user.id)).name == "Original Name"


async def test_a_token_from_another_browser_is_refused(client, app):
    victim = await make_user("volunteer", name="Original Name")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as attacker:
        attackers_token = await csrf_token(attacker, "/login")
    await log_in(client, victim.email)
    data = {"name": "Forged", "timezone": "UTC", "locale": "en", "csrf_token": attackers_token}
    response = await client.post("/me", data=data)
    assert response.status_code == 403
    assert (await User.get(id=victim.id)).name == "Original Name"


async def test_logout_without_csrf_keeps_the_session(client):
    user = await make_user("volunteer")
    await log_in(client, user.email)
    response = await client.post("/logout")
    assert response.status_code == 403
    assert (await client.get("/me")).status_code == 200


async def test_json_patch_with_session_needs_the_csrf_header(client):
    user = await make_user("volunteer", name="Original Name")
    await log_in(client, user.email)
    token = await csrf_token(client, "/me")
    refused = await client.patch("/api/v1/me", json={"name": "Forged"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/json")
    assert CSRF_MESSAGE in refused.json()["error"]
    assert (await User.get(id=user.id)).name == "Original Name"

    allowed = await client.patch(
        "/api/v1/me", json={"name": "New Name"}, headers={"x-csrf-token": token}
    )
    assert allowed.status_code == 200
    assert allowed.json()["name"] == "New Name"
    assert (await User.get(id=user.id)).name == "New Name"


async def test_every_json_write_with_a_session_needs_the_csrf_header(client, settings):
    admin = await make_user("admin")
    await log_in(client, admin.email)
    await client.get("/me")
    failures, checked = [], []
    for route in create_app(settings).routes:
        if not isinstance(route, OpsRoute) or route.api_doc is None:
            continue
        path = route.path_format
        for name in route.param_convertors:
            path = path.replace("{" + name + "}", str(admin.id))
        for method in sorted((route.methods or set()) - {"GET", "HEAD"}):
            for headers in ({}, {"x-csrf-token": "w" * 43}):
                response = await client.request(method, path, json={}, headers=headers)
                if response.status_code != 403 or CSRF_MESSAGE not in response.text:
                    failures.append(f"{route.name} {method} {headers}: {response.status_code}")
            checked.append(f"{route.name} {method}")
    assert "api:me PATCH" in checked
    assert not failures, failures


async def test_json_patch_with_bearer_token_needs_no_csrf(client, app):
    user = await make_user("volunteer")
    await log_in(client, user.email)
    page = await post_form(client, "/me/tokens", {"name": "script"})
    token = page.text.split('<code class="token">')[1].split("</code>")[0]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as script:
        response = await script.patch(
            "/api/v1/me",
            json={"phone": "+44 20 7946 0000"},
            headers={"authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200
    assert (await User.get(id=user.id)).phone == "+44 20 7946 0000"


async def test_basic_auth_from_a_protecting_proxy_neither_hides_the_session_nor_skips_csrf(
    client,
):
    """A staging site behind an HTTP password: the browser sends Authorization: Basic always."""
    user = await make_user("volunteer", name="Original Name")
    client.headers["authorization"] = "Basic c3RhZ2luZzpzZWNyZXQ="
    await log_in(client, user.email)
    assert (await client.get("/me")).status_code == 200
    await client.get("/me")
    data = {"name": "Forged", "timezone": "UTC", "locale": "en"}
    assert (await client.post("/me", data=data)).status_code == 403
    assert (await client.patch("/api/v1/me", json={"name": "Forged"})).status_code == 403
    assert (await User.get(id=user.id)).name == "Original Name"


# --- headers --------------------------------------------------------------------------------


def assert_security_headers(response: httpx.Response) -> None:
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers.get("x-frame-options") == "DENY"
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy") in (
        "same-origin",
        "strict-origin",
        "no-referrer",
    )


async def test_security_headers_on_pages_errors_json_and_static_files(client):
    user = await make_user("volunteer")
    for path in ("/", "/login", "/no-such-page", "/api/v1/me", "/static/site.css"):
        assert_security_headers(await client.get(path))
    await log_in(client, user.email)
    for path in ("/", "/me", "/me/tokens", "/api/v1/me"):
        assert_security_headers(await client.get(path))


async def test_csrf_cookie_is_httponly_and_lax(client):
    response = await client.get("/login")
    cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith("opsuite_csrf=")
    ).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


# --- escaping -------------------------------------------------------------------------------


async def test_names_with_markup_are_shown_escaped(client):
    user = await make_user("staff", name="<script>alert(1)</script>")
    await log_in(client, user.email)
    for path in ("/", "/me"):
        text = (await client.get(path)).text
        assert "<script>" not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path


async def test_markup_in_a_welcome_flash_is_escaped(client):
    response = await post_form(
        client,
        "/register",
        {
            "name": '<img src=x onerror="alert(1)">',
            "email": "markup@example.org",
            "timezone": "UTC",
            "locale": "en",
            "password": "long enough pw",
        },
    )
    assert response.status_code == 303
    text = (await client.get("/")).text
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=" in text


async def test_typed_values_are_escaped_when_a_form_comes_back(client):
    response = await post_form(
        client, "/login", {"email": '"><script>alert(1)</script>', "password": "x"}
    )
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.text
    assert "&#34;&gt;&lt;script&gt;" in response.text


# --- redirects ------------------------------------------------------------------------------

EVIL_TARGETS = [
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "///evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
]


def assert_same_site(location: str) -> None:
    parts = urlsplit(location)
    assert parts.scheme == "", location
    assert parts.netloc == "", location
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location
    assert "\t" not in location, location


async def test_login_next_to_another_site_lands_on_home(client):
    user = await make_user("staff")
    page = await client.get("/login?next=//evil.example")
    login_form = page.text.split('action="/login"')[1]
    next_value = login_form.split('name="next" value="')[1].split('"')[0]
    assert next_value == "/"
    token = CSRF_RE.search(page.text).group(1)
    response = await client.post(
        "/login",
        data={"csrf_token": token, "email": user.email, "password": PASSWORD, "next": next_value},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("target", EVIL_TARGETS)
async def test_login_never_redirects_off_site(client, target):
    user = await make_user("staff")
    response = await post_form(
        client, "/login", {"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert_same_site(response.headers["location"])
    # Signed in, the login page itself forwards to next: same rule. A control character in a
    # query string (the tab of "/\t/evil.example") is refused outright.
    forwarded = await client.get("/login", params={"next": target})
    if any(ord(c) < 32 for c in target):
        assert forwarded.status_code == 400
        return
    assert forwarded.status_code == 303
    assert_same_site(forwarded.headers["location"])


@pytest.mark.parametrize("target", EVIL_TARGETS)
async def test_language_switch_never_redirects_off_site(client, target):
    response = await post_form(client, "/lang", {"locale": "en", "next": target}, from_page="/")
    assert response.status_code == 303
    assert_same_site(response.headers["location"])
