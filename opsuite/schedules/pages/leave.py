"""Leave pages: requesting leave with the balance it leaves, the approver's decision page
(balance and the team's cover on those days), a person's balances and own allowance (their
manager), and the organisation's leave policies (admins)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.auth.permissions import can
from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, InvalidInput
from opsuite.schedules import access, forms, service
from opsuite.schedules.balances import Balance
from opsuite.schedules.http import query_year, schedule_labels, viewer_today
from opsuite.schedules.models import TimeOff, TimeOffKind
from opsuite.schedules.service import YearCost
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import pager, path_id, see_other, settings_of, viewer
from opsuite.web.i18n import format_number
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


def left_words(balance: Balance) -> str:
    """ "16 of 20 days of vacation left in 2026", or what was taken of leave without an
    allowance."""
    kind = TimeOffKind.label_of(balance.kind)
    if not balance.has_allowance:
        return _(
            "%(kind)s: %(days)s days taken or asked for in %(year)s.",
            kind=kind,
            days=format_number(balance.taken + balance.pending),
            year=balance.year,
        )
    return _(
        "%(kind)s: %(left)s of %(total)s days left in %(year)s.",
        kind=kind,
        left=format_number(balance.left),
        total=format_number(balance.available),
        year=balance.year,
    )


def balance_context(balances: list[Balance]) -> dict[str, Any]:
    """What templates/schedules/_balances.html draws."""
    return {"balances": balances, "balance_words": {b.kind: left_words(b) for b in balances}}


def cost_words(cost: YearCost) -> str:
    """What a request takes and leaves of one year: "It takes 4 days: 16 of 20 days of
    vacation left in 2026 after it." """
    days = format_number(cost.days)
    if not cost.before.has_allowance:
        return _(
            "It takes %(days)s days in %(year)s; with it %(booked)s days of %(kind)s are "
            "taken or asked for.",
            days=days,
            year=cost.year,
            booked=format_number(cost.before.taken + cost.before.pending + cost.days),
            kind=TimeOffKind.label_of(cost.before.kind).lower(),
        )
    return _(
        "It takes %(days)s days: %(left)s of %(total)s days of %(kind)s left in %(year)s after it.",
        days=days,
        left=format_number(cost.left_after),
        total=format_number(cost.before.available),
        kind=TimeOffKind.label_of(cost.before.kind).lower(),
        year=cost.year,
    )


# --- requesting leave ---------------------------------------------------------------------------


async def _leave_page(
    request: Request, form: Form, *, checked: list[str] | None = None, status: int = 200
) -> Response:
    user = viewer(request)
    offset, limit = page_params(request)
    leave, total = await service.list_leave(user, offset=offset, limit=limit)
    today = viewer_today(request)
    context = {
        "form": form,
        "leave": leave,
        "today": today,
        **balance_context(await service.balances_for(user, today.year, on=today)),
        "checked": checked,
        **pager(total, offset, limit),
    }
    return render(request, "schedules/leave.html", {**context, **schedule_labels()}, status=status)


async def leave_request(request: Request) -> Response:
    if request.method == "GET":
        today = viewer_today(request).isoformat()
        initial = {"kind": "vacation", "start_date": today, "end_date": today}
        return await _leave_page(request, Form.blank(forms.LEAVE, initial))
    data = await request.form()
    form = Form.bind(forms.LEAVE, data)
    user = viewer(request)
    if form.is_valid:
        wanted = forms.leave_input(form.cleaned)
        try:
            if data.get("action") == "check":
                costs = await service.leave_cost(user, wanted)
                over = next((c for c in costs if c.exceeds), None)
                if over is not None:
                    form.add_error("end_date", service.over_balance_message(over))
                    return await _leave_page(request, form, status=400)
                return await _leave_page(request, form, checked=[cost_words(c) for c in costs])
            leave = await service.request_leave(user, wanted, settings=settings_of(request))
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            costs = await service.request_cost(
                user,
                wanted.kind,
                wanted.start_date,
                wanted.end_date,
                wanted.times,
                without=leave.id,
            )
            message = " ".join(
                [_("Your leave request is sent to your managers.")] + [cost_words(c) for c in costs]
            )
            return flash(request, see_other("/schedule/leave"), message, "success")
    return await _leave_page(request, form, status=400)


async def leave_cancel(request: Request) -> Response:
    leave = await service.get_leave(path_id(request))
    try:
        await service.withdraw_leave(viewer(request), leave)
    except Conflict as exc:
        return flash(request, see_other("/schedule/leave"), exc.message, "error")
    return flash(request, see_other("/schedule/leave"), _("Your request is cancelled."), "success")


