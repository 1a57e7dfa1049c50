"""Applications pages, one module per topic: applying (the program's page, the form editor,
the queue and decisions), checks (required checks and their records) and guardians (the
emailed consent page). ``routes()`` lists them all in one table."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.applications.pages import applying, checks, guardians


def routes() -> list[BaseRoute]:
    return [*applying.routes(), *checks.routes(), *guardians.routes()]
