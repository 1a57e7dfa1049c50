"""The webhooks JSON API under /api/v1/ (admins): endpoints, paged; add one (its secret is in
that answer only); one endpoint; remove it; its deliveries with their attempts; a new secret;
a test event; resume; replay a delivery."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.hooks import events, forms
from opsuite.hooks import service as hooks
from opsuite.hooks.models import WebhookDelivery, WebhookEndpoint
from opsuite.web.api import form_data_from_json, json_body, page_params, paginated
from opsuite.web.forms import Form
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api

_TIME = {"type": "string", "format": "date-time"}
_MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}
_KINDS = {"type": "string", "enum": list(events.KINDS)}
ENDPOINT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "url", "events", "active", "paused"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string"},
        "description": {"type": "string"},
        "events": {"type": "array", "items": _KINDS},
        "active": {"type": "boolean"},
        "paused": {"type": "boolean"},
        "paused_at": _MAYBE_TIME,
        "failing_since": _MAYBE_TIME,
        "last_ok_at": _MAYBE_TIME,
        "created_at": _TIME,
        "secret": {"type": "string", "description": "only in the answer that made it"},
    },
}
CREATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["url", "events"],
    "properties": {
        "url": {"type": "string", "maxLength": 500},
        "description": {"type": "string", "maxLength": 200},
        "events": {"type": "array", "items": _KINDS, "minItems": 1},
    },
    "additionalProperties": False,
}
EDIT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Fields left out keep their value",
    "properties": {
        **CREATE_SCHEMA["properties"],
        "active": {"type": "boolean", "description": "false stops deliveries to it"},
    },
    "additionalProperties": False,
}
DELIVERY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "event_id", "event_type", "status", "attempts"],
    "properties": {
        "id": {"type": "integer"},
        "event_id": {"type": "string"},
        "event_type": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "sending", "sent", "failed"]},
        "created_at": _TIME,
        "sent_at": _MAYBE_TIME,
        "next_try_at": _TIME,
        "last_error": {"type": "string"},
        "attempts": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "at": _TIME,
                    "status_code": {"type": ["integer", "null"]},
                    "error": {"type": "string"},
                    "duration_ms": {"type": "integer"},
                },
            },
        },
    },
}


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
        body = await json_body(request)
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
        body = await json_body(request)
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
                request=CREATE_SCHEMA,
                response=ENDPOINT_SCHEMA,
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
                request=EDIT_SCHEMA,
                response=ENDPOINT_SCHEMA,
            ),
        ),
        api(
            "/api/v1/webhooks/{id}/deliveries",
            api_deliveries,
            cap=admin,
            name="api:webhook_deliveries",
            doc=ApiDoc(
                "An endpoint's deliveries, newest first, with every attempt",
                response=DELIVERY_SCHEMA,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/webhooks/{id}/secret",
            api_secret,
            cap=admin,
            name="api:webhook_secret",
            methods=post,
            doc=ApiDoc("Make a new secret (in this answer only)", response=ENDPOINT_SCHEMA),
        ),
        api(
            "/api/v1/webhooks/{id}/test",
            api_test,
            cap=admin,
            name="api:webhook_test",
            methods=post,
            doc=ApiDoc("Send a test event now; answers its delivery", response=DELIVERY_SCHEMA),
        ),
        api(
            "/api/v1/webhooks/{id}/resume",
            api_resume,
            cap=admin,
            name="api:webhook_resume",
            methods=post,
            doc=ApiDoc("Take a paused endpoint up again", response=ENDPOINT_SCHEMA),
        ),
        api(
            "/api/v1/webhook-deliveries/{id}/replay",
            api_replay,
            cap=admin,
            name="api:webhook_replay",
            methods=post,
            doc=ApiDoc("Send a delivery again (same body and event id)", response=DELIVERY_SCHEMA),
        ),
    ]
