"""Notification preferences for everyone; the outbox, scheduler status and dev mailbox for
admins; one-click unsubscribe from digests."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import FieldErrors, NotFound
from opsuite.notify.models import JobRun, NotificationStatus
from opsuite.notify.preferences import (
    KIND_CODES,
    KINDS,
    format_leads,
    parse_leads,
    preferences_for,
    save_preferences,
)
from opsuite.notify.reminders import replan_for
from opsuite.notify.service import list_outbox, retry_failed
from opsuite.notify.unsubscribe import is_valid
from opsuite.web.access import policy
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page, signed_link
from opsuite.web.templating import render

if TYPE_CHECKING:
    from opsuite.auth.models import User

LEAD_KINDS = tuple(k for k in KINDS if k.default_leads)


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
            "statuses": NotificationStatus.choices(),
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


async def scheduler_page(request: Request) -> Response:
    scheduler = request.app.state.scheduler
    jobs = [
        {"id": job.id, "next_run": job.next_run_time}
        for job in (scheduler.get_jobs() if scheduler is not None else [])
    ]
    runs = await JobRun.all().order_by("job_id")
    pending = await list_outbox(status=NotificationStatus.PENDING, limit=1)
    failed = await list_outbox(status=NotificationStatus.FAILED, limit=1)
    return render(
        request,
        "admin/scheduler.html",
        {
            "jobs": jobs,
            "runs": runs,
            "running": scheduler is not None,
            "job_labels": {job.id: str(job.label) for job in request.app.state.jobs},
            "pending": pending[1],
            "failed": failed[1],
        },
    )


async def dev_mailbox(request: Request) -> Response:
    if request.app.state.settings.mail.host:
        raise NotFound(_("The dev mailbox is only used when no SMTP server is configured."))
    offset, limit = page_params(request)
    rows, total = await list_outbox(status=NotificationStatus.SENT, offset=offset, limit=limit)
    return render(
        request,
        "admin/mailbox.html",
        {
            "rows": rows,
            "total": total,
            "page": offset // limit + 1,
            "pages": max(1, -(-total // limit)),
        },
    )


def _parse_time(raw: str, field: str) -> time | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        hours, minutes = raw.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise FieldErrors({field: _("Write a time like 22:00.")}) from None


async def preferences_page(request: Request) -> Response:
    user: User = request.state.user
    prefs = await preferences_for(user)
    values = {
        "enabled": {k.code for k in KINDS if prefs.wants(k.code)},
        "leads": {k.code: format_leads(prefs.leads(k.code)) for k in LEAD_KINDS},
        "quiet_start": prefs.quiet_start.strftime("%H:%M") if prefs.quiet_start else "",
        "quiet_end": prefs.quiet_end.strftime("%H:%M") if prefs.quiet_end else "",
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await request.form()
        enabled = {str(v) for v in form.getlist("enabled")} & KIND_CODES
        typed_leads = {k.code: str(form.get(f"lead_{k.code}", ""))[:100] for k in LEAD_KINDS}
        typed_quiet = {name: str(form.get(name, ""))[:5] for name in ("quiet_start", "quiet_end")}
        values = {"enabled": enabled, "leads": typed_leads, **typed_quiet}
        leads: dict[str, tuple[int, ...]] = {}
        for kind in LEAD_KINDS:
            try:
                leads[kind.code] = parse_leads(typed_leads[kind.code], f"lead_{kind.code}")
            except FieldErrors as exc:
                errors.update(exc.errors)
        quiet: dict[str, time | None] = {}
        for name in ("quiet_start", "quiet_end"):
            try:
                quiet[name] = _parse_time(typed_quiet[name], name)
            except FieldErrors as exc:
                errors.update(exc.errors)
        if not errors:
            try:
                await save_preferences(
                    user,
                    disabled_kinds=set(KIND_CODES) - enabled,
                    lead_minutes=leads,
                    quiet_start=quiet["quiet_start"],
                    quiet_end=quiet["quiet_end"],
                )
            except FieldErrors as exc:
                errors.update(exc.errors)
            else:
                await replan_for(user, settings=request.app.state.settings)
                response = RedirectResponse("/me/notifications", status_code=303)
                return flash(
                    request, response, _("Your notification choices are saved."), "success"
                )
    return render(
        request,
        "notify/preferences.html",
        {
            "kinds": KINDS,
            "lead_kinds": LEAD_KINDS,
            "values": values,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


async def unsubscribe(request: Request) -> Response:
    settings = request.app.state.settings
    try:
        user_id = int(request.path_params["user_id"])
    except ValueError:
        raise NotFound(_("This unsubscribe link is not valid.")) from None
    kind = request.path_params["kind"]
    if kind not in KIND_CODES or not is_valid(settings, user_id, kind, request.path_params["sig"]):
        raise NotFound(_("This unsubscribe link is not valid."))
    user = await policy().find_user(user_id)
    if user is None:
        raise NotFound(_("This unsubscribe link is not valid."))
    label = next(k.label for k in KINDS if k.code == kind)
    if request.method == "POST":
        prefs = await preferences_for(user)
        await save_preferences(
            user,
            disabled_kinds=set(prefs.disabled_kinds) | {kind},
            lead_minutes=dict(prefs.lead_minutes),
            quiet_start=prefs.quiet_start,
            quiet_end=prefs.quiet_end,
        )
        await replan_for(user, settings=settings)
        return render(request, "notify/unsubscribed.html", {"label": label, "done": True})
    return render(request, "notify/unsubscribed.html", {"label": label, "done": False})


def routes() -> list[BaseRoute]:
    return [
        page(
            "/me/notifications",
            preferences_page,
            cap=Cap.SIGNED_IN,
            name="notify:preferences",
            methods=("GET", "POST"),
        ),
        page("/admin/outbox", outbox_page, cap=Cap.ADMIN, name="notify:outbox"),
        page(
            "/admin/outbox/{notification_id}/retry",
            retry,
            cap=Cap.ADMIN,
            name="notify:retry",
            methods=("POST",),
        ),
        page("/admin/scheduler", scheduler_page, cap=Cap.ADMIN, name="notify:scheduler"),
        page("/dev/mailbox", dev_mailbox, cap=Cap.ADMIN, name="notify:mailbox"),
        signed_link(
            "/notify/unsubscribe/{user_id}/{kind}/{sig}", unsubscribe, name="notify:unsubscribe"
        ),
    ]
