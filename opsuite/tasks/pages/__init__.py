"""The tasks area's HTML pages: boards.py (the list of boards, a board's settings and activity)
and tasks.py (the board, a task, moving it, "My tasks", the list and the overview)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.tasks.pages import boards, tasks


def routes() -> list[BaseRoute]:
    return [*boards.routes(), *tasks.routes()]
