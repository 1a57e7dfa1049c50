"""A person's own data across every area: "download my data" as one JSON document, and erasing a
person while the organisation's totals stay right."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.privacy import pages

    registry.add_routes(pages.routes())
