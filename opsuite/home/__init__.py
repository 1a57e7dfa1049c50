"""The home page: the welcome for visitors, a dashboard per role for people signed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.home import pages

    registry.add_routes(pages.routes())
