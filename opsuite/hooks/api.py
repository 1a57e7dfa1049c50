"""The webhooks JSON API under /api/v1/ (admins): endpoints, paged; add one (its secret is in
that answer only); one endpoint; remove it; its deliveries with their attempts; a new secret;
a test event; resume; replay a delivery."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.hooks import events, forms
from opsuite.hooks import service as hooks
from opsuite.hooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from opsuite.web.api import form_data_from_json, page_params, paginated, typed_body
from opsuite.web.forms import Form
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import DateTimeText, Flag, RequestBody, ResponseBody, absent

_TIME = {"type": "string", "format": "date-time"}
_MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}
_KINDS = {"type": "string", "enum": list(events.KINDS)}


class WebhookCreate(RequestBody):
    url: Annotated[str, Field(max_length=500)]
    description: Annotated[str, Field(max_length=200)] = absent()
    events: Annotated[
        list[
            Literal[
                "signup.confirmed",
                "signup.cancelled",
                "shift.cancelled",
                "shift.short",
                "leave.requested",
                "leave.decided",
                "meeting.changed",
                "hours.approved",
                "task.assigned",
                "task.done",
            ]
        ],
        Field(min_length=1),
    ]


class EndpointJson(ResponseBody):
    id: int
    url: str
    description: str = absent()
    events: list[
        Literal[
            "signup.confirmed",
            "signup.cancelled",
            "shift.cancelled",
            "shift.short",
            "leave.requested",
            "leave.decided",
            "meeting.changed",
            "hours.approved",
            "task.assigned",
            "task.done",
        ]
    ]
    active: bool
    paused: bool
    paused_at: DateTimeText | None = None
    failing_since: DateTimeText | None = None
    last_ok_at: DateTimeText | None = None
    created_at: DateTimeText = absent()
    secret: str = absent(description="only in the answer that made it")


class Edit(RequestBody):
    """Fields left out keep their value"""

    url: Annotated[str, Field(max_length=500)] = absent()
    description: Annotated[str, Field(max_length=200)] = absent()
    events: Annotated[
        list[
            Literal[
                "signup.confirmed",
                "signup.cancelled",
                "shift.cancelled",
                "shift.short",
                "leave.requested",
                "leave.decided",
                "meeting.changed",
                "hours.approved",
                "task.assigned",
                "task.done",
            ]
        ],
        Field(min_length=1),
    ] = absent()
    active: Flag = absent(description="false stops deliveries to it")


class WebhookAttempt(ResponseBody):
    at: DateTimeText = absent()
    status_code: int | None = None
    error: str = absent()
    duration_ms: int = absent()


class DeliveryJson(ResponseBody):
    id: int
    event_id: str
    event_type: str
    status: DeliveryStatus
    created_at: DateTimeText = absent()
    sent_at: DateTimeText | None = None
    next_try_at: DateTimeText = absent()
    last_error: str = absent()
    attempts: list[WebhookAttempt]


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def endpoint_json(endpoint: WebhookEndpoint, secret: str | None = None) -> dict[str, Any]:
    out = {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
        "paused": endpoint.paused_at is not None,
        "paused_at": _time(endpoint.paused_at),
        "failing_since": _time(endpoint.failing_since),
        "last_ok_at": _time(endpoint.last_ok_at),
        "created_at": endpoint.created_at.isoformat(),
    }
    return {**out, "secret": secret} if secret is not None else out


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    tries = getattr(delivery, "attempt_list", [])
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status.value,
        "created_at": delivery.created_at.isoformat(),
        "sent_at": _time(delivery.sent_at),
        "next_try_at": delivery.next_try_at.isoformat(),
        "last_error": delivery.last_error,
        "attempts": [
            {
                "at": t.at.isoformat(),
                "status_code": t.status_code,
                "error": t.error,
                "duration_ms": t.duration_ms,
            }
            for t in tries
        ],
    }


async def api_endpoints(request: Request) -> Response:
    if request.method == "POST":
        body = await typed_body(request, WebhookCreate)
        form = Form.bind(forms.ENDPOINT, form_data_from_json(forms.ENDPOINT, body, {}))
        form.raise_if_invalid()
        endpoint, secret = await hooks.create_endpoint(
            viewer(request), **form.cleaned, settings=settings_of(request)
        )
        return JSONResponse(endpoint_json(endpoint, secret), status_code=201)
    offset, limit = page_params(request)
    endpoints, total = await hooks.list_endpoints(offset=offset, limit=limit)
    return paginated([endpoint_json(e) for e in endpoints], total, offset, limit)


async def api_endpoint(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    if request.method == "DELETE":
        await hooks.delete_endpoint(viewer(request), endpoint)
        return Response(status_code=204)
    if request.method == "PATCH":
        body = await typed_body(request, Edit)
        if not isinstance(body.get("active", True), bool):
            raise InvalidInput(_("Expected true or false."), field="active")
        current = {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "active": endpoint.active,
        }
        form = Form.bind(forms.EDIT, form_data_from_json(forms.EDIT, body, current))
        form.raise_if_invalid()
        endpoint = await hooks.update_endpoint(
            viewer(request), endpoint, **form.cleaned, settings=settings_of(request)
        )
    return JSONResponse(endpoint_json(endpoint))


async def api_deliveries(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    offset, limit = page_params(request)
    rows, total = await hooks.list_deliveries(endpoint, offset=offset, limit=limit)
    return paginated([delivery_json(d) for d in rows], total, offset, limit)


async def api_secret(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    secret = await hooks.regenerate_secret(viewer(request), endpoint)
    return JSONResponse(endpoint_json(endpoint, secret))


async def api_test(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    delivery = await hooks.send_test(viewer(request), endpoint, settings_of(request))
    rows, _total = await hooks.list_deliveries(endpoint, limit=1)
    return JSONResponse(delivery_json(rows[0] if rows else delivery))


async def api_resume(request: Request) -> Response:
    endpoint = await hooks.get_endpoint(path_id(request))
    return JSONResponse(endpoint_json(await hooks.resume_endpoint(viewer(request), endpoint)))


async def api_replay(request: Request) -> Response:
    delivery = await hooks.replay(viewer(request), await hooks.get_delivery(path_id(request)))
    return JSONResponse(delivery_json(delivery))


def routes() -> list[BaseRoute]:
    admin = Cap.ADMIN
    post = ("POST",)
    return [
        api(
            "/api/v1/webhooks",
            api_endpoints,
            cap=admin,
            name="api:webhooks",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "Webhook endpoints (GET, paged), or add one (POST; the answer holds its secret)",
                request=WebhookCreate,
                response=EndpointJson,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/webhooks/{id}",
            api_endpoint,
            cap=admin,
            name="api:webhook",
            methods=("GET", "PATCH", "DELETE"),
            doc=ApiDoc(
                "One webhook endpoint (GET), change it (PATCH), or remove it (DELETE)",
                request=Edit,
                response=EndpointJson,
            ),
        ),
        api(
            "/api/v1/webhooks/{id}/deliveries",
            api_deliveries,
            cap=admin,
            name="api:webhook_deliveries",
            doc=ApiDoc(
                "An endpoint's deliveries, newest first, with every attempt",
                response=DeliveryJson,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/webhooks/{id}/secret",
            api_secret,
            cap=admin,
            name="api:webhook_secret",
            methods=post,
            doc=ApiDoc("Make a new secret (in this answer only)", response=EndpointJson),
        ),
        api(
            "/api/v1/webhooks/{id}/test",
            api_test,
            cap=admin,
            name="api:webhook_test",
            methods=post,
            doc=ApiDoc("Send a test event now; answers its delivery", response=DeliveryJson),
        ),
        api(
            "/api/v1/webhooks/{id}/resume",
            api_resume,
            cap=admin,
            name="api:webhook_resume",
            methods=post,
            doc=ApiDoc("Take a paused endpoint up again", response=EndpointJson),
        ),
        api(
            "/api/v1/webhook-deliveries/{id}/replay",
            api_replay,
            cap=admin,
            name="api:webhook_replay",
            methods=post,
            doc=ApiDoc("Send a delivery again (same body and event id)", response=DeliveryJson),
        ),
    ]
