"""The shifts area's HTML pages: volunteer.py (open shifts, a shift, sign-up, "My shifts",
check-in) and manage.py (coordinators: opportunities, shift forms, rosters, hours, policy)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.shifts.pages import manage, volunteer


def routes() -> list[BaseRoute]:
    # The coordinators' fixed paths (/shifts/hours) go before the volunteers' /shifts/{id}.
    return [*manage.routes(), *volunteer.routes()]
