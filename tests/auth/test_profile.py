"""The profile page, changing one's password and personal API tokens, through HTTP."""

from __future__ import annotations

import re

import httpx
from tortoise import connections

from opsuite.audit.models import Activity
from opsuite.auth.models import ApiToken, User
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.auth import PASSWORD, make_user

TOKEN_RE = re.compile(r'<code class="token">(ops_[A-Za-z0-9_\-]+)</code>')


def profile_data(user: User, **changes: str) -> dict[str, str]:
    data = {
        "name": user.name,
        "timezone": user.timezone,
        "locale": user.locale,
        "phone": user.phone,
        "skills": ", ".join(user.skills),
    }
    data.update(changes)
    return data


# --- profile ------------------------------------------------------------------------------


async def test_profile_edit_is_saved(client):
    user = await make_user("volunteer", timezone="UTC")
    await log_in(client, user.email)
    response = await post_form(
        client,
        "/me",
        profile_data(
            user,
            name="Liu Yang",
            timezone="Asia/Shanghai",
            phone="+86 138 0000 0000",
            skills="first aid, driving，Mandarin",
        ),
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    saved = await User.get(id=user.id)
    assert (saved.name, saved.timezone, saved.phone) == (
        "Liu Yang",
        "Asia/Shanghai",
        "+86 138 0000 0000",
    )
    assert saved.skills == ["first aid", "driving", "Mandarin"]
    page = await client.get("/me")
    assert "Your profile is saved." in page.text
    assert 'value="Liu Yang"' in page.text
    assert "Times are shown in Asia/Shanghai." in page.text


async def test_profile_edit_is_recorded_with_the_fields_that_changed(client):
    user = await make_user("volunteer", timezone="UTC")
    await log_in(client, user.email)
    await post_form(client, "/me", profile_data(user, name="Liu Yang"))
    entry = await Activity.get(action="auth.profile.updated")
    assert (entry.actor_id, entry.data["fields"]) == (user.id, ["name"])
    await post_form(client, "/me", profile_data(await User.get(id=user.id)))
    assert await Activity.filter(action="auth.profile.updated").count() == 1  # nothing changed


async def test_more_skills_than_a_manager_may_give_are_a_field_error(client):
    user = await make_user("volunteer", skills=["driving"])
    await log_in(client, user.email)
    skills = ", ".join(f"skill {n}" for n in range(31))
    response = await post_form(client, "/me", profile_data(user, skills=skills))
    assert response.status_code == 400
    assert "List at most 30 skills" in response.text
    assert (await User.get(id=user.id)).skills == ["driving"]


async def test_clearing_skills_and_phone_saves_empty_values(client):
    user = await make_user("volunteer", phone="12345", skills=["driving"])
    await log_in(client, user.email)
    response = await post_form(client, "/me", profile_data(user, phone="", skills=""))
    assert response.status_code == 303
    saved = await User.get(id=user.id)
    assert (saved.phone, saved.skills) == ("", [])


async def test_unknown_time_zone_is_a_field_error_and_nothing_is_saved(client):
    user = await make_user("volunteer", name="Before", timezone="Europe/London")
    await log_in(client, user.email)
    response = await post_form(
        client, "/me", profile_data(user, name="After", timezone="Asia/Beijing")
    )
    assert response.status_code == 400
    assert 'id="e-timezone"' in response.text
    assert "Unknown time zone" in response.text
    assert 'value="Asia/Beijing"' in response.text
    assert 'value="After"' in response.text
    saved = await User.get(id=user.id)
    assert (saved.name, saved.timezone) == ("Before", "Europe/London")


async def test_over_long_phone_is_a_field_error_and_nothing_is_saved(client):
    user = await make_user("volunteer", name="Before")
    await log_in(client, user.email)
    response = await post_form(client, "/me", profile_data(user, name="After", phone="1" * 41))
    assert response.status_code == 400
    assert 'id="e-phone"' in response.text
    assert "At most 40 characters, please (you typed 41)." in response.text
    saved = await User.get(id=user.id)
    assert (saved.name, saved.phone) == ("Before", "")


async def test_unknown_language_is_refused(client):
    user = await make_user("volunteer")
    await log_in(client, user.email)
    response = await post_form(client, "/me", profile_data(user, locale="klingon"))
    assert response.status_code == 400
    assert 'id="e-locale"' in response.text
    assert (await User.get(id=user.id)).locale == "en"


async def test_profile_needs_a_login(client):
    response = await client.get("/me")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/me"


# --- password change ----------------------------------------------------------------------


async def test_wrong_current_password_is_refused(client):
    user = await make_user("volunteer")
    await log_in(client, user.email)
    response = await post_form(
        client,
        "/me/password",
        {"current_password": "not it at all", "password": "a brand new secret"},
        from_page="/me",
    )
    assert response.status_code == 400
    assert 'id="e-current_password"' in response.text
    assert "That is not your current password." in response.text
    assert "not it at all" not in response.text
    assert "a brand new secret" not in response.text
    client.cookies.clear()
    await log_in(client, user.email, PASSWORD)


async def test_too_short_new_password_is_refused(client, settings):
    user = await make_user("volunteer")
    await log_in(client, user.email)
    response = await post_form(
        client,
        "/me/password",
        {"current_password": PASSWORD, "password": "short"},
        from_page="/me",
    )
    assert response.status_code == 400
    assert f"Use at least {settings.security.password_min_length} characters." in response.text


async def test_password_change_ends_other_sessions_and_keeps_this_one(client, app):
    user = await make_user("volunteer")
    await log_in(client, user.email)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as phone:
        await log_in(phone, user.email)
        response = await post_form(
            client,
            "/me/password",
            {"current_password": PASSWORD, "password": "a brand new secret"},
            from_page="/me",
        )
        assert response.status_code == 303
        assert (await phone.get("/me")).status_code == 303
    page = await client.get("/me")
    assert page.status_code == 200
    assert "other devices are logged out" in page.text
    client.cookies.clear()
    await log_in(client, user.email, "a brand new secret")


# --- API tokens ---------------------------------------------------------------------------


async def create_token(client: httpx.AsyncClient, name: str = "reporting sheet") -> str:
    response = await post_form(client, "/me/tokens", {"name": name})
    assert response.status_code == 200, response.text
    match = TOKEN_RE.search(response.text)
    assert match, response.text
    return match.group(1)


async def test_new_token_is_shown_once_and_works_as_bearer(client, app):
    user = await make_user("staff", name="Token Owner")
    await log_in(client, user.email)
    token = await create_token(client)
    listing = await client.get("/me/tokens")
    assert token not in listing.text
    assert "reporting sheet" in listing.text
    assert token[:10] in listing.text

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as script:
        response = await script.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["name"] == "Token Owner"
    assert response.json()["email"] == user.email


async def test_token_needs_a_name(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    response = await post_form(client, "/me/tokens", {"name": "  "})
    assert response.status_code == 400
    assert 'id="e-name"' in response.text
    assert await ApiToken.filter(user_id=user.id).count() == 0


async def test_revoked_token_is_refused_with_json_401(client, app):
    user = await make_user("staff")
    await log_in(client, user.email)
    token = await create_token(client)
    row = await ApiToken.get(user_id=user.id)
    response = await post_form(client, f"/me/tokens/{row.id}/revoke", {}, from_page="/me/tokens")
    assert response.status_code == 303
    assert "revoked" in (await client.get("/me/tokens")).text

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as script:
        refused = await script.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/json")
    assert refused.json()["field"] is None
    assert refused.json()["error"]


async def test_someone_elses_token_cannot_be_revoked(client):
    owner, other = await make_user("staff"), await make_user("admin")
    await log_in(client, owner.email)
    await create_token(client)
    row = await ApiToken.get(user_id=owner.id)
    client.cookies.clear()
    await log_in(client, other.email)
    response = await post_form(client, f"/me/tokens/{row.id}/revoke", {}, from_page="/me/tokens")
    assert response.status_code == 404
    assert (await ApiToken.get(id=row.id)).revoked_at is None


async def test_wrong_token_gets_json_401_with_error_and_null_field(app):
    await make_user("staff")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as script:
        for value in ("Bearer ops_not-a-real-token", "Bearer ", "Bearer " + "x" * 500):
            response = await script.get("/api/v1/me", headers={"authorization": value})
            assert response.status_code == 401, value
            body = response.json()
            assert set(body) == {"error", "field"}
            assert isinstance(body["error"], str)
            assert body["error"]
            assert body["field"] is None


async def test_token_of_a_deactivated_user_stops_working(client, app):
    user = await make_user("staff")
    await log_in(client, user.email)
    token = await create_token(client)
    await User.filter(id=user.id).update(is_active=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as script:
        response = await script.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_only_the_token_hash_is_stored(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    token = await create_token(client)
    rows = await connections.get("default").execute_query_dict("SELECT * FROM api_tokens")
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0].values())
    assert token not in stored
    assert token[10:] not in stored


async def test_tokens_page_needs_the_csrf_token(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    await csrf_token(client, "/me/tokens")
    response = await client.post("/me/tokens", data={"name": "sneaky"})
    assert response.status_code == 403
    assert await ApiToken.filter(user_id=user.id).count() == 0
