"""The activity log: who changed what, with dotted codes, and the admin page that reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.audit import pages

    registry.add_routes(pages.routes())
