"""The CSRF cookie is replaced at login and logout: a token learnt before (say, planted by
someone who had the browser) is refused afterwards."""

from __future__ import annotations

from tests.conftest import CSRF_RE, csrf_token, log_in, post_form
from tests.factories.auth import make_user


async def test_login_replaces_the_csrf_token_and_the_old_one_stops_working(client):
    user = await make_user("staff")
    before = await csrf_token(client, "/login")
    await log_in(client, user.email)
    after = client.cookies["opsuite_csrf"]
    assert after != before
    assert len(after) == 43
    stale = await client.post("/me", data={"csrf_token": before, "name": "Stale"})
    assert stale.status_code == 403
    page = await client.get("/me")
    assert CSRF_RE.search(page.text).group(1) == after
    fresh = await post_form(client, "/me", {"name": "Fresh", "timezone": "UTC", "locale": "en"})
    assert fresh.status_code == 303


async def test_logout_replaces_it_again(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    during = client.cookies["opsuite_csrf"]
    await post_form(client, "/logout", {}, from_page="/me")
    assert client.cookies["opsuite_csrf"] != during
    refused = await client.post("/login", data={"csrf_token": during, "email": user.email})
    assert refused.status_code == 403
