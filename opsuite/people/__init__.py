"""People, teams and programs: profiles (time zone, locale, skills) and memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.people import access, api
    from opsuite.people.pages import people, programs, teams

    # Each topic's pages (HTML), then its JSON routes under /api/v1/: the order they have always
    # been matched in (tests walk the routes in this order).
    registry.add_routes([*people.routes(), *api.people_routes()])
    registry.add_routes([*teams.routes(), *api.team_routes()])
    registry.add_routes([*programs.routes(), *api.program_routes()])
    access.register()  # who runs a team or a program, for auth.permissions.can
