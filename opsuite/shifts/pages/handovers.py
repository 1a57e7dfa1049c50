"""Handing a place to a named volunteer: the giver offers or withdraws, the person offered it
takes it or says no (on the shift page or My shifts), and a coordinator approves or declines
it from the roster when the program asks for approval."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.shifts import forms, service
from opsuite.shifts.models import HandoverStatus, ShiftHandover
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import path_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page


async def handover_form(user: User, shift_id: int, data: Any = None) -> Form:
    """The giver's "hand my place to" form, offering the eligible volunteers by name."""
    candidates = await service.handover_candidates(user, shift_id)
    fields = forms.handover_fields([(str(c.id), c.name) for c in candidates])
    return Form.blank(fields) if data is None else Form.bind(fields, data)


def accepted_message(handover: ShiftHandover) -> str:
    if handover.status == HandoverStatus.AWAITING_APPROVAL:
        return _("You accepted. A coordinator approves the hand-over first; you will get an email.")
    return _("The place is yours. The confirmation email has the shift for your calendar.")


async def handover(request: Request) -> Response:
    data = await request.form()
    action = str(data.get("action", ""))
    user, shift_id, settings = viewer(request), path_id(request), settings_of(request)
    if action == "offer":
        form = await handover_form(user, shift_id, data)
        form.raise_if_invalid()
        made = await service.offer_handover(
            user, shift_id, int(form.cleaned["recipient_id"]), settings=settings
        )
        recipient = await User.get(id=made.recipient_id)
        message = _(
            "Your place is offered to %(name)s. You stay on the shift until they take it.",
            name=recipient.name,
        )
    elif action == "withdraw":
        await service.withdraw_handover(user, shift_id, settings=settings)
        message = _("You kept your place; the offer is withdrawn.")
    elif action == "accept":
        message = accepted_message(await service.accept_handover(user, shift_id, settings=settings))
    elif action == "decline":
        await service.decline_handover(user, shift_id, settings=settings)
        message = _("You declined the place; the person who offered it is told.")
    else:
        raise InvalidInput(_("Choose from the list."), field="action")
    target = "/shifts/mine" if data.get("next") == "mine" else f"/shifts/{shift_id}"
    return flash(request, see_other(target), message, "success")


async def decide(request: Request) -> Response:
    decision = str((await request.form()).get("decision", ""))
    user, settings = viewer(request), settings_of(request)
    if decision == "approve":
        done = await service.approve_handover(user, path_id(request), settings=settings)
        message = _("Approved: the place has changed hands and both are told.")
    elif decision == "reject":
        done = await service.reject_handover(user, path_id(request), settings=settings)
        message = _("Declined: the place stays where it was and both are told.")
    else:
        raise InvalidInput(_("Choose from the list."), field="decision")
    return flash(request, see_other(f"/shifts/{done.shift_id}/roster"), message, "success")


def routes() -> list[BaseRoute]:
    post = ("POST",)
    return [
        page(
            "/shifts/handovers/{id}/decide",
            decide,
            cap=Cap.MANAGE,
            name="shifts:handover_decide",
            methods=post,
        ),
        page(
            "/shifts/{id}/handover",
            handover,
            cap=Cap.SIGNED_IN,
            name="shifts:handover",
            methods=post,
        ),
    ]
