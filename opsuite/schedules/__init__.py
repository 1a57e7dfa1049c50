"""Work arrangements (fixed, flexible, remote, hybrid), time off, exceptions, offices and holidays,
and their expansion to intervals in any zone."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.schedules import api, digest, pages

    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
    digest.register()
