"""Work arrangements (fixed, flexible, remote, hybrid), time off, exceptions, offices and holidays,
and their expansion to intervals in any zone."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.schedules import digest, routes

    registry.add_routes(routes.routes())
    digest.register()
