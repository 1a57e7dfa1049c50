"""Reports (volunteer hours, shift fill, staff coverage, task throughput), exports, imports and
backup/restore. Reads other areas' models; writes them only through their services."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.reports import api, pages

    registry.add_routes(pages.routes())  # HTML
    registry.add_routes(api.routes())  # JSON under /api/v1/
