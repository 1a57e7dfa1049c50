"""Admins browse and filter the activity log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.audit.service import list_activity
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.web.api import page_params
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


def target_labels() -> dict[str, str]:
    """What each kind of logged item is called (``ActivityEntry.target_type``, a model name)."""
    return {
        "user": _("Person"),
        "team": _("Team"),
        "program": _("Program"),
        "opportunity": _("Opportunity"),
        "shift": _("Shift"),
        "shiftseries": _("Shift series"),
        "programshiftpolicy": _("Shift rules"),
        "signup": _("Sign-up"),
        "hoursrecord": _("Volunteer hours"),
        "meeting": _("Meeting"),
        "poll": _("Poll"),
        "board": _("Board"),
        "column": _("Column"),
        "task": _("Task"),
        "comment": _("Comment"),
        "office": _("Office"),
        "arrangement": _("Work arrangement"),
        "timeoff": _("Leave request"),
        "scheduleexception": _("Schedule change"),
        "feedtoken": _("Calendar feed"),
        "apitoken": _("API token"),
        "contactrequest": _("Question to admins"),
    }


async def activity_page(request: Request) -> Response:
    offset, limit = page_params(request)
    action = request.query_params.get("action", "").strip()[:80]
    actor_raw = request.query_params.get("actor", "").strip()
    try:
        actor_id = int(actor_raw) if actor_raw else None
    except ValueError:
        raise InvalidInput(_("actor must be a person's number."), field="actor") from None
    rows, total = await list_activity(
        action_prefix=action, actor_id=actor_id, offset=offset, limit=limit
    )
    return render(
        request,
        "admin/activity.html",
        {
            "rows": rows,
            "total": total,
            "action": action,
            "actor": actor_raw,
            "target_labels": target_labels(),
            "page": offset // limit + 1,
            "pages": max(1, -(-total // limit)),
        },
    )


def routes() -> list[BaseRoute]:
    return [page("/admin/activity", activity_page, cap=Cap.ADMIN, name="audit:activity")]
