"""Accounts: users and roles, sessions, passwords, invitations, password reset, API tokens, two-
factor sign-in, and the one permission module."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.auth import api, jobs, pages
    from opsuite.auth.access import access_policy
    from opsuite.web import access

    registry.add_routes(pages.routes())  # HTML
    registry.add_routes(api.routes())  # JSON under /api/v1/
    registry.add_jobs(jobs.JOBS)
    # The web shell asks auth who is signed in and what they may do (web sits below auth).
    access.install(access_policy())
