"""The notifications JSON API under /api/v1/: one's own notification choices (read, change),
and an admin sending a failed outbox message again. The same services as the pages."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.notify.models import Notification
from opsuite.notify.preferences import (
    KIND_CODES,
    KINDS,
    Preferences,
    parse_leads,
    preferences_for,
    save_preferences,
)
from opsuite.notify.reminders import replan_for
from opsuite.notify.service import retry_failed
from opsuite.web.api import json_body
from opsuite.web.forms import parse_time
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api

if TYPE_CHECKING:
    from opsuite.auth.models import User

LEAD_CODES = tuple(k.code for k in KINDS if k.default_leads)
_CODE = {"type": "string", "enum": sorted(KIND_CODES)}
_LEADS = {
    "type": "array",
    "items": {"type": "integer", "minimum": 1, "maximum": 14 * 24 * 60},
    "maxItems": 5,
    "description": "minutes before the event",
}
_QUIET = {"type": ["string", "null"], "pattern": "^[0-2][0-9]:[0-5][0-9]$"}
PREFERENCES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["disabled", "lead_minutes", "quiet_start", "quiet_end"],
    "properties": {
        "disabled": {"type": "array", "items": _CODE, "description": "kinds not sent"},
        "lead_minutes": {
            "type": "object",
            "properties": dict.fromkeys(LEAD_CODES, _LEADS),
            "additionalProperties": False,
        },
        "quiet_start": _QUIET,
        "quiet_end": _QUIET,
    },
}
PREFERENCES_INPUT: dict[str, Any] = {
    **PREFERENCES_SCHEMA,
    "required": [],
    "description": "Fields left out keep their value; a kind left out of lead_minutes too",
    "additionalProperties": False,
}
RETRIED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "status"],
    "properties": {"id": {"type": "integer"}, "status": {"type": "string"}},
}


def preferences_json(prefs: Preferences) -> dict[str, Any]:
    return {
        "disabled": sorted(prefs.disabled_kinds),
        "lead_minutes": {code: list(prefs.leads(code)) for code in LEAD_CODES},
        "quiet_start": prefs.quiet_start.strftime("%H:%M") if prefs.quiet_start else None,
        "quiet_end": prefs.quiet_end.strftime("%H:%M") if prefs.quiet_end else None,
    }


def _kinds(value: Any) -> set[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(_("Expected a list of strings."), field="disabled")
    unknown = sorted(set(value) - KIND_CODES)
    if unknown:
        message = _("Unknown notification kind: %(kind)s", kind=unknown[0])
        raise InvalidInput(message, field="disabled")
    return set(value)


def _leads(value: Any, current: Preferences) -> dict[str, tuple[int, ...]]:
    if not isinstance(value, dict):
        raise InvalidInput(_("Expected an object."), field="lead_minutes")
    leads = {code: current.leads(code) for code in LEAD_CODES}
    for code, minutes in value.items():
        field = f"lead_minutes.{code}"
        if code not in LEAD_CODES:
            raise InvalidInput(_("Unknown notification kind: %(kind)s", kind=code), field=field)
        if not isinstance(minutes, list) or not all(
            isinstance(m, int) and not isinstance(m, bool) for m in minutes
        ):
            raise InvalidInput(_("Expected a list of whole numbers."), field=field)
        # the page's rules for lead times (range, at most five), as minutes
        leads[code] = parse_leads(", ".join(f"{m}m" for m in minutes), field)
    return leads


def _quiet(body: dict[str, Any], name: str, current: time | None) -> time | None:
    if name not in body:
        return current
    raw = body[name]
    if raw is None or raw == "":
        return None
    parsed = parse_time(raw) if isinstance(raw, str) else None
    if parsed is None:
        raise InvalidInput(_("Write a time like 22:00."), field=name)
    return parsed


async def api_preferences(request: Request) -> Response:
    user: User = viewer(request)
    current = await preferences_for(user)
    if request.method == "PATCH":
        body = await json_body(request)
        unknown = sorted(set(body) - set(PREFERENCES_SCHEMA["properties"]))
        if unknown:
            raise InvalidInput(_("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])
        disabled = _kinds(body["disabled"]) if "disabled" in body else set(current.disabled_kinds)
        await save_preferences(
            user,
            disabled_kinds=disabled,
            lead_minutes=_leads(body.get("lead_minutes", {}), current),
            quiet_start=_quiet(body, "quiet_start", current.quiet_start),
            quiet_end=_quiet(body, "quiet_end", current.quiet_end),
        )
        await replan_for(user, settings=settings_of(request))
        current = await preferences_for(user)
    return JSONResponse(preferences_json(current))


async def api_retry(request: Request) -> Response:
    notification_id = path_id(request)
    await retry_failed(notification_id)
    row = await Notification.get(id=notification_id)
    return JSONResponse({"id": row.id, "status": row.status.value})


def routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/me/notifications",
            api_preferences,
            cap=Cap.SIGNED_IN,
            name="api:notification_preferences",
            methods=("GET", "PATCH"),
            doc=ApiDoc(
                "Your notification choices (GET), or change them (PATCH): kinds turned off, "
                "reminder lead times in minutes, quiet hours in your time zone",
                request=PREFERENCES_INPUT,
                response=PREFERENCES_SCHEMA,
            ),
        ),
        api(
            "/api/v1/outbox/{id}/retry",
            api_retry,
            cap=Cap.ADMIN,
            name="api:outbox_retry",
            methods=("POST",),
            doc=ApiDoc("Send a failed outbox message again (admins)", response=RETRIED_SCHEMA),
        ),
    ]
