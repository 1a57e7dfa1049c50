"""The "/" page: the welcome for visitors, the dashboard for people signed in."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite import clock
from opsuite.caps import Cap
from opsuite.home import service
from opsuite.schedules.http import schedule_labels
from opsuite.web.http import settings_of
from opsuite.web.routing import page
from opsuite.web.templating import render


async def home(request: Request) -> Response:
    user = request.state.user
    board = None
    if user is not None:
        board = await service.dashboard(user, settings=settings_of(request), now=clock.now())
    return render(request, "home.html", {"board": board, **schedule_labels()})


def routes() -> list[BaseRoute]:
    return [page("/", home, cap=Cap.PUBLIC, name="web:home")]
