"""The people area's pages: the directory (people), teams and programs (their JSON is in
people/api.py). ``routes()`` gathers them in matching order."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.people.pages import people, programs, teams


def routes() -> list[BaseRoute]:
    return [*people.routes(), *teams.routes(), *programs.routes()]
