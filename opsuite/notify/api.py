"""The notifications JSON API under /api/v1/: one's own notification choices (read, change),
and an admin sending a failed outbox message again. The same services as the pages."""

from __future__ import annotations

from datetime import time
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.notify.models import Notification
from opsuite.notify.preferences import (
    KINDS,
    MAX_LEAD_MINUTES,
    parse_leads,
    preferences_for,
    save_preferences,
)
from opsuite.notify.preferences import Preferences as Saved
from opsuite.notify.reminders import replan_for
from opsuite.notify.service import retry_failed
from opsuite.web.api import typed_body
from opsuite.web.forms import parse_time
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import RequestBody, ResponseBody, TimeText, absent

if TYPE_CHECKING:
    from opsuite.auth.models import User

LEAD_CODES = tuple(k.code for k in KINDS if k.default_leads)
KindCode = Enum("KindCode", {k.code: k.code for k in KINDS}, type=str)  # type: ignore[misc]
LeadCode = Enum("LeadCode", {c: c for c in LEAD_CODES}, type=str)  # type: ignore[misc]
LeadTimes = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_LEAD_MINUTES)]],
    Field(max_length=5, description="minutes before the event"),
]


class Preferences(ResponseBody):
    """One's notification choices: kinds turned off, reminder lead times (minutes before the
    event) per kind that has them, quiet hours in one's own time zone."""

    disabled: list[KindCode]
    lead_minutes: dict[LeadCode, list[int]]
    quiet_start: str | None
    quiet_end: str | None


class PreferencesPatch(RequestBody):
    """Fields left out keep their value; so does a kind left out of lead_minutes."""

    disabled: list[KindCode] = absent(description="the kinds not sent")
    lead_minutes: dict[LeadCode, LeadTimes] = absent()
    quiet_start: TimeText | None = Field(None, description="null: no quiet hours")
    quiet_end: TimeText | None = None


class Retried(ResponseBody):
    id: int
    status: str


def preferences_json(prefs: Saved) -> dict[str, Any]:
    return {
        "disabled": sorted(prefs.disabled_kinds),
        "lead_minutes": {code: list(prefs.leads(code)) for code in LEAD_CODES},
        "quiet_start": prefs.quiet_start.strftime("%H:%M") if prefs.quiet_start else None,
        "quiet_end": prefs.quiet_end.strftime("%H:%M") if prefs.quiet_end else None,
    }


def _leads(value: dict[str, list[int]], current: Saved) -> dict[str, tuple[int, ...]]:
    leads = {code: current.leads(code) for code in LEAD_CODES}
    for code, minutes in value.items():
        # the page's rules for lead times (range, at most five), as minutes
        leads[code] = parse_leads(", ".join(f"{m}m" for m in minutes), f"lead_minutes.{code}")
    return leads


def _quiet(body: dict[str, Any], name: str, current: time | None) -> time | None:
    if name not in body:
        return current
    raw = body[name]
    if raw is None or raw == "":
        return None
    parsed = parse_time(raw)
    if parsed is None:
        raise InvalidInput(_("Write a time like 22:00."), field=name)
    return parsed


async def api_preferences(request: Request) -> Response:
    user: User = viewer(request)
    current = await preferences_for(user)
    if request.method == "PATCH":
        body = await typed_body(request, PreferencesPatch)
        disabled = set(body.get("disabled", current.disabled_kinds))
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
                request=PreferencesPatch,
                response=Preferences,
            ),
        ),
        api(
            "/api/v1/outbox/{id}/retry",
            api_retry,
            cap=Cap.ADMIN,
            name="api:outbox_retry",
            methods=("POST",),
            doc=ApiDoc("Send a failed outbox message again (admins)", response=Retried),
        ),
    ]
