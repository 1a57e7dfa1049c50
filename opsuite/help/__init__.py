"""Help: the guides people read in the app, and the questions they send the office."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.help import api, pages

    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
