"""The "/" page: the welcome for visitors, the dashboard for people signed in; and "My
calendar", everything of mine in one view."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite import clock
from opsuite.caps import Cap
from opsuite.home import service
from opsuite.schedules.http import schedule_labels
from opsuite.web import calendar as cal
from opsuite.web.http import settings_of
from opsuite.web.routing import page
from opsuite.web.templating import render


async def home(request: Request) -> Response:
    user = request.state.user
    board = None
    if user is not None:
        board = await service.dashboard(user, settings=settings_of(request), now=clock.now())
    return render(request, "home.html", {"board": board, **schedule_labels()})


async def my_calendar(request: Request) -> Response:
    """Everything of mine on one calendar: meetings, shifts, working time, leave, tasks due."""
    user = request.state.user
    zone = ZoneInfo(str(request.state.timezone))
    asked = cal.asked(request, zone, default="week")
    w = asked.window
    entries = await service.my_calendar(user, w.start, w.end)
    return render(
        request,
        "home/calendar.html",
        {
            "w": w,
            "columns": cal.by_day(entries, w, zone, asked.anchor.month),
            "entries": entries,
            "anchor": asked.anchor,
            "today": asked.today,
        },
    )


def routes() -> list[BaseRoute]:
    return [
        page("/", home, cap=Cap.PUBLIC, name="web:home"),
        page("/calendar", my_calendar, cap=Cap.SIGNED_IN, name="home:calendar"),
    ]
