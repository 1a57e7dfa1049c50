"""Two-factor sign-in through HTTP: enrolment, the second login step, recovery codes, code
reuse, turning it off, the setting that requires it, and API tokens left alone."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest

from opsuite import clock
from opsuite.app import create_app
from opsuite.audit.models import Activity
from opsuite.auth import twofactor
from opsuite.auth.models import LoginChallenge, RecoveryCode, TwoFactor, User
from opsuite.auth.service import create_api_token, purge_expired_sessions
from tests.auth.test_login import browser
from tests.conftest import log_in, make_settings, post_form
from tests.factories.auth import PASSWORD, make_user

SECRET_RE = re.compile(r'id="two-factor-secret">([A-Z2-7]+)<')
CODE_RE = re.compile(r"<li><code>([a-z0-9]{4}(?:-[a-z0-9]{4}){3})</code></li>")


def code_at(secret: str, steps: int = 0) -> str:
    """What the person's app shows, ``steps`` 30-second steps from the test clock."""
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps))


async def start_enrolment(client: httpx.AsyncClient) -> str:
    response = await post_form(client, "/me/two-factor/start", {}, from_page="/me/two-factor")
    assert response.status_code == 303
    page = await client.get("/me/two-factor")
    assert "<svg" in page.text  # the QR code, drawn here
    match = SECRET_RE.search(page.text)
    assert match, page.text
    return match.group(1)


