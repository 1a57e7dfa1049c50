"""The JSON API of a place handed to a named volunteer (who accepts or declines), the
coordinator's approval of hand-overs and swaps, and the program's policy for all of it (taking
a waitlist offer and swaps are in ``core``). The same services as the pages."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound
from opsuite.people.models import Program
from opsuite.shifts import forms, planning, service
from opsuite.shifts.access import authorize_manage_program, authorize_see_opportunity
from opsuite.shifts.models import ACTIVE_STATUSES, SignUp
from opsuite.shifts.schemas import (
    Handover,
    HandoverDecideInput,
    PlaceState,
    ShiftHandoverInput,
    ShiftPolicy,
    ShiftPolicyInput,
    handover_json,
    policy_json,
    signup_json,
)
from opsuite.web.api import form_data_from_json, typed_body
from opsuite.web.forms import Form
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api


async def _state(user: User, shift_id: int) -> dict[str, Any]:
    """Where the caller's place on the shift stands: their sign-up, a swap or hand-over they
    offered, a place offered to them."""
    mine = await SignUp.get_or_none(
        shift_id=shift_id, volunteer_id=user.id, status__in=ACTIVE_STATUSES
    )
    given = await service.open_handover_of(shift_id, user.id)
    offered = await service.open_handover_for(shift_id, user.id)
    return {
        "signup": signup_json(mine, await service.waitlist_position(mine)) if mine else None,
        "swap_offered": bool(mine and mine.swap_offered_at),
        "given": handover_json(given) if given else None,
        "offered_to_me": handover_json(offered) if offered else None,
    }


async def api_handover(request: Request) -> Response:
    user, shift_id, settings = viewer(request), path_id(request), settings_of(request)
    if request.method == "GET":
        shift = await planning.get_shift(shift_id)
        await authorize_see_opportunity(user, shift.opportunity)
        state = await _state(user, shift_id)
        candidates = await service.handover_candidates(user, shift_id)
        state["candidates"] = [{"id": c.id, "name": c.name} for c in candidates]
        return JSONResponse(state)
    body = await typed_body(request, ShiftHandoverInput)
    action = body.get("action")
    if action == "offer":
        recipient = body.get("recipient_id")
        if not isinstance(recipient, int) or isinstance(recipient, bool) or recipient <= 0:
            raise InvalidInput(_("Choose from the list."), field="recipient_id")
        await service.offer_handover(user, shift_id, recipient, settings=settings)
    elif action == "withdraw":
        await service.withdraw_handover(user, shift_id, settings=settings)
    elif action == "accept":
        await service.accept_handover(user, shift_id, settings=settings)
    elif action == "decline":
        await service.decline_handover(user, shift_id, settings=settings)
    else:
        raise InvalidInput(_("Choose from the list."), field="action")
    return JSONResponse(await _state(user, shift_id))


async def api_decide(request: Request) -> Response:
    approve = (await typed_body(request, HandoverDecideInput))["approve"]
    decide = service.approve_handover if approve else service.reject_handover
    done = await decide(viewer(request), path_id(request), settings=settings_of(request))
    return JSONResponse(handover_json(done))


async def api_policy(request: Request) -> Response:
    program = await Program.get_or_none(id=path_id(request))
    if program is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    await authorize_manage_program(viewer(request), program.id)
    policy = await service.policy_for(program.id)
    if request.method == "PUT":
        body = await typed_body(request, ShiftPolicyInput)
        data = form_data_from_json(forms.POLICY, body, forms.policy_initial(policy))
        form = Form.bind(forms.POLICY, data)
        form.raise_if_invalid()
        policy = await service.set_policy(
            viewer(request), program.id, **{f.name: form.cleaned[f.name] for f in forms.POLICY}
        )
    return JSONResponse(policy_json(policy))


def routes() -> list[BaseRoute]:
    post = ("POST",)
    return [
        api(
            "/api/v1/shifts/{id}/handover",
            api_handover,
            cap=Cap.SIGNED_IN,
            name="api:shift_handover",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "Where the caller's place stands and whom they may hand it to (names only); "
                "POST offers it to one of them or withdraws the offer, or accepts or declines "
                "a place offered to the caller",
                request=ShiftHandoverInput,
                response=PlaceState,
            ),
        ),
        api(
            "/api/v1/handovers/{id}/decide",
            api_decide,
            cap=Cap.MANAGE,
            name="api:handover_decide",
            methods=post,
            doc=ApiDoc(
                "Approve ({approve: true}) or decline a swap or hand-over waiting for approval",
                request=HandoverDecideInput,
                response=Handover,
            ),
        ),
        api(
            "/api/v1/programs/{id}/shift-policy",
            api_policy,
            cap=Cap.MANAGE,
            name="api:shift_policy",
            methods=("GET", "PUT"),
            doc=ApiDoc(
                "How the program fills freed places and passes places between volunteers; PUT "
                "changes it",
                request=ShiftPolicyInput,
                response=ShiftPolicy,
            ),
        ),
    ]
