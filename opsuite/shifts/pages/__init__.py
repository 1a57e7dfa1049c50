"""The shifts area's HTML pages: volunteer.py (open shifts, a shift, sign-up, "My shifts",
check-in), manage.py (coordinators: opportunities, shift forms, rosters, hours, policy) and
certificates.py (certificates of service and their public check), door.py (the check-in
QR code, the kiosk and the paper sign-in sheet), handovers.py (a place handed to a named
volunteer, and the coordinator's approval), availability.py (a volunteer's weekly availability
and blackouts; inviting the available to a short shift)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.shifts.pages import availability, certificates, door, handovers, manage, volunteer


def routes() -> list[BaseRoute]:
    # Fixed paths (/shifts/hours, /shifts/certificates/...) go before the volunteers' /shifts/{id}.
    return [
        *certificates.routes(),
        *availability.routes(),
        *manage.routes(),
        *door.routes(),
        *handovers.routes(),
        *volunteer.routes(),
    ]
