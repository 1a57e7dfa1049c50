"""Accounts: users and roles, sessions, passwords, invitations, password reset, API tokens, two-
factor sign-in, and the one permission module."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.auth import api, jobs
    from opsuite.auth.access import access_policy
    from opsuite.auth.pages import profile, sign_in, twofactor
    from opsuite.web import access

    # The pages (HTML) with the profile's JSON (/api/v1/me) after the profile pages: the order
    # they have always been matched in (tests walk the routes in this order).
    registry.add_routes([*sign_in.routes(), *profile.routes(), *api.routes(), *twofactor.routes()])
    registry.add_jobs(jobs.JOBS)
    # The web shell asks auth who is signed in and what they may do (web sits below auth).
    access.install(access_policy())
