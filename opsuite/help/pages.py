"""Help pages for every area, and the form that reaches the administrators."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import NotFound
from opsuite.help import service
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Field, Form
from opsuite.web.http import safe_next
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext
from opsuite.web.routing import page
from opsuite.web.templating import render

TOPICS = {
    "start": lazy_gettext("Getting started: logging in, your profile, language and time zone"),
    "schedules": lazy_gettext("Work schedules, leave and who is working when"),
    "shifts": lazy_gettext("Volunteer shifts: signing up, waitlists, check-in and hours"),
    "meetings": lazy_gettext("Meetings: invitations, answers and finding a time"),
    "tasks": lazy_gettext("Task boards: assigning and following work"),
    "notifications": lazy_gettext("Emails, reminders, quiet hours and digests"),
}

CONTACT = (
    Field("name", lazy_gettext("Your name"), max_length=120),
    Field(
        "email",
        lazy_gettext("Your email address"),
        kind="email",
        max_length=254,
        help=lazy_gettext("The administrators answer you here."),
    ),
    Field("subject", lazy_gettext("Subject"), max_length=200),
    Field(
        "message",
        lazy_gettext("Your question or problem"),
        kind="textarea",
        max_length=5000,
        help=lazy_gettext("Say what you were trying to do and what happened."),
    ),
)


async def index(request: Request) -> Response:
    return render(request, "help/index.html", {"topics": TOPICS})


async def topic(request: Request) -> Response:
    name = request.path_params["topic"]
    if name not in TOPICS:
        raise NotFound(_("There is no help page by that name."))
    return render(request, f"help/{name}.html", {"topics": TOPICS, "title": TOPICS[name]})


async def contact(request: Request) -> Response:
    user: User | None = request.state.user
    came_from = safe_next(request.query_params.get("from", ""), "")
    if request.method == "GET":
        initial = {"name": user.name, "email": user.email} if user else {}
        return render(
            request,
            "help/contact.html",
            {"form": Form.blank(CONTACT, initial), "came_from": came_from},
        )
    data = await request.form()
    came_from = safe_next(str(data.get("from", "")), "")
    form = Form.bind(CONTACT, data)
    if not form.is_valid:
        return render(
            request, "help/contact.html", {"form": form, "came_from": came_from}, status=400
        )
    await service.contact_admins(
        sender=user,
        name=form.cleaned["name"],
        email=form.cleaned["email"],
        subject=form.cleaned["subject"],
        message=form.cleaned["message"],
        page=came_from,
        settings=request.app.state.settings,
    )
    response = RedirectResponse(came_from or "/help", status_code=303)
    return flash(
        request,
        response,
        _("Your message has reached the administrators. They will answer you by email."),
        "success",
    )


async def requests_page(request: Request) -> Response:
    offset, limit = page_params(request)
    show_all = request.query_params.get("all") == "1"
    rows, total = await service.list_requests(open_only=not show_all, offset=offset, limit=limit)
    return render(
        request,
        "help/requests.html",
        {
            "rows": rows,
            "total": total,
            "show_all": show_all,
            "page": offset // limit + 1,
            "pages": max(1, -(-total // limit)),
        },
    )


async def handled(request: Request) -> Response:
    try:
        request_id = int(request.path_params["request_id"])
    except ValueError:
        raise NotFound(_("No such request.")) from None
    await service.mark_handled(request.state.user, request_id)
    response = RedirectResponse("/admin/requests", status_code=303)
    return flash(request, response, _("Marked as handled."), "success")


def routes() -> list[BaseRoute]:
    return [
        page("/help", index, cap=Cap.PUBLIC, name="help:index"),
        page(
            "/help/contact", contact, cap=Cap.PUBLIC, name="help:contact", methods=("GET", "POST")
        ),
        page("/help/{topic}", topic, cap=Cap.PUBLIC, name="help:topic"),
        page("/admin/requests", requests_page, cap=Cap.ADMIN, name="help:requests"),
        page(
            "/admin/requests/{request_id}/handled",
            handled,
            cap=Cap.ADMIN,
            name="help:handled",
            methods=("POST",),
        ),
    ]
