"""The JSON API of a coordinator running one shift: take someone off it, email everyone on
it, cancel it. The same services and forms as the roster page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.shifts import forms, planning, service
from opsuite.shifts.access import authorize_manage_program
from opsuite.shifts.models import ShiftStatus, SignUpStatus
from opsuite.web.api import form_data_from_json, typed_body
from opsuite.web.forms import Form
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import RequestBody, ResponseBody, absent


class MessageInput(RequestBody):
    subject: Annotated[str, Field(max_length=150)]
    body: Annotated[str, Field(max_length=5000)]


class Sent(ResponseBody):
    sent: int = Field(description="how many people it went to")


class CancelInput(RequestBody):
    reason: Annotated[str, Field(max_length=1000)] = absent(
        description="told to everyone on the shift"
    )


class Removed(ResponseBody):
    """The sign-up that ended (the person is told)."""

    signup_id: int
    shift_id: int
    volunteer_id: int
    status: SignUpStatus


class Cancelled(ResponseBody):
    id: int
    status: ShiftStatus
    cancelled_at: datetime | None


async def _managed_form(
    request: Request, fields: tuple[Any, ...], model: type[RequestBody]
) -> tuple[Any, Form]:
    """The shift, once the caller is known to run its program, and the body as the page's
    form (so a stranger is refused before their input is judged)."""
    shift = await planning.get_shift(path_id(request))
    await authorize_manage_program(viewer(request), shift.opportunity.program_id)
    form = Form.bind(fields, form_data_from_json(fields, await typed_body(request, model), {}))
    form.raise_if_invalid()
    return shift, form


async def api_roster_entry(request: Request) -> Response:
    signup = await service.remove_from_shift(
        viewer(request),
        path_id(request),
        path_id(request, "signup_id"),
        settings=settings_of(request),
    )
    return JSONResponse(
        {
            "signup_id": signup.id,
            "shift_id": signup.shift_id,
            "volunteer_id": signup.volunteer_id,
            "status": signup.status.value,
        }
    )


async def api_message(request: Request) -> Response:
    shift, form = await _managed_form(request, forms.MESSAGE, MessageInput)
    count = await planning.message_shift(
        viewer(request),
        shift,
        subject=form.cleaned["subject"],
        body=form.cleaned["body"],
        settings=settings_of(request),
    )
    return JSONResponse({"sent": count})


async def api_cancel_shift(request: Request) -> Response:
    shift, form = await _managed_form(request, forms.CANCEL_SHIFT, CancelInput)
    await planning.cancel_shift(
        viewer(request), shift, reason=form.cleaned["reason"], settings=settings_of(request)
    )
    shift = await planning.get_shift(shift.id)
    cancelled_at = shift.cancelled_at.isoformat() if shift.cancelled_at else None
    return JSONResponse(
        {"id": shift.id, "status": shift.status.value, "cancelled_at": cancelled_at}
    )


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
                response=Removed,
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
                request=MessageInput,
                response=Sent,
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
                request=CancelInput,
                response=Cancelled,
            ),
        ),
    ]
