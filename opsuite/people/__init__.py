"""People, teams and programs: profiles (time zone, locale, skills) and memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.people import access, api, pages

    registry.add_routes(pages.routes())  # HTML
    registry.add_routes(api.routes())  # JSON under /api/v1/
    access.register()  # who runs a team or a program, for auth.permissions.can
