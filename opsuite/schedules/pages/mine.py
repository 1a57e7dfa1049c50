"""Schedule pages for everyone on staff: my week or month, and a team's schedule (leave is
in pages/leave.py).

Managers' pages (the arrangement editor, approvals, exceptions, offices and holidays) live in
pages/manage.py and the JSON API in api.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.auth.permissions import can, role_allows
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.schedules import access, service
from opsuite.schedules.calendar import (
    Day,
    local_midnight,
    month_grid_start,
    only_location,
    spans_to_intervals,
    split_days,
    weeks,
)
from opsuite.schedules.expansion import Interval
from opsuite.schedules.http import (
    offices_by_id,
    query_date,
    query_month,
    schedule_labels,
    shift_month,
    viewer_today,
    viewer_zone,
    working_now_in_view,
)
from opsuite.schedules.models import ArrangementKind, Location
from opsuite.web.api import page_params
from opsuite.web.http import pager, query_id, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render

# --- my schedule --------------------------------------------------------------------------------


async def my_schedule(request: Request) -> Response:
    user = viewer(request)
    zone, today = viewer_zone(request), viewer_today(request)
    month_view = request.query_params.get("view") == "month"
    month: int | None = None
    if month_view:
        first_of_month = query_month(request) or today.replace(day=1)
        first, days = month_grid_start(first_of_month)
        month = first_of_month.month
        period = {
            "prev": f"?view=month&month={shift_month(first_of_month, -1):%Y-%m}",
            "next": f"?view=month&month={shift_month(first_of_month, 1):%Y-%m}",
            "title": first_of_month,
        }
    else:
        first, days = service.week_start(query_date(request, "week") or today), 7
        period = {
            "prev": f"?week={first - timedelta(days=7)}",
            "next": f"?week={first + timedelta(days=7)}",
            "title": first,
        }
    start, end = local_midnight(first, zone), local_midnight(first + timedelta(days=days), zone)
    intervals = (await service.expand_between([user.id], start, end))[user.id]
    day_list = split_days(intervals, first, days, zone, today=today, month=month)
    arrangement = await service.current_arrangement(user, max(first, min(today, end.date())))
    target = None
    if arrangement is not None and arrangement.kind == ArrangementKind.FLEXIBLE:
        target = arrangement.weekly_hours_target
    leave, _total = await service.list_leave(user, limit=10)
    return render(
        request,
        "schedules/mine.html",
        {
            "month_view": month_view,
            "days": day_list,
            "weeks": weeks(day_list),
            "period": period,
            "today": today,
            "summary": None if month_view else service.summarize(intervals, target),
            "arrangement": arrangement,
            "offices": await offices_by_id(),
            "leave": leave,
            **schedule_labels(),
        },
    )


# --- team ---------------------------------------------------------------------------------------


def _ticked(request: Request) -> list[int]:
    return [int(v) for v in request.query_params.getlist("people") if v.isdigit()]


def _location_filter(request: Request) -> str:
    raw = request.query_params.get("location", "").strip()
    if raw and raw not in {loc.value for loc in Location}:
        raise InvalidInput(_("Choose office, home or field."), field="location")
    return raw


async def _expand_days(
    ids: list[int], first: date, days: int, zone: ZoneInfo
) -> dict[int, list[Interval]]:
    start, end = local_midnight(first, zone), local_midnight(first + timedelta(days=days), zone)
    return await service.expand_between(ids, start, end)


async def working_now(request: Request) -> Response:
    """Who is working now in every team the viewer may see (one with ?team=), a page at a
    time: each person's local time, where they are and until when."""
    offset, limit = page_params(request)
    view = await working_now_in_view(request)
    return render(
        request,
        "schedules/working_now.html",
        {
            "teams": view.teams,
            "team": view.team,
            "working": view.working[offset : offset + limit],
            "offices": await offices_by_id(),
            **pager(len(view.working), offset, limit),
            **schedule_labels(),
        },
    )


async def team_schedule(request: Request) -> Response:
    user = viewer(request)
    teams = await service.visible_teams(user, everything=await can(user, Cap.ADMIN, user))
    team_id = query_id(request, "team") or (teams[0].id if teams else None)
    if team_id is None:
        return render(request, "schedules/team.html", {"team": None, "teams": teams})
    team = await service.get_team(team_id)
    await access.authorize_see_team(user, team)
    zone, today = viewer_zone(request), viewer_today(request)
    monday = service.week_start(query_date(request, "week") or today)
    location = _location_filter(request)
    people = await service.team_people(team.id)
    ids = [p.id for p in people]
    week = await _expand_days(ids, monday, 7, zone)
    today_intervals = week if monday <= today < monday + timedelta(days=7) else None
    if today_intervals is None:
        today_intervals = await _expand_days(ids, today, 1, zone)
    today_days = {p.id: split_days(today_intervals[p.id], today, 1, zone)[0] for p in people}
    targets = await service.weekly_targets(ids, min(max(monday, today), monday + timedelta(days=6)))
    rows: list[tuple[User, list[Day], service.WeekSummary | None]] = []
    for person in people:
        shown = only_location(week[person.id], location) if location else week[person.id]
        if location and not shown:
            continue
        target = targets.get(person.id)
        summary = service.summarize(week[person.id], target) if target is not None else None
        rows.append((person, split_days(shown, monday, 7, zone, today=today), summary))
    # People without an arrangement (most volunteers) have no hours to overlap: left out
    # unless the viewer ticks "include them".
    arranged = await service.people_with_arrangements(ids, monday + timedelta(days=7))
    everyone = request.query_params.get("without_arrangement") == "1"
    ticked = _ticked(request)
    chosen = service.who_to_overlap([i for i in ids if i in arranged], ticked)
    if everyone:
        chosen += service.who_to_overlap([i for i in ids if i not in arranged], ticked)
    spans = service.overlap(week, chosen)
    overlap = split_days(spans_to_intervals(spans), monday, 7, zone, today=today)
    return render(
        request,
        "schedules/team.html",
        {
            "team": team,
            "teams": teams,
            "people": people,
            "monday": monday,
            "week_days": [monday + timedelta(days=n) for n in range(7)],
            "prev_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "location": location,
            "rows": rows,
            "working_today": [(p, today_days[p.id]) for p in people if today_days[p.id].working],
            "off_today": [(p, today_days[p.id]) for p in people if today_days[p.id].off],
            "working_now": await service.who_is_working_now(people),
            "chosen": set(chosen),
            "arranged": arranged,
            "without_arrangement": everyone,
            "may_see_everyone_now": role_allows(user, Cap.MANAGE),
            "overlap": overlap,
            "overlap_hours": round(sum((e - s).total_seconds() for s, e in spans) / 3600, 2),
            "can_manage": await can(user, Cap.MANAGE, team),
            "offices": await offices_by_id(),
            "today": today,
            **schedule_labels(),
        },
    )


def routes() -> list[BaseRoute]:
    return [
        page("/schedule", my_schedule, cap=Cap.STAFF, name="schedules:mine"),
        page("/schedule/team", team_schedule, cap=Cap.STAFF, name="schedules:team"),
        page("/schedule/working-now", working_now, cap=Cap.MANAGE, name="schedules:working_now"),
    ]
