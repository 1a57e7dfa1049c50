"""Request helpers the schedule pages share: the viewer's zone and day, date parameters,
and the labels every schedule template uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request

from opsuite import clock
from opsuite.auth.permissions import can
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.people.models import Team
from opsuite.schedules import access, forms, service
from opsuite.schedules.models import TimeOffStatus
from opsuite.web.forms import parse_date
from opsuite.web.http import query_id, viewer
from opsuite.web.i18n import gettext as _

FIRST_YEAR, LAST_YEAR = 1970, 2100


def viewer_zone(request: Request) -> ZoneInfo:
    return ZoneInfo(str(request.state.timezone))


def viewer_today(request: Request) -> date:
    return clock.now().astimezone(viewer_zone(request)).date()


def query_date(request: Request, name: str) -> date | None:
    """?week=2026-03-09 style parameters; nonsense is a 400 naming the parameter."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    day = parse_date(raw)
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(_("Enter a date like 2026-03-09."), field=name)
    return day


def query_month(request: Request) -> date | None:
    raw = request.query_params.get("month", "").strip()
    if not raw:
        return None
    day = parse_date(raw + "-01") if len(raw) == 7 else None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(_("Enter a month like 2026-03."), field="month")
    return day


def query_year(request: Request, default: int) -> int:
    """?year=2026 (``default`` without it); nonsense is a 400 naming the parameter."""
    raw = request.query_params.get("year", "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not FIRST_YEAR <= int(raw) <= LAST_YEAR:
        raise InvalidInput(_("Enter a year like 2026."), field="year")
    return int(raw)


def shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


async def offices_by_id() -> dict[int, str]:
    return {o.id: o.name for o in await service.list_offices()}


def kind_labels() -> dict[str, str]:
    return {
        "work": _("Working"),
        "core": _("Core hours"),
        "flex": _("Flexible window"),
        "time_off": _("Time off"),
        "holiday": _("Holiday"),
        "overlap": _("Everyone working"),
    }


def schedule_labels() -> dict[str, Any]:
    """Labels the schedule templates share (kinds of time, places, leave states)."""
    return {
        "kinds": kind_labels(),
        "locations": dict(forms.location_choices()),
        "leave_kinds": dict(forms.leave_kind_choices()),
        "arrangement_kinds": dict(forms.arrangement_kind_choices()),
        "leave_states": dict(TimeOffStatus.choices()),
        "weekday_names": forms.weekday_names(),
    }


@dataclass(frozen=True)
class WorkingNowView:
    teams: list[Team]  # the teams the viewer may see (all active ones for admins)
    team: Team | None  # the one asked for with ?team=, if any
    working: list[service.WorkingNow]  # by name


async def working_now_in_view(request: Request) -> WorkingNowView:
    """Who is working now among the people the viewer may see: one team's (``?team=``, when
    they may see it; else 404 or 403), or everyone in the teams they may see. The API's
    ``/api/v1/working-now`` and the organisation-wide page both ask this."""
    user = viewer(request)
    teams = await service.visible_teams(user, everything=await can(user, Cap.ADMIN, user))
    team_id = query_id(request, "team")
    team = None
    if team_id is not None:
        team = await service.get_team(team_id)
        await access.authorize_see_team(user, team)
        people = await service.team_people(team.id)
    else:
        people = await service.people_in_teams([t.id for t in teams])
    return WorkingNowView(teams, team, await service.who_is_working_now(people))
