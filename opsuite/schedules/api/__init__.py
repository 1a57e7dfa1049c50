"""The schedules JSON API: arrangements, intervals (UTC), who works now, leave.

Same rules as the pages (opsuite.schedules.access) and the same forms, so a bad field gets the
same message in JSON as next to the field on the page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.schedules import access, forms, service
from opsuite.schedules.api import schemas
from opsuite.schedules.expansion import Interval
from opsuite.schedules.http import working_now_in_view
from opsuite.schedules.models import Arrangement, Office, TimeOff
from opsuite.web.api import form_data_from_json, page_params, paginated, typed_body
from opsuite.web.forms import Form, parse_date
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import DateText, DateTimeText, ResponseBody

# --- JSON shapes --------------------------------------------------------------------------------


def iso_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hhmm(value: Any) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def interval_json(interval: Interval) -> dict[str, Any]:
    return {
        "start": iso_utc(interval.start),
        "end": iso_utc(interval.end),
        "kind": interval.kind,
        "location": interval.location,
        "office_id": interval.office_id,
        "detail": interval.detail,
    }


def arrangement_json(a: Arrangement) -> dict[str, Any]:
    target = a.weekly_hours_target
    return {
        "id": a.id,
        "kind": str(a.kind),
        "status": str(a.status),
        "valid_from": a.valid_from.isoformat(),
        "timezone": a.timezone,
        "office_id": a.office_id,
        "core_start": _hhmm(a.core_start),
        "core_end": _hhmm(a.core_end),
        "window_start": _hhmm(a.window_start),
        "window_end": _hhmm(a.window_end),
        "weekly_hours_target": float(target) if target is not None else None,
        "note": a.note,
        "blocks": [
            {
                "weekday": b.weekday,
                "start": _hhmm(b.start),
                "end": _hhmm(b.end),
                "location": str(b.location),
                "office_id": b.office_id,
            }
            for b in a.blocks
        ],
    }


def leave_json(t: TimeOff) -> dict[str, Any]:
    return {
        "id": t.id,
        "user_id": t.user_id,
        "kind": str(t.kind),
        "status": str(t.status),
        "start_date": t.start_date.isoformat(),
        "end_date": t.end_date.isoformat(),
        "start_time": _hhmm(t.start_time),
        "end_time": _hhmm(t.end_time),
        "reason": t.reason,
        "decision_note": t.decision_note,
    }


INTERVAL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["start", "end", "kind", "location", "office_id", "detail"],
    "properties": {
        "start": {"type": "string", "format": "date-time"},
        "end": {"type": "string", "format": "date-time"},
        "kind": {"type": "string", "enum": ["work", "core", "flex", "time_off", "holiday"]},
        "location": {"type": ["string", "null"]},
        "office_id": {"type": ["integer", "null"]},
        "detail": {"type": "string"},
    },
}


class IntervalJson(ResponseBody):
    start: DateTimeText
    end: DateTimeText
    kind: Literal["work", "core", "flex", "time_off", "holiday"]
    location: str | None
    office_id: int | None
    detail: str


class PersonIntervals(ResponseBody):
    id: int
    name: str
    timezone: str
    intervals: list[IntervalJson]


class TeamIntervals(ResponseBody):
    team_id: int
    start: DateText
    end: DateText
    people: list[PersonIntervals]


class WorkingNow(ResponseBody):
    id: int
    name: str
    timezone: str
    local_time: DateTimeText
    interval: IntervalJson


RANGE_PARAMS = (
    {
        "name": "start",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "end",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "format": "date"},
    },
)

# --- handlers -----------------------------------------------------------------------------------


def _date_range(request: Request) -> tuple[date, date]:
    """Required ?start=&end= local dates (end exclusive). Raises InvalidInput naming the field."""
    days: list[date] = []
    for name in ("start", "end"):
        raw = request.query_params.get(name, "").strip()
        if not raw:
            raise InvalidInput(_("This field is required."), field=name)
        day = parse_date(raw)
        if day is None:
            raise InvalidInput(_("Enter a date like 2026-03-09."), field=name)
        days.append(day)
    return days[0], days[1]


async def _arrangement_answer(person: User) -> JSONResponse:
    history = await service.arrangement_history(person)
    current = await service.current_arrangement(person, service.local_today(person))
    return JSONResponse(
        {
            "person_id": person.id,
            "current": arrangement_json(current) if current else None,
            "history": [arrangement_json(a) for a in history],
        }
    )


def _without_nulls(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


async def parse_arrangement(body: dict[str, Any]) -> service.ArrangementInput:
    offices: list[Office] = await service.list_offices()
    choices = [(str(o.id), o.name) for o in offices]
    fields = forms.arrangement_fields(lambda: choices)
    body = _without_nulls(body)
    blocks = body.pop("blocks", [])
    target = body.get("weekly_hours_target")
    if isinstance(target, float):
        body["weekly_hours_target"] = str(target)
    form = Form.bind(fields, form_data_from_json(fields, body, {}))
    grid = forms.BlockGrid.from_json(blocks, {o.id for o in offices})
    typed = forms.arrangement_input(form, grid)
    if typed is None:
        raise FieldErrors({**form.errors, **grid.errors})
    return typed


async def api_arrangement(request: Request) -> Response:
    user = viewer(request)
    person = await service.get_person(path_id(request))
    if request.method == "PUT":
        await access.authorize_manage_person(user, person)
        typed = await parse_arrangement(await typed_body(request, schemas.ArrangementInput))
        await service.set_arrangement(user, person, typed)
    else:
        await access.authorize_see_person(user, person)
    return await _arrangement_answer(person)


def _person_intervals(person: User, intervals: list[Interval]) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "timezone": person.timezone,
        "intervals": [interval_json(i) for i in intervals],
    }


async def api_person_intervals(request: Request) -> Response:
    person = await service.get_person(path_id(request))
    await access.authorize_see_person(viewer(request), person)
    start, end = _date_range(request)
    expanded = await service.expand([person.id], start, end)
    return JSONResponse(
        {"start": start.isoformat(), "end": end.isoformat()}
        | _person_intervals(person, expanded[person.id])
    )


async def api_team_intervals(request: Request) -> Response:
    team = await service.get_team(path_id(request))
    await access.authorize_see_team(viewer(request), team)
    start, end = _date_range(request)
    people = await service.team_people(team.id)
    expanded = await service.expand([p.id for p in people], start, end)
    return JSONResponse(
        {
            "team_id": team.id,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "people": [_person_intervals(p, expanded[p.id]) for p in people],
        }
    )


async def api_working_now(request: Request) -> Response:
    offset, limit = page_params(request)
    working = (await working_now_in_view(request)).working
    page = working[offset : offset + limit]
    return paginated(
        [
            {
                "id": w.person.id,
                "name": w.person.name,
                "timezone": w.person.timezone,
                "local_time": w.local_time.isoformat(timespec="seconds"),
                "interval": interval_json(w.interval),
            }
            for w in page
        ],
        len(working),
        offset,
        limit,
    )


async def api_leave(request: Request) -> Response:
    user = viewer(request)
    if request.method == "POST":
        body = _without_nulls(await typed_body(request, schemas.LeaveInput))
        form = Form.bind(forms.LEAVE, form_data_from_json(forms.LEAVE, body, {}))
        form.raise_if_invalid()
        leave = await service.request_leave(
            user, forms.leave_input(form.cleaned), settings=settings_of(request)
        )
        return JSONResponse(leave_json(leave), status_code=201)
    offset, limit = page_params(request)
    rows, total = await service.list_leave(user, offset=offset, limit=limit)
    return paginated([leave_json(t) for t in rows], total, offset, limit)


async def api_leave_decision(request: Request) -> Response:
    user = viewer(request)
    leave = await service.get_leave(path_id(request))
    await access.authorize_decision(user, leave.user)
    body = await typed_body(request, schemas.LeaveDecision)
    approve, note = body["approve"], body.get("note", "")
    decided = await service.decide_leave(
        user, leave, approve=approve, settings=settings_of(request), note=note
    )
    return JSONResponse(leave_json(decided))


def routes() -> list[BaseRoute]:
    from opsuite.schedules.api import leave, manage

    return [
        *leave.routes(),
        *manage.routes(),
        api(
            "/api/v1/people/{id}/arrangement",
            api_arrangement,
            cap=Cap.STAFF,
            name="api:arrangement",
            methods=("GET", "PUT"),
            doc=ApiDoc(
                "A person's arrangement in force and its history; PUT sets a new one "
                "(their team's manager or an admin).",
                request=schemas.ArrangementInput,
                response=schemas.ArrangementPage,
            ),
        ),
        api(
            "/api/v1/people/{id}/intervals",
            api_person_intervals,
            cap=Cap.STAFF,
            name="api:person_intervals",
            doc=ApiDoc(
                "A person's working time, time off and holidays for their local dates "
                "start..end (end exclusive), as UTC intervals.",
                response=PersonIntervals,
                params=RANGE_PARAMS,
            ),
        ),
        api(
            "/api/v1/teams/{id}/intervals",
            api_team_intervals,
            cap=Cap.STAFF,
            name="api:team_intervals",
            doc=ApiDoc(
                "Every team member's intervals for their local dates start..end.",
                response=TeamIntervals,
                params=RANGE_PARAMS,
            ),
        ),
        api(
            "/api/v1/working-now",
            api_working_now,
            cap=Cap.STAFF,
            name="api:working_now",
            doc=ApiDoc(
                "Who in a team (without ?team: in any of my teams) is working at this "
                "moment, with their local time, a page at a time.",
                response=WorkingNow,
                params=({"name": "team", "in": "query", "schema": {"type": "integer"}},),
                paginated=True,
            ),
        ),
        api(
            "/api/v1/leave",
            api_leave,
            cap=Cap.STAFF,
            name="api:leave",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "My leave requests (newest first); POST files a new one and emails my managers.",
                request=schemas.LeaveInput,
                response=schemas.LeaveJson,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/leave/{id}/decision",
            api_leave_decision,
            cap=Cap.MANAGE,
            name="api:leave_decision",
            methods=("POST",),
            doc=ApiDoc(
                "Approve or reject a pending request (emails the requester).",
                request=schemas.LeaveDecision,
                response=schemas.LeaveJson,
            ),
        ),
    ]