# --- the approver's decision page ---------------------------------------------------------------


async def decision_context(user: User, leave: TimeOff) -> dict[str, Any]:
    """The balance a request leaves and the cover of each of the requester's teams the
    approver may see, for the decision page."""
    everyone = await can(user, Cap.ADMIN, user)
    teams = [
        t for t in await service.teams_of(leave.user) if everyone or await can(user, Cap.MANAGE, t)
    ]
    costs = (await service.costs_of_requests([leave]))[leave.id]
    return {
        "t": leave,
        "costs": [(c, cost_words(c)) for c in costs],
        "covers": [await service.team_cover(leave, team) for team in teams],
        "blank": Form.blank(forms.DECISION),
        "failed": None,
        **schedule_labels(),
    }


async def leave_decision_page(request: Request) -> Response:
    user = viewer(request)
    leave = await service.get_leave(path_id(request))
    await access.authorize_decision(user, leave.user)
    return render(request, "schedules/decision.html", await decision_context(user, leave))


# --- a person's balances and own allowance (their manager) --------------------------------------


async def person_leave(request: Request) -> Response:
    user = viewer(request)
    person = await service.get_person(path_id(request))
    await access.authorize_manage_person(user, person)
    today = service.local_today(person)
    year = query_year(request, today.year)
    status = 200
    own = await service.list_allowances(person, year)
    if request.method == "GET":
        kind = request.query_params.get("kind", "vacation")
        row = own.get(kind)
        initial = {
            "kind": kind,
            "year": str(year),
            "days": forms.number_text(row.days) if row else "",
            "carried_over": forms.number_text(row.carried_over) if row else "",
        }
        form = Form.blank(forms.ALLOWANCE, initial)
    else:
        form = Form.bind(forms.ALLOWANCE, await request.form())
        if form.is_valid:
            try:
                data = forms.allowance_input(form.cleaned)
                await service.set_allowance(user, person, data)
            except FieldErrors as exc:
                form.absorb(exc)
            else:
                url = f"/schedule/people/{person.id}/leave?year={data.year}"
                message = _("The leave allowance of %(name)s is saved.", name=person.name)
                return flash(request, see_other(url), message, "success")
        status = 400
    context = {
        "person": person,
        "year": year,
        "form": form,
        "own": own,
        **balance_context(await service.balances_for(person, year, on=today)),
        **schedule_labels(),
    }
    return render(request, "schedules/person_leave.html", context, status=status)


# --- the organisation's leave policies (admins) -------------------------------------------------


async def leave_policies(request: Request) -> Response:
    policies = await service.list_policies()
    status = 200
    if request.method == "GET":
        kind = request.query_params.get("kind", "vacation")
        if kind not in {k.value for k in TimeOffKind}:
            raise InvalidInput(_("Choose vacation, sick or other."), field="kind")
        initial = forms.policy_initial(
            policies.get(kind), kind=kind, year=viewer_today(request).year
        )
        form = Form.blank(forms.POLICY, initial)
    else:
        form = Form.bind(forms.POLICY, await request.form())
        if form.is_valid:
            try:
                data = forms.policy_input(form.cleaned)
                await service.set_policy(viewer(request), data)
            except FieldErrors as exc:
                form.absorb(exc)
            else:
                message = _(
                    "The rules for %(kind)s are saved.",
                    kind=TimeOffKind.label_of(data.kind).lower(),
                )
                return flash(request, see_other("/schedule/leave-policies"), message, "success")
        status = 400
    context = {
        "form": form,
        "policies": [(k.value, k.label, policies.get(k.value)) for k in TimeOffKind],
        **schedule_labels(),
    }
    return render(request, "schedules/leave_policies.html", context, status=status)


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    return [
        page(
            "/schedule/leave",
            leave_request,
            cap=Cap.STAFF,
            name="schedules:leave",
            methods=get_post,
        ),
        page(
            "/schedule/leave/{id}/cancel",
            leave_cancel,
            cap=Cap.STAFF,
            name="schedules:leave_cancel",
            methods=("POST",),
        ),
        page(
            "/schedule/approvals/leave/{id}",
            leave_decision_page,
            cap=Cap.MANAGE,
            name="schedules:leave_decision",
        ),
        page(
            "/schedule/people/{id}/leave",
            person_leave,
            cap=Cap.MANAGE,
            name="schedules:person_leave",
            methods=get_post,
        ),
        page(
            "/schedule/leave-policies",
            leave_policies,
            cap=Cap.ADMIN,
            name="schedules:leave_policies",
            methods=get_post,
        ),
    ]
