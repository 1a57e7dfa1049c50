"""The help JSON API under /api/v1/: an admin marks a contact request handled (the same
service as the requests page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.help import service
from opsuite.help.models import ContactRequest
from opsuite.web.http import path_id, viewer
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import ResponseBody, absent


class ContactRequestJson(ResponseBody):
    id: int
    sender_id: int | None = absent()
    name: str = absent()
    email: str = absent()
    subject: str
    message: str = absent()
    page: str = absent()
    created_at: datetime
    handled_by_id: int | None = absent()
    handled_at: datetime | None


def request_json(row: ContactRequest) -> dict[str, Any]:
    return {
        "id": row.id,
        "sender_id": row.sender_id,
        "name": row.name,
        "email": row.email,
        "subject": row.subject,
        "message": row.message,
        "page": row.page,
        "created_at": row.created_at.isoformat(),
        "handled_by_id": row.handled_by_id,
        "handled_at": row.handled_at.isoformat() if row.handled_at else None,
    }


async def api_handled(request: Request) -> Response:
    row = await service.mark_handled(viewer(request), path_id(request))
    return JSONResponse(request_json(row))


def routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/contact-requests/{id}/handled",
            api_handled,
            cap=Cap.ADMIN,
            name="api:contact_request_handled",
            methods=("POST",),
            doc=ApiDoc(
                "Mark a contact request handled (admins); 409 when someone already did",
                response=ContactRequestJson,
            ),
        ),
    ]
