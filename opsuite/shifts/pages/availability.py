"""A volunteer's own availability page (weekly stretches and blackout dates, in their zone),
and the coordinator's "Invite available volunteers" on a short shift. The JSON API is in
../api/availability.py; the rules in ../service/availability.py and invitations.py."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.shifts import forms, service
from opsuite.web.context import flash
from opsuite.web.forms import Form, parse_date
from opsuite.web.http import path_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import ngettext
from opsuite.web.routing import page
from opsuite.web.templating import render

HOME = "/shifts/mine/availability"


async def _page(
    request: Request,
    *,
    weekly: Form | None = None,
    blackout: Form | None = None,
    status: int = 200,
) -> Response:
    user = viewer(request)
    blocks = await service.weekly_blocks(user.id)
    return render(
        request,
        "shifts/availability.html",
        {
            "weekly": weekly
            or Form.blank(forms.availability_fields(), forms.availability_initial(blocks)),
            "blackout": blackout or Form.blank(forms.BLACKOUT),
            "blackouts": await service.blackouts_of(user.id),
            "has_blocks": bool(blocks),
            "zones": sorted({b.timezone for b in blocks} - {user.timezone}),
        },
        status=status,
    )


async def availability(request: Request) -> Response:
    if request.method == "GET":
        return await _page(request)
    form = Form.bind(forms.availability_fields(), await request.form())
    if form.is_valid:
        try:
            count = await service.set_weekly_availability(
                viewer(request), forms.availability_blocks(form.cleaned)
            )
        except InvalidInput as exc:
            form.add_error(exc.field or "day0", exc.message)
        else:
            message = _("Your weekly availability is saved (%(n)s stretches).", n=count)
            return flash(request, see_other(HOME), message, "success")
    return await _page(request, weekly=form, status=400)


async def add_blackout(request: Request) -> Response:
    form = Form.bind(forms.BLACKOUT, await request.form())
    if form.is_valid:
        first, last = parse_date(form.cleaned["first_day"]), parse_date(form.cleaned["last_day"])
        try:
            if first is None or last is None:  # the fields' validators refuse these first
                raise InvalidInput(_("Enter a date like 2026-03-09."), field="first_day")
            await service.add_blackout(
                viewer(request), first_day=first, last_day=last, note=form.cleaned["note"]
            )
        except InvalidInput as exc:
            form.add_error(exc.field or "first_day", exc.message)
        else:
            return flash(request, see_other(HOME), _("Blackout dates added."), "success")
    return await _page(request, blackout=form, status=400)


async def remove_blackout(request: Request) -> Response:
    await service.remove_blackout(viewer(request), path_id(request))
    return flash(request, see_other(HOME), _("Blackout dates removed."), "success")


async def invite_available(request: Request) -> Response:
    done = await service.invite_available(
        viewer(request), path_id(request), settings=settings_of(request)
    )
    if done.invited:
        message = ngettext(
            "Invited %(num)s available volunteer for %(open)s open places.",
            "Invited %(num)s available volunteers for %(open)s open places.",
            done.invited,
            open=done.open_places,
        )
    else:
        message = _("Nobody else is available and eligible for this shift just now.")
    return flash(request, see_other(f"/shifts/{path_id(request)}"), message, "success")


def routes() -> list[BaseRoute]:
    post = ("POST",)
    return [
        page(
            HOME,
            availability,
            cap=Cap.SIGNED_IN,
            name="shifts:availability",
            methods=("GET", "POST"),
        ),
        page(
            "/shifts/mine/blackouts",
            add_blackout,
            cap=Cap.SIGNED_IN,
            name="shifts:blackout_add",
            methods=post,
        ),
        page(
            "/shifts/mine/blackouts/{id}/delete",
            remove_blackout,
            cap=Cap.SIGNED_IN,
            name="shifts:blackout_remove",
            methods=post,
        ),
        page(
            "/shifts/{id}/invite-available",
            invite_available,
            cap=Cap.MANAGE,
            name="shifts:invite_available",
            methods=post,
        ),
    ]
