"""The JSON API of a coordinator running one shift: take someone off it, email everyone on
it, cancel it. The same services and forms as the roster page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.shifts import forms, planning, service
from opsuite.shifts.access import authorize_manage_program
from opsuite.shifts.schemas import SHIFT, SIGNUP, shift_json, signup_json
from opsuite.web.api import form_data_from_json, json_body
from opsuite.web.forms import Form
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.routing import ApiDoc, api

MESSAGE_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["subject", "body"],
    "properties": {
        "subject": {"type": "string", "maxLength": 150},
        "body": {"type": "string", "maxLength": 5000},
    },
    "additionalProperties": False,
}
SENT: dict[str, Any] = {
    "type": "object",
    "required": ["sent"],
    "properties": {"sent": {"type": "integer", "description": "how many people it went to"}},
}
CANCEL_INPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reason": {"type": "string", "maxLength": 1000, "description": "told to everyone on it"}
    },
    "additionalProperties": False,
}


async def _managed_form(request: Request, fields: tuple[Any, ...]) -> tuple[Any, Form]:
    """The shift, once the caller is known to run its program, and the body as the page's
    form (so a stranger is refused before their input is judged)."""
    shift = await planning.get_shift(path_id(request))
    await authorize_manage_program(viewer(request), shift.opportunity.program_id)
    form = Form.bind(fields, form_data_from_json(fields, await json_body(request), {}))
    form.raise_if_invalid()
    return shift, form


async def api_roster_entry(request: Request) -> Response:
    signup = await service.remove_from_shift(
        viewer(request),
        path_id(request),
        path_id(request, "signup_id"),
        settings=settings_of(request),
    )
    return JSONResponse(signup_json(signup, None))


async def api_message(request: Request) -> Response:
    shift, form = await _managed_form(request, forms.MESSAGE)
    count = await planning.message_shift(
        viewer(request),
        shift,
        subject=form.cleaned["subject"],
        body=form.cleaned["body"],
        settings=settings_of(request),
    )
    return JSONResponse({"sent": count})


async def api_cancel_shift(request: Request) -> Response:
    shift, form = await _managed_form(request, forms.CANCEL_SHIFT)
    await planning.cancel_shift(
        viewer(request), shift, reason=form.cleaned["reason"], settings=settings_of(request)
    )
    shift = await planning.get_shift(shift.id)
    counts = await service.counts_for([shift.id])
    return JSONResponse(shift_json(shift, counts[shift.id]))


def routes() -> list[BaseRoute]:
    manage, post = Cap.MANAGE, ("POST",)
    return [
        api(
            "/api/v1/shifts/{id}/roster/{signup_id}",
            api_roster_entry,
            cap=manage,
            name="api:shift_roster_entry",
            methods=("DELETE",),
            doc=ApiDoc(
                "Take someone off the shift or its waitlist (coordinators; no cut-off applies); "
                "answers the ended sign-up",
                response=SIGNUP,
            ),
        ),
        api(
            "/api/v1/shifts/{id}/message",
            api_message,
            cap=manage,
            name="api:shift_message",
            methods=post,
            doc=ApiDoc(
                "Email everyone confirmed on the shift (coordinators)",
                request=MESSAGE_INPUT,
                response=SENT,
            ),
        ),
        api(
            "/api/v1/shifts/{id}/cancel-shift",
            api_cancel_shift,
            cap=manage,
            name="api:shift_cancel_shift",
            methods=post,
            doc=ApiDoc(
                "Cancel this one shift (a series keeps its other dates); everyone on it or "
                "waiting is told. 409 when it is over or already cancelled",
                request=CANCEL_INPUT,
                response=SHIFT,
            ),
        ),
    ]
