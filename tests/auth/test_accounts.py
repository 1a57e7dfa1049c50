"""Self-registration, password reset by email and accepting an invitation, through HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from opsuite import clock
from opsuite.app import create_app
from opsuite.auth.models import Role, User
from opsuite.auth.service import create_link
from opsuite.notify.service import dispatch_due
from tests.conftest import csrf_token, log_in, make_settings, post_form
from tests.factories.auth import PASSWORD, make_user

NEW_PASSWORD = "a brand new secret"
RESET_LINK_RE = re.compile(r"http://testserver(/password/reset/[A-Za-z0-9_\-]+)")


async def signed_in_as(client: httpx.AsyncClient) -> str | None:
    """The email shown on /me, or None when the browser is not signed in."""
    response = await client.get("/me")
    if response.status_code == 303:
        return None
    match = re.search(r"<p>([^<\s]+@[^<\s]+) ·", response.text)
    assert match, response.text
    return match.group(1)


# --- registration -------------------------------------------------------------------------


async def test_volunteer_registers_and_is_signed_in(client):
    response = await post_form(
        client,
        "/register",
        {
            "name": "Wang Fang",
            "email": "Wang.Fang@example.org",
            "timezone": "Asia/Shanghai",
            "locale": "zh_Hans",
            "password": "long enough pw",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    user = await User.get(email="wang.fang@example.org")
    assert user.role == Role.VOLUNTEER
    assert (user.timezone, user.locale) == ("Asia/Shanghai", "zh_Hans")
    assert await signed_in_as(client) == "wang.fang@example.org"


async def test_registration_cannot_choose_a_role(client):
    await post_form(
        client,
        "/register",
        {
            "name": "Sneaky",
            "email": "sneaky@example.org",
            "timezone": "UTC",
            "locale": "en",
            "password": "long enough pw",
            "role": "admin",
        },
    )
    assert (await User.get(email="sneaky@example.org")).role == Role.VOLUNTEER


async def test_registration_errors_keep_what_was_typed(client):
    taken = await make_user("staff")
    response = await post_form(
        client,
        "/register",
        {
            "name": "Li Lei",
            "email": taken.email,
            "timezone": "Asia/Shanghai",
            "locale": "en",
            "password": "long enough pw",
        },
    )
    assert response.status_code == 400
    assert "Someone already uses this email address." in response.text
    assert 'value="Li Lei"' in response.text
    assert "long enough pw" not in response.text
    assert await User.filter(name="Li Lei").count() == 0


async def test_registration_refuses_short_password_and_unknown_zone(client, settings):
    response = await post_form(
        client,
        "/register",
        {
            "name": "Li Lei",
            "email": "li.lei@example.org",
            "timezone": "Mars/Olympus",
            "locale": "en",
            "password": "short",
        },
    )
    assert response.status_code == 400
    assert "Unknown time zone" in response.text
    assert not await User.filter(email="li.lei@example.org").exists()
    response = await post_form(
        client,
        "/register",
        {
            "name": "Li Lei",
            "email": "li.lei@example.org",
            "timezone": "Asia/Shanghai",
            "locale": "en",
            "password": "short",
        },
    )
    assert response.status_code == 400
    assert f"Use at least {settings.security.password_min_length} characters." in response.text
    assert not await User.filter(email="li.lei@example.org").exists()


async def test_registration_switched_off_is_a_404_with_a_message(instance_dir, smtp, database):
    settings = make_settings(instance_dir, smtp[0], security={"allow_volunteer_signup": False})
    transport = httpx.ASGITransport(app=create_app(settings), client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get("/register")
        assert page.status_code == 404
        assert "Self-registration is switched off" in page.text
        assert 'href="/register"' not in (await client.get("/login")).text
        token = await csrf_token(client, "/login")
        response = await client.post(
            "/register",
            data={
                "csrf_token": token,
                "name": "Li Lei",
                "email": "li.lei@example.org",
                "timezone": "UTC",
                "locale": "en",
                "password": "long enough pw",
            },
        )
    assert response.status_code == 404
    assert not await User.filter(email="li.lei@example.org").exists()


# --- password reset -----------------------------------------------------------------------


async def request_reset(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await post_form(client, "/password/forgot", {"email": email})


async def reset_link_from_inbox(inbox, settings, address: str) -> str:
    await dispatch_due(settings)
    mails = inbox.to(address)
    assert len(mails) == 1, [m.rcpt_tos for m in inbox.messages]
    match = RESET_LINK_RE.search(mails[0].text)
    assert match, mails[0].text
    return match.group(1)


async def test_password_reset_by_email_sets_a_new_password(client, settings, inbox):
    user = await make_user("volunteer", name="Chen Jing")
    response = await request_reset(client, user.email.upper())
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    link = await reset_link_from_inbox(inbox, settings, user.email)
    assert "Chen Jing" in inbox.to(user.email)[0].text

    page = await client.get(link)
    assert page.status_code == 200
    assert f"For {user.email}." in page.text
    response = await post_form(client, link, {"password": NEW_PASSWORD})
    assert response.status_code == 303
    assert await signed_in_as(client) == user.email

    client.cookies.clear()
    refused = await post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 400
    await log_in(client, user.email, NEW_PASSWORD)


async def test_password_reset_ends_sessions_elsewhere(client, app, settings, inbox):
    user = await make_user("volunteer")
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as laptop:
        await log_in(laptop, user.email)
        await request_reset(client, user.email)
        link = await reset_link_from_inbox(inbox, settings, user.email)
        await post_form(client, link, {"password": NEW_PASSWORD})
        assert await signed_in_as(laptop) is None


async def test_reset_link_works_once(client, settings, inbox):
    user = await make_user("volunteer")
    await request_reset(client, user.email)
    link = await reset_link_from_inbox(inbox, settings, user.email)
    assert (await post_form(client, link, {"password": NEW_PASSWORD})).status_code == 303
    client.cookies.clear()
    again = await client.get(link)
    assert again.status_code == 404
    assert "This link has already been used. Ask for a new one." in again.text
    token = await csrf_token(client, "/login")
    reuse = await client.post(link, data={"csrf_token": token, "password": "another password"})
    assert reuse.status_code == 404
    await log_in(client, user.email, NEW_PASSWORD)


async def test_expired_reset_link_says_so(client, settings, inbox, frozen_clock):
    user = await make_user("volunteer")
    await request_reset(client, user.email)
    link = await reset_link_from_inbox(inbox, settings, user.email)
    clock.set_now(frozen_clock + timedelta(hours=settings.security.reset_hours, minutes=1))
    page = await client.get(link)
    assert page.status_code == 404
    assert "This link has expired. Ask for a new one." in page.text
    assert 'href="/password/forgot"' in page.text
    token = await csrf_token(client, "/login")
    refused = await client.post(link, data={"csrf_token": token, "password": NEW_PASSWORD})
    assert refused.status_code == 404
    await log_in(client, user.email, PASSWORD)


async def test_a_newer_reset_link_replaces_the_older_one(client, settings, inbox):
    user = await make_user("volunteer")
    await request_reset(client, user.email)
    first = await reset_link_from_inbox(inbox, settings, user.email)
    inbox.clear()
    await request_reset(client, user.email)
    second = await reset_link_from_inbox(inbox, settings, user.email)
    assert first != second
    assert (await client.get(first)).status_code == 404
    assert (await client.get(second)).status_code == 200


async def test_reset_with_a_short_password_keeps_the_link_usable(client, settings, inbox):
    user = await make_user("volunteer")
    await request_reset(client, user.email)
    link = await reset_link_from_inbox(inbox, settings, user.email)
    response = await post_form(client, link, {"password": "short"})
    assert response.status_code == 400
    assert f"Use at least {settings.security.password_min_length} characters." in response.text
    assert (await post_form(client, link, {"password": NEW_PASSWORD})).status_code == 303


async def test_unknown_address_gets_the_same_answer_and_no_email(client, settings, inbox):
    user = await make_user("volunteer")
    known = await request_reset(client, user.email)
    known_page = (await client.get("/login")).text
    unknown = await request_reset(client, "nobody@example.org")
    unknown_page = (await client.get("/login")).text
    assert (known.status_code, known.headers["location"]) == (
        unknown.status_code,
        unknown.headers["location"],
    )
    message = "If that address has an account, a reset link is on its way."
    assert message in known_page
    assert message in unknown_page
    await dispatch_due(settings)
    assert [m.rcpt_tos for m in inbox.messages] == [[user.email]]


async def test_deactivated_account_gets_no_reset_email(client, settings, inbox):
    user = await make_user("volunteer")
    await User.filter(id=user.id).update(is_active=False)
    response = await request_reset(client, user.email)
    assert response.status_code == 303
    await dispatch_due(settings)
    assert inbox.messages == []


async def test_made_up_reset_link_is_a_404(client):
    page = await client.get("/password/reset/not-a-real-token")
    assert page.status_code == 404
    assert "This link is not valid. Ask for a new one." in page.text


# --- invitations --------------------------------------------------------------------------


async def test_invited_person_chooses_a_password_and_is_signed_in(client):
    invitee = await make_user("staff", name="Zhou Min", password=None)
    token = await create_link(invitee, purpose="invite", valid_for=timedelta(days=7))
    page = await client.get(f"/invite/{token}")
    assert page.status_code == 200
    assert "Welcome to opsuite, Zhou Min" in page.text
    assert invitee.email in page.text
    response = await post_form(client, f"/invite/{token}", {"password": NEW_PASSWORD})
    assert response.status_code == 303
    assert await signed_in_as(client) == invitee.email
    client.cookies.clear()
    await log_in(client, invitee.email, NEW_PASSWORD)
    assert (await client.get(f"/invite/{token}")).status_code == 404


async def test_expired_invitation_says_so(client, settings, frozen_clock):
    invitee = await make_user("staff", password=None)
    token = await create_link(
        invitee, purpose="invite", valid_for=timedelta(days=settings.security.invite_days)
    )
    clock.set_now(frozen_clock + timedelta(days=settings.security.invite_days, seconds=1))
    page = await client.get(f"/invite/{token}")
    assert page.status_code == 404
    assert "This link has expired. Ask for a new one." in page.text
    refused = await post_form(
        client, f"/invite/{token}", {"password": NEW_PASSWORD}, from_page="/login"
    )
    assert refused.status_code == 404
    assert (await User.get(id=invitee.id)).password_hash == ""


async def test_an_invitation_link_is_not_a_reset_link(client):
    invitee = await make_user("staff", password=None)
    token = await create_link(invitee, purpose="invite", valid_for=timedelta(days=7))
    page = await client.get(f"/password/reset/{token}")
    assert page.status_code == 404
