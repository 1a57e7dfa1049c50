"""Every 429 says when to try again (Retry-After), including the two-factor proof forms."""

from __future__ import annotations

import pytest

from tests.auth.test_login import browser
from tests.auth.test_twofactor import code_at, code_step, enrolled_user, password_step
from tests.conftest import post_form


@pytest.mark.parametrize("form", ["/me/two-factor/disable", "/me/two-factor/recovery-codes"])
async def test_two_factor_proof_lockout_says_when_to_retry(app, settings, frozen_clock, form):
    user, secret, _codes = await enrolled_user(app)
    async with browser(app) as client:
        await password_step(client, user.email)
        await code_step(client, code_at(secret, 1))
        for _attempt in range(settings.security.login_max_failures):
            wrong = await post_form(client, form, {"proof": "999999"}, from_page="/me/two-factor")
            assert wrong.status_code == 400
        locked = await post_form(client, form, {"proof": "999999"}, from_page="/me/two-factor")
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == str(settings.security.login_lockout_minutes * 60)
