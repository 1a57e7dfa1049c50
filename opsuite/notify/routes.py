"""Admins see the outbox (and retry failed mail); in development, the dev mailbox."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.permissions import Cap
from opsuite.errors import NotFound
from opsuite.notify.models import NotificationStatus
from opsuite.notify.service import list_outbox, retry_failed
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


async def outbox_page(request: Request) -> Response:
    offset, limit = page_params(request)
    status = request.query_params.get("status", "")
    if status not in {s.value for s in NotificationStatus}:
        status = ""
    to = request.query_params.get("to", "").strip()[:254]
    rows, total = await list_outbox(status=status, to_address=to, offset=offset, limit=limit)
    return render(
        request,
        "admin/outbox.html",
        {
            "rows": rows,
            "total": total,
            "status": status,
            "to": to,
            "statuses": [s.value for s in NotificationStatus],
            "page": offset // limit + 1,
            "pages": max(1, -(-total // limit)),
        },
    )


async def retry(request: Request) -> Response:
    try:
        notification_id = int(request.path_params["notification_id"])
    except ValueError:
        raise NotFound(_("No failed notification with that number.")) from None
    await retry_failed(notification_id)
    response = RedirectResponse("/admin/outbox?status=failed", status_code=303)
    return flash(request, response, _("The message will be sent again shortly."), "success")


async def dev_mailbox(request: Request) -> Response:
    if request.app.state.settings.mail.host:
        raise NotFound(_("The dev mailbox is only used when no SMTP server is configured."))
    offset, limit = page_params(request)
    rows, total = await list_outbox(status=NotificationStatus.SENT, offset=offset, limit=limit)
    return render(request, "admin/mailbox.html", {"rows": rows, "total": total})


def routes() -> list[BaseRoute]:
    return [
        page("/admin/outbox", outbox_page, cap=Cap.ADMIN, name="notify:outbox"),
        page(
            "/admin/outbox/{notification_id}/retry",
            retry,
            cap=Cap.ADMIN,
            name="notify:retry",
            methods=("POST",),
        ),
        page("/dev/mailbox", dev_mailbox, cap=Cap.ADMIN, name="notify:mailbox"),
    ]
