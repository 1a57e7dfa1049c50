"""The JSON API of a volunteer's own availability (weekly stretches, blackout dates) and
inviting the available to a short shift.
The same services as the pages (../pages/availability.py)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.shifts import forms, service
from opsuite.shifts.models import AvailabilityBlock, Blackout
from opsuite.web.api import form_data_from_json, typed_body
from opsuite.web.forms import Form, parse_date
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import DateText, RequestBody, ResponseBody, TimeText, absent

MAX_BLOCKS = 7 * 6


class Stretch(RequestBody):
    weekday: Annotated[StrictInt, Field(ge=0, le=6, description="0 Monday .. 6 Sunday")]
    start: TimeText
    end: Annotated[TimeText, Field(description="24:00 ends the day")]


class AvailabilityPut(RequestBody):
    blocks: Annotated[list[Stretch], Field(max_length=MAX_BLOCKS)]


class BlackoutInput(RequestBody):
    first_day: DateText
    last_day: Annotated[DateText, Field(description="included; at most a year after the first")]
    note: Annotated[str, Field(max_length=200)] = absent()


class StretchJson(ResponseBody):
    weekday: int
    start: str
    end: str


class BlackoutJson(ResponseBody):
    id: int
    first_day: DateText
    last_day: DateText
    note: str
    timezone: str


class AvailabilityJson(ResponseBody):
    timezone: str
    blocks: list[StretchJson]
    blackouts: list[BlackoutJson]


class InvitedJson(ResponseBody):
    invited: int
    open_places: int


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


def _blocks_from(body: dict[str, Any]) -> list[service.WeeklyBlock]:
    return [
        forms.parse_stretch(b["start"], b["end"], b["weekday"], "blocks") for b in body["blocks"]
    ]


async def api_availability(request: Request) -> Response:
    user = viewer(request)
    if request.method == "PUT":
        body = await typed_body(request, AvailabilityPut)
        await service.set_weekly_availability(user, _blocks_from(body))
    return JSONResponse(await _state(user))


async def api_blackouts(request: Request) -> Response:
    body = await typed_body(request, BlackoutInput)
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
    return JSONResponse(await _state(viewer(request)))


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
                request=AvailabilityPut,
                response=AvailabilityJson,
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
                request=BlackoutInput,
                response=BlackoutJson,
            ),
        ),
        api(
            "/api/v1/me/blackouts/{id}",
            api_blackout,
            cap=Cap.SIGNED_IN,
            name="api:blackout",
            methods=("DELETE",),
            doc=ApiDoc(
                "Remove one of the caller's blackouts; answers the caller's availability",
                response=AvailabilityJson,
            ),
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
                response=InvitedJson,
            ),
        ),
    ]