async def enrol(client: httpx.AsyncClient) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on for the signed-in person; their secret and recovery codes."""
    secret = await start_enrolment(client)
    response = await post_form(
        client, "/me/two-factor/confirm", {"code": code_at(secret)}, from_page="/me/two-factor"
    )
    assert response.status_code == 200, response.text
    codes = CODE_RE.findall(response.text)
    assert len(codes) == 10
    return secret, codes


async def password_step(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await post_form(client, "/login", {"email": email, "password": PASSWORD})


async def code_step(client: httpx.AsyncClient, code: str) -> httpx.Response:
    return await post_form(client, "/login/two-factor", {"code": code})


async def signed_in(client: httpx.AsyncClient) -> bool:
    return (await client.get("/me")).status_code == 200


async def enrolled_user(app: Any, role: str = "staff") -> tuple[User, str, list[str]]:
    user = await make_user(role)
    async with browser(app) as first:
        await log_in(first, user.email)
        secret, codes = await enrol(first)
    return user, secret, codes


# --- enrolment ----------------------------------------------------------------------------------


async def test_enrolment_is_not_on_until_a_code_confirms_it(client, frozen_clock):
    user = await make_user("staff")
    await log_in(client, user.email)
    secret = await start_enrolment(client)
    wrong = await post_form(
        client, "/me/two-factor/confirm", {"code": "000000"}, from_page="/me/two-factor"
    )
    assert wrong.status_code == 400
    assert "does not match" in wrong.text
    assert not await twofactor.has_two_factor(user)
    # Still one step: the half-set-up authenticator is not asked for.
    await client.post("/logout", data={"csrf_token": client.cookies["opsuite_csrf"]})
    response = await password_step(client, user.email)
    assert response.headers["location"] == "/"
    assert secret


async def test_confirmed_enrolment_shows_ten_codes_once_and_keeps_only_hashes(client, frozen_clock):
    user = await make_user("staff")
    await log_in(client, user.email)
    _secret, codes = await enrol(client)
    assert len(set(codes)) == 10
    stored = await RecoveryCode.filter(user_id=user.id).values_list("code_hash", flat=True)
    assert len(stored) == 10
    assert not any(code in h or code.replace("-", "") in h for code in codes for h in stored)
    page = await client.get("/me/two-factor")
    assert "Two-factor sign-in is on." in page.text
    assert "10 unused recovery codes" in page.text
    assert not any(code in page.text for code in codes)


async def test_secret_is_hidden_from_reprs(client, frozen_clock):
    user = await make_user("staff")
    enrolment = await twofactor.start_enrolment(user)
    row = await TwoFactor.get(user_id=user.id)
    secret = enrolment.secret.reveal()
    assert secret not in repr(row)
    assert secret not in str(row)
    assert secret not in repr(enrolment)


# --- logging in ---------------------------------------------------------------------------------


async def test_login_asks_for_the_code_before_any_session_starts(app, frozen_clock):
    user, secret, _codes = await enrolled_user(app)
    async with browser(app) as client:
        response = await password_step(client, user.email)
        assert response.headers["location"] == "/login/two-factor"
        assert "opsuite_session" not in client.cookies
        assert not await signed_in(client)
        # The half-login is a random key to a row on the server, not a claim the client makes.
        challenge = await LoginChallenge.get(user_id=user.id)
        assert challenge.id != client.cookies["opsuite_2fa"]
        response = await code_step(client, code_at(secret, 1))
        assert response.status_code == 303
        assert await signed_in(client)
        assert not await LoginChallenge.filter(user_id=user.id).exists()


async def test_a_forged_half_login_cookie_leads_back_to_the_password(app, frozen_clock):
    _user, secret, _codes = await enrolled_user(app)
    async with browser(app) as client:
        client.cookies.set("opsuite_2fa", "made-up-by-the-client", path="/login")
        page = await client.get("/login/two-factor")
        assert page.status_code == 303
        assert page.headers["location"] == "/login"
        response = await post_form(
            client, "/login/two-factor", {"code": code_at(secret, 1)}, from_page="/login"
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        assert not await signed_in(client)


async def test_half_login_expires_after_five_minutes(app, frozen_clock):
    user, secret, _codes = await enrolled_user(app)
    async with browser(app) as client:
        await password_step(client, user.email)
        clock.set_now(frozen_clock + timedelta(minutes=5, seconds=1))
        response = await post_form(
            client, "/login/two-factor", {"code": code_at(secret)}, from_page="/login"
        )
        assert response.headers["location"] == "/login"
        assert not await signed_in(client)


async def test_code_from_one_step_either_side_works_but_not_two(app, frozen_clock):
    user, secret, _codes = await enrolled_user(app)
    clock.set_now(frozen_clock + timedelta(minutes=10))
    async with browser(app) as client:
        await password_step(client, user.email)
        assert (await code_step(client, code_at(secret, 2))).status_code == 400
        assert (await code_step(client, code_at(secret, -2))).status_code == 400
        assert (await code_step(client, code_at(secret, -1))).status_code == 303
    async with browser(app) as client:
        await password_step(client, user.email)
        assert (await code_step(client, code_at(secret, 1))).status_code == 303


async def test_a_code_cannot_be_used_twice(app, frozen_clock):
    user, secret, _codes = await enrolled_user(app)
    async with browser(app) as client:
        await password_step(client, user.email)
        # The very code that confirmed the enrolment, still in its window.
        response = await code_step(client, code_at(secret))
        assert response.status_code == 400
        assert "used already" in response.text
        assert (await code_step(client, code_at(secret, 1))).status_code == 303
    async with browser(app) as client:
        await password_step(client, user.email)
        # Nor a code older than the last one used.
        assert (await code_step(client, code_at(secret))).status_code == 400
        assert (await code_step(client, code_at(secret, 1))).status_code == 400


async def test_recovery_code_signs_in_once(app, frozen_clock):
    user, _secret, codes = await enrolled_user(app)
    async with browser(app) as client:
        await password_step(client, user.email)
        assert (await code_step(client, codes[3].upper())).status_code == 303
        assert await signed_in(client)
    async with browser(app) as client:
        await password_step(client, user.email)
        assert (await code_step(client, codes[3])).status_code == 400
        assert not await signed_in(client)
    assert await twofactor.recovery_codes_left(user) == 9


async def test_wrong_codes_lock_the_second_step_even_after_the_password_again(app, frozen_clock):
    user, secret, _codes = await enrolled_user(app)
    async with browser(app) as client:
        await password_step(client, user.email)
        for attempt in range(5):
            if attempt == 3:
                # Typing the right password again must not start the count afresh.
                await password_step(client, user.email)
            response = await code_step(client, "123456" if attempt % 2 else "654321")
            assert response.status_code == 400
        response = await code_step(client, code_at(secret, 1))
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        assert not await signed_in(client)


# --- recovery codes and turning it off ----------------------------------------------------------


async def test_new_recovery_codes_replace_the_old_ones(app, frozen_clock):
    user, secret, old_codes = await enrolled_user(app)
    async with browser(app) as client:
        await password_step(client, user.email)
        await code_step(client, code_at(secret, 1))
        response = await post_form(
            client,
            "/me/two-factor/recovery-codes",
            {"proof": PASSWORD},
            from_page="/me/two-factor",
        )
        assert response.status_code == 200
        new_codes = CODE_RE.findall(response.text)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    async with browser(app) as client:
        await password_step(client, user.email)
        assert (await code_step(client, old_codes[0])).status_code == 400
        assert (await code_step(client, new_codes[0])).status_code == 303


async def test_turning_off_needs_a_current_code_or_the_password(app, frozen_clock):
    user, secret, _codes = await enrolled_user(app)
    async with browser(app) as client:
        await password_step(client, user.email)
        await code_step(client, code_at(secret, 1))
        wrong = await post_form(
            client, "/me/two-factor/disable", {"proof": "999999"}, from_page="/me/two-factor"
        )
        assert wrong.status_code == 400
        assert await twofactor.has_two_factor(user)
        clock.set_now(frozen_clock + timedelta(minutes=2))
        right = await post_form(
            client, "/me/two-factor/disable", {"proof": code_at(secret)}, from_page="/me/two-factor"
        )
        assert right.status_code == 303
    assert not await twofactor.has_two_factor(user)
    assert not await RecoveryCode.filter(user_id=user.id).exists()
    async with browser(app) as client:
        assert (await password_step(client, user.email)).headers["location"] == "/"


# --- the setting that requires it, and API tokens ------------------------------------------------


@pytest.fixture
def strict_app(instance_dir, smtp, database):
    settings = make_settings(
        instance_dir, smtp[0], security={"require_two_factor_for": ["admin", "manager"]}
    )
    return create_app(settings)


async def test_required_role_can_use_nothing_but_enrolment_until_done(strict_app, frozen_clock):
    manager = await make_user("manager")
    async with browser(strict_app) as client:
        await log_in(client, manager.email)
        for path in ("/", "/people", "/me", "/me/tokens"):
            response = await client.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"] == "/me/two-factor"
        assert (await client.get("/api/v1/me")).status_code == 403
        page = await client.get("/me/two-factor")
        assert "Your role needs two-factor sign-in" in page.text
        await enrol(client)
        assert (await client.get("/people")).status_code == 200
        assert (await client.get("/api/v1/me")).status_code == 200


async def test_roles_not_listed_are_not_asked(strict_app, frozen_clock):
    volunteer = await make_user("volunteer")
    async with browser(strict_app) as client:
        await log_in(client, volunteer.email)
        assert (await client.get("/me")).status_code == 200


async def test_api_tokens_work_without_a_code(strict_app, frozen_clock):
    admin = await make_user("admin")  # required, and not enrolled
    token = (await create_api_token(admin, "script")).token
    enrolled, _secret, _codes = await enrolled_user(strict_app)
    other = (await create_api_token(enrolled, "script")).token
    async with browser(strict_app) as client:
        for value, email in ((token, admin.email), (other, enrolled.email)):
            response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})
            assert response.status_code == 200
            assert response.json()["email"] == email


async def test_an_admin_turns_it_off_for_someone_who_lost_their_phone(app, frozen_clock):
    person, _secret, _codes = await enrolled_user(app)
    manager = await make_user("manager")
    admin = await make_user("admin")
    async with browser(app) as client:
        await log_in(client, manager.email)
        refused = await post_form(
            client, f"/people/{person.id}/two-factor/reset", {}, from_page="/"
        )
        assert refused.status_code == 403
    assert await twofactor.has_two_factor(person)
    async with browser(app) as client:
        await log_in(client, admin.email)
        page = await client.get(f"/people/{person.id}")
        assert "Turn off (lost phone)" in page.text
        response = await post_form(
            client, f"/people/{person.id}/two-factor/reset", {}, from_page=f"/people/{person.id}"
        )
        assert response.status_code == 303
    assert not await twofactor.has_two_factor(person)
    entry = await Activity.get(action="auth.two_factor.reset")
    assert entry.actor_id == admin.id
    assert entry.target_id == str(person.id)
    async with browser(app) as client:
        assert (await password_step(client, person.email)).headers["location"] == "/"


async def test_the_hourly_purge_forgets_half_logins_left_at_the_code_step(app, frozen_clock):
    user, _secret, _codes = await enrolled_user(app)
    async with browser(app) as client:
        await password_step(client, user.email)
    assert await LoginChallenge.filter(user_id=user.id).exists()
    clock.set_now(frozen_clock + timedelta(minutes=6))
    await purge_expired_sessions()
    assert not await LoginChallenge.filter(user_id=user.id).exists()
