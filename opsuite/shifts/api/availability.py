"""The JSON API of a volunteer's own availability (weekly stretches, blackout dates) and
inviting the available to a short shift.
The same services as the pages (../pages/availability.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.shifts import forms, service
from opsuite.shifts.models import AvailabilityBlock, Blackout
from opsuite.web.api import form_data_from_json, json_body
from opsuite.web.forms import Form, parse_date
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api

MAX_BLOCKS = 7 * 6

BLOCK: dict[str, Any] = {
    "type": "object",
    "required": ["weekday", "start", "end"],
    "properties": {
        "weekday": {"type": "integer", "minimum": 0, "maximum": 6, "description": "0 Monday"},
        "start": {"type": "string", "example": "18:00"},
        "end": {"type": "string", "example": "21:00", "description": "24:00 ends the day"},
    },
}
BLACKOUT: dict[str, Any] = {
    "type": "object",
    "required": ["first_day", "last_day"],
    "properties": {
        "id": {"type": "integer"},
        "first_day": {"type": "string", "format": "date"},
        "last_day": {"type": "string", "format": "date", "description": "included"},
        "note": {"type": "string", "maxLength": 200},
        "timezone": {"type": "string"},
    },
}
AVAILABILITY: dict[str, Any] = {
    "type": "object",
    "required": ["timezone", "blocks", "blackouts"],
    "properties": {
        "timezone": {"type": "string"},
        "blocks": {"type": "array", "items": BLOCK, "maxItems": MAX_BLOCKS},
        "blackouts": {"type": "array", "items": BLACKOUT},
    },
}
INVITED: dict[str, Any] = {
    "type": "object",
    "required": ["invited", "open_places"],
    "properties": {"invited": {"type": "integer"}, "open_places": {"type": "integer"}},
}


def block_json(b: AvailabilityBlock) -> dict[str, Any]:
    return {
        "weekday": b.weekday,
        "start": forms.minute_text(b.start_minute),
        "end": forms.minute_text(b.end_minute),
    }


def blackout_json(b: Blackout) -> dict[str, Any]:
    return {
        "id": b.id,
        "first_day": b.first_day.isoformat(),
        "last_day": b.last_day.isoformat(),
        "note": b.note,
        "timezone": b.timezone,
    }


async def _state(user: User) -> dict[str, Any]:
    return {
        "timezone": user.timezone,
        "blocks": [block_json(b) for b in await service.weekly_blocks(user.id)],
        "blackouts": [blackout_json(b) for b in await service.blackouts_of(user.id)],
    }


def too_many() -> str:
    return _("Expected a list of at most %(n)s stretches.", n=MAX_BLOCKS)


def _blocks_from(body: dict[str, Any]) -> list[service.WeeklyBlock]:
    raw = body.get("blocks")
    if not isinstance(raw, list) or len(raw) > MAX_BLOCKS:
        raise InvalidInput(too_many(), field="blocks")
    blocks = []
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidInput(too_many(), field="blocks")
        weekday, start, end = item.get("weekday"), item.get("start"), item.get("end")
        if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
            raise InvalidInput(_("Choose a day from Monday to Sunday."), field="weekday")
        if not isinstance(start, str) or not isinstance(end, str):
            raise InvalidInput(_("Enter times like 09:00-13:00 (00:00 to 24:00)."), field="blocks")
        blocks.append(forms.parse_stretch(start, end, weekday, "blocks"))
    return blocks


async def api_availability(request: Request) -> Response:
    user = viewer(request)
    if request.method == "PUT":
        await service.set_weekly_availability(user, _blocks_from(await json_body(request)))
    return JSONResponse(await _state(user))


async def api_blackouts(request: Request) -> Response:
    body = await json_body(request)
    form = Form.bind(forms.BLACKOUT, form_data_from_json(forms.BLACKOUT, body, {}))
    form.raise_if_invalid()
    first, last = parse_date(form.cleaned["first_day"]), parse_date(form.cleaned["last_day"])
    if first is None or last is None:  # refused by the fields first
        raise InvalidInput(_("Enter a date like 2026-03-09."), field="first_day")
    created = await service.add_blackout(
        viewer(request), first_day=first, last_day=last, note=form.cleaned["note"]
    )
    return JSONResponse(blackout_json(created), status_code=201)


async def api_blackout(request: Request) -> Response:
    await service.remove_blackout(viewer(request), path_id(request))
    return Response(status_code=204)


async def api_invite(request: Request) -> Response:
    done = await service.invite_available(
        viewer(request), path_id(request), settings=settings_of(request)
    )
    return JSONResponse({"invited": done.invited, "open_places": done.open_places})


def routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/me/availability",
            api_availability,
            cap=Cap.SIGNED_IN,
            name="api:availability",
            methods=("GET", "PUT"),
            doc=ApiDoc(
                "The caller's weekly availability (wall-clock stretches in their zone) and "
                "upcoming blackout dates; PUT replaces the weekly stretches with {blocks}",
                request={
                    "type": "object",
                    "required": ["blocks"],
                    "properties": {"blocks": AVAILABILITY["properties"]["blocks"]},
                },
                response=AVAILABILITY,
            ),
        ),
        api(
            "/api/v1/me/blackouts",
            api_blackouts,
            cap=Cap.SIGNED_IN,
            name="api:blackouts",
            methods=("POST",),
            doc=ApiDoc(
                "Add blackout dates (both days included, at most a year) in the caller's zone",
                request=BLACKOUT,
                response=BLACKOUT,
            ),
        ),
        api(
            "/api/v1/me/blackouts/{id}",
            api_blackout,
            cap=Cap.SIGNED_IN,
            name="api:blackout",
            methods=("DELETE",),
            doc=ApiDoc("Remove one of the caller's blackouts"),
        ),
        api(
            "/api/v1/shifts/{id}/invite-available",
            api_invite,
            cap=Cap.MANAGE,
            name="api:invite_available",
            methods=("POST",),
            doc=ApiDoc(
                "Email the available, eligible volunteers for a short shift starting soon, most "
                "reliable first, up to three per open place, each once",
                response=INVITED,
            ),
        ),
    ]
