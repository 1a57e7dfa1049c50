"""Nothing typed is lost: an expired session, a stale form, a double click, a draft."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from opsuite import clock
from opsuite.auth.models import ApiToken, Session, User
from opsuite.web.models import Draft, StashedForm, SubmissionKey
from opsuite.web.submissions import purge
from tests.conftest import CSRF_RE, log_in, post_form
from tests.factories.auth import PASSWORD, make_user

KEY_RE = re.compile(r'name="submission_key" value="([^"]+)"')


async def form_tokens(client, path):
    page = await client.get(path)
    return CSRF_RE.search(page.text).group(1), KEY_RE.search(page.text).group(1)


PROFILE = {
    "name": "Wang Fang",
    "timezone": "Europe/London",
    "locale": "en",
    "phone": "+44 20 7946 0000",
    "skills": "first aid, driving",
}


async def test_a_form_sent_after_the_session_ended_comes_back_filled_in_after_login(client):
    staff = await make_user("staff", name="Old Name")
    await log_in(client, staff.email)
    csrf, key = await form_tokens(client, "/me")
    await Session.all().delete()  # the session ended while the form was open

    sent = await client.post(
        "/me",
        data={"csrf_token": csrf, "submission_key": key, **PROFILE},
        headers={"referer": "http://testserver/me"},
    )

    assert sent.status_code == 303
    target = urlsplit(sent.headers["location"])
    assert target.path == "/login"
    resume_at = parse_qs(target.query)["next"][0]
    assert resume_at.startswith("/me?resume=")
    assert (await User.get(id=staff.id)).name == "Old Name"  # nothing applied yet
    stored = await StashedForm.get()
    assert "csrf_token" not in stored.data
    assert stored.data["phone"] == [PROFILE["phone"]]

    login = await post_form(
        client, "/login", {"email": staff.email, "password": PASSWORD, "next": resume_at}
    )
    assert login.headers["location"] == resume_at
    page = await client.get(resume_at)
    assert "What you typed before is filled in again" in page.text
    assert 'value="+44 20 7946 0000"' in page.text
    assert 'value="Europe/London"' in page.text

    resent = await post_form(client, "/me", PROFILE)  # a fresh CSRF token from the page
    assert resent.status_code == 303
    assert (await User.get(id=staff.id)).phone == PROFILE["phone"]


async def test_the_saved_form_is_given_back_once_and_only_to_the_same_browser(app, client):
    import httpx

    staff = await make_user("staff")
    await log_in(client, staff.email)
    csrf, key = await form_tokens(client, "/me")
    await Session.all().delete()
    sent = await client.post(
        "/me",
        data={"csrf_token": csrf, "submission_key": key, **PROFILE},
        headers={"origin": "http://testserver"},
    )
    resume_at = parse_qs(urlsplit(sent.headers["location"]).query)["next"][0]

    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await log_in(other, staff.email)
        elsewhere = await other.get(resume_at)
    assert "already been used or has expired" in elsewhere.text
    assert PROFILE["phone"] not in elsewhere.text

    await log_in(client, staff.email)
    assert PROFILE["phone"] in (await client.get(resume_at)).text
    assert PROFILE["phone"] not in (await client.get(resume_at)).text  # one time only


async def test_a_stale_form_token_gives_the_form_back_instead_of_an_error(client):
    staff = await make_user("staff", name="Old Name")
    await log_in(client, staff.email)
    _csrf, key = await form_tokens(client, "/me")
    sent = await client.post(
        "/me",
        data={"csrf_token": "stale", "submission_key": key, **PROFILE},
        headers={"referer": "http://testserver/me"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/me?resume=")
    page = await client.get(sent.headers["location"])
    assert "Your form had expired" in page.text
    assert 'value="+44 20 7946 0000"' in page.text
    assert (await User.get(id=staff.id)).name == "Old Name"


async def test_a_post_from_another_site_is_refused_and_keeps_nothing(client):
    staff = await make_user("staff", name="Old Name")
    await log_in(client, staff.email)
    forged = await client.post(
        "/me", data={"csrf_token": "guess", **PROFILE}, headers={"origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    await Session.all().delete()
    forged = await client.post("/me", data=PROFILE, headers={"origin": "https://evil.example"})
    assert forged.status_code == 303
    assert "resume" not in forged.headers["location"]
    assert not await StashedForm.exists()
    assert (await User.get(id=staff.id)).name == "Old Name"


async def test_a_double_click_creates_one_thing(client):
    staff = await make_user("staff")
    await log_in(client, staff.email)
    csrf, key = await form_tokens(client, "/me/tokens")
    data = {"csrf_token": csrf, "submission_key": key, "name": "spreadsheet"}
    first = await client.post("/me/tokens", data=data)
    second = await client.post("/me/tokens", data=data)
    assert first.status_code == 200
    assert "ops_" in first.text
    assert second.status_code == 303
    assert await ApiToken.filter(user_id=staff.id).count() == 1
    assert "not carried out twice" in (await client.get(second.headers["location"])).text


async def test_a_refused_submission_can_be_corrected_and_sent_with_the_same_key(client):
    staff = await make_user("staff")
    await log_in(client, staff.email)
    csrf, key = await form_tokens(client, "/me")
    bad = await client.post(
        "/me",
        data={"csrf_token": csrf, "submission_key": key, **{**PROFILE, "timezone": "Mars/Olympus"}},
    )
    assert bad.status_code == 400
    good = await client.post("/me", data={"csrf_token": csrf, "submission_key": key, **PROFILE})
    assert good.status_code == 303
    assert await SubmissionKey.filter(key=key).exists()


async def test_drafts_are_offered_back_restored_and_dropped_after_sending(client):
    staff = await make_user("staff", name="Old Name")
    await log_in(client, staff.email)
    csrf, _key = await form_tokens(client, "/me")
    saved = await client.post(
        "/drafts",
        headers={"x-csrf-token": csrf},
        json={
            "form": "/me",
            "values": {
                "name": ["Half-typed name"],
                "phone": ["+86 21"],
                "current_password": ["never kept"],
            },
        },
    )
    assert saved.status_code == 200
    assert "current_password" not in (await Draft.get()).data

    offer = await client.get("/me")
    assert "You have an unsent draft of this form" in offer.text
    assert 'value="Half-typed name"' not in offer.text  # offered, not forced
    restored = await client.get("/me?draft=restore")
    assert 'value="Half-typed name"' in restored.text
    assert 'value="+86 21"' in restored.text
    assert 'value="Asia/Shanghai"' in restored.text  # untouched fields keep their values

    sent = await post_form(client, "/me", PROFILE, from_page="/me")
    assert sent.status_code == 303
    assert not await Draft.exists()


async def test_a_draft_can_be_discarded(client):
    staff = await make_user("staff")
    await log_in(client, staff.email)
    csrf, _key = await form_tokens(client, "/me")
    await client.post(
        "/drafts", headers={"x-csrf-token": csrf}, json={"form": "/me", "values": {"name": ["x"]}}
    )
    response = await post_form(client, "/drafts/discard", {"form": "/me"}, from_page="/me")
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    assert not await Draft.exists()


async def test_malformed_drafts_are_refused_clearly(client):
    staff = await make_user("staff")
    await log_in(client, staff.email)
    csrf, _key = await form_tokens(client, "/me")
    headers = {"x-csrf-token": csrf}
    for body, field in [
        ({"form": "me", "values": {}}, "form"),
        ({"form": "/me", "values": {"name": "not a list"}}, "values"),
        ({"form": "/me", "values": {"name": ["x" * 300_000]}}, "values"),
    ]:
        response = await client.post("/drafts", headers=headers, json=body)
        assert response.status_code == 400
        assert response.json()["field"] == field
    assert (await client.post("/drafts", json={"form": "/me", "values": {}})).status_code == 403
    assert not await Draft.exists()


async def test_old_drafts_stashes_and_keys_are_forgotten(client, frozen_clock):
    staff = await make_user("staff")
    await log_in(client, staff.email)
    csrf, _key = await form_tokens(client, "/me")
    await client.post(
        "/drafts", headers={"x-csrf-token": csrf}, json={"form": "/me", "values": {"name": ["x"]}}
    )
    clock.advance(timedelta(days=31))
    assert "unsent draft" not in (await client.get("/me")).text
    assert (await purge(draft_days=30))["drafts"] == 1
