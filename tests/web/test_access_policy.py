"""The web shell asks auth who is signed in through one installed policy (web/access.py), and
without one it refuses rather than lets a request through unchecked."""

from __future__ import annotations

import pytest

from opsuite.caps import Cap
from opsuite.web import access


@pytest.fixture
def no_policy():
    saved = list(access._installed)
    access._installed.clear()
    yield
    access._installed[:] = saved


def test_without_a_policy_every_question_fails_closed(no_policy):
    with pytest.raises(RuntimeError, match="no access policy"):
        access.policy()
    with pytest.raises(RuntimeError):
        access.may(None, Cap.PUBLIC)
    with pytest.raises(RuntimeError):
        access.RoleLabels()["admin"]


async def test_without_a_policy_a_page_is_refused_not_served(client, no_policy):
    response = await client.get("/login")
    assert response.status_code == 500
    assert 'name="password"' not in response.text  # the error page, not the login form


def test_registering_the_areas_installs_auths_answers():
    from opsuite.app import register_areas
    from opsuite.auth.permissions import may

    register_areas()
    assert access.policy().may is may
    assert access.RoleLabels()["volunteer"] == "volunteer"
