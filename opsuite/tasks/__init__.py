"""Task boards: boards, ordered columns, tasks, assignment, due dates, comments, checklists and
each board's activity log."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.tasks import api, digest, pages

    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
    digest.register()
