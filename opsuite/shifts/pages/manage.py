"""Coordinators' pages: opportunities, new and edited shifts and series, rosters, attendance,
messages, cancelling, hours approval and a program's waitlist policy."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, InvalidInput, NotFound
from opsuite.people.models import Program
from opsuite.people.service import active_people_choices, get_person
from opsuite.shifts import (
    eligibility,
    forms,
    hours,
    listing,
    notices,
    planning,
    recurrence,
    service,
)
from opsuite.shifts.access import (
    authorize_manage_program,
    authorize_see_opportunity,
    can_manage_program,
)
from opsuite.shifts.models import Attendance, SignUp
from opsuite.shifts.pages.certificates import coordinator_form
from opsuite.shifts.pages.volunteer import status_labels
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form, parse_date
from opsuite.web.http import pager, path_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render

GET_POST = ("GET", "POST")
POST = ("POST",)


async def opportunities(request: Request) -> Response:
    offset, limit = page_params(request)
    items, total = await planning.opportunities_page(
        request.state.user, program_id=None, offset=offset, limit=limit
    )
    return render(
        request, "shifts/opportunities.html", {"items": items, **pager(total, offset, limit)}
    )


async def opportunity_detail(request: Request) -> Response:
    opportunity = await planning.get_opportunity(path_id(request))
    await authorize_see_opportunity(request.state.user, opportunity)
    offset, limit = page_params(request)
    cards, total = await listing.open_shifts(
        request.state.user,
        listing.ShiftFilters(opportunity_id=opportunity.id),
        offset=offset,
        limit=limit,
    )
    return render(
        request,
        "shifts/opportunity.html",
        {
            "opportunity": opportunity,
            "cards": cards,
            **pager(total, offset, limit),
            "is_coordinator": await can_manage_program(request.state.user, opportunity.program_id),
            "requirements": await eligibility.missing_for(
                request.state.user, opportunity.program_id
            ),
        },
    )


async def opportunity_form(request: Request) -> Response:
    user = viewer(request)
    existing = (
        await planning.get_opportunity(path_id(request)) if "id" in request.path_params else None
    )
    if existing is not None:
        await authorize_manage_program(user, existing.program_id)
    fields = forms.opportunity_fields(await forms.managed_choices(user))
    context: dict[str, Any] = {"opportunity": existing}
    if request.method == "GET":
        initial = forms.opportunity_initial(existing) if existing else {}
        return render(
            request,
            "shifts/opportunity_form.html",
            {**context, "form": Form.blank(fields, initial)},
        )
    form = Form.bind(fields, await request.form())
    if form.is_valid:
        data = forms.opportunity_input(form.cleaned)
        try:
            if existing is None:
                saved = await planning.create_opportunity(
                    user, int(form.cleaned["program_id"]), data
                )
            else:
                saved = await planning.update_opportunity(user, existing, data)
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return flash(request, see_other(f"/opportunities/{saved.id}"), _("Saved."), "success")
    return render(request, "shifts/opportunity_form.html", {**context, "form": form}, status=400)


def _rule(cleaned: dict[str, Any]) -> str | None:
    repeat = cleaned.get("repeat") or ""
    if not repeat:
        return None
    until = parse_date(cleaned.get("until") or "")
    if until is None:
        raise FieldErrors({"until": _("Say until when the series repeats.")})
    day = parse_date(cleaned["day"])
    if repeat in ("weekly", "biweekly") and day is not None:
        return recurrence.weekly_rule([day.weekday()], until, 2 if repeat == "biweekly" else 1)
    return recurrence.simple_rule(repeat.upper(), until)


async def shift_new(request: Request) -> Response:
    user = viewer(request)
    opportunity = await planning.get_opportunity(path_id(request))
    await authorize_manage_program(user, opportunity.program_id)
    fields = forms.shift_fields(await active_people_choices())
    context: dict[str, Any] = {"opportunity": opportunity}
    if request.method == "GET":
        initial = {"timezone": str(request.state.timezone), "capacity": "10", "repeat": ""}
        return render(
            request, "shifts/shift_form.html", {**context, "form": Form.blank(fields, initial)}
        )
    form = Form.bind(fields, await request.form())
    if form.is_valid:
        try:
            data = forms.shift_input(form.cleaned)
            rule = _rule(form.cleaned)
            if rule is None:
                shift = await planning.create_shift(user, opportunity, data)
                target = f"/shifts/{shift.id}"
            else:
                await planning.create_series(user, opportunity, data, rule=rule)
                target = f"/opportunities/{opportunity.id}"
        except FieldErrors as exc:
            form.absorb(exc)
            if "rrule" in exc.errors:
                form.add_error("until", exc.errors["rrule"])
        else:
            return flash(request, see_other(target), _("Saved."), "success")
    return render(request, "shifts/shift_form.html", {**context, "form": form}, status=400)


async def shift_edit(request: Request) -> Response:
    user = viewer(request)
    shift = await planning.get_shift(path_id(request))
    await authorize_manage_program(user, shift.opportunity.program_id)
    fields = forms.edit_fields(await active_people_choices())
    context: dict[str, Any] = {"shift": shift}
    if request.method == "GET":
        form = Form.blank(fields, forms.edit_initial(shift))
        return render(request, "shifts/shift_edit.html", {**context, "form": form})
    form = Form.bind(fields, await request.form())
    if form.is_valid:
        try:
            await planning.update_shift(
                user,
                shift,
                forms.shift_input(form.cleaned),
                scope=planning.EditScope(form.cleaned["scope"]),
                settings=settings_of(request),
            )
        except FieldErrors as exc:
            form.absorb(exc)
        except Conflict as exc:
            form.add_error(exc.field or "capacity", exc.message)
        else:
            message = _("Saved.")
            names = await planning.double_booked(await planning.get_shift(shift.id))
            if names:
                message += " " + _(
                    "At the new time these people also hold another shift: %(names)s. They "
                    "have been told by email.",
                    names=", ".join(names),
                )
            return flash(request, see_other(f"/shifts/{shift.id}"), message, "success")
    return render(request, "shifts/shift_edit.html", {**context, "form": form}, status=400)


async def _roster_page(request: Request, forms_in: dict[str, Form], status: int = 200) -> Response:
    user = viewer(request)
    shift = await planning.get_shift(path_id(request))
    roster = await listing.roster(user, shift)
    people = await active_people_choices()
    return render(
        request,
        "shifts/roster.html",
        {
            "shift": shift,
            "roster": roster,
            "log": await notices.shift_delivery_log(shift),
            "awaiting": await service.awaiting_approval(shift.id),
            "records": await service.attendance_records(
                [e.signup.volunteer_id for e in (*roster.confirmed, *roster.queue)]
            ),
            "add_form": forms_in.get("add") or Form.blank(forms.add_person_fields(people)),
            "message_form": forms_in.get("message") or Form.blank(forms.MESSAGE),
            "cancel_form": forms_in.get("cancel") or Form.blank(forms.CANCEL_SHIFT),
            "attendance_choices": forms.attendance_choices(),
            "labels": status_labels(),
        },
        status=status,
    )


async def roster(request: Request) -> Response:
    return await _roster_page(request, {})


def _to_roster(request: Request, message: str) -> Response:
    return flash(request, see_other(f"/shifts/{path_id(request)}/roster"), message, "success")


async def roster_add(request: Request) -> Response:
    user = viewer(request)
    form = Form.bind(forms.add_person_fields(await active_people_choices()), await request.form())
    if form.is_valid:
        person = await get_person(int(form.cleaned["user_id"]))
        try:
            await service.add_to_shift(
                user,
                path_id(request),
                person,
                settings=settings_of(request),
                override_skills=form.cleaned["override_skills"],
            )
        except (Conflict, InvalidInput) as exc:
            form.add_error("user_id", exc.message)
        else:
            return _to_roster(request, _("%(name)s is on the shift.", name=person.name))
    return await _roster_page(request, {"add": form}, status=400)


async def roster_remove(request: Request) -> Response:
    await service.remove_from_shift(
        viewer(request),
        path_id(request),
        path_id(request, "signup_id"),
        settings=settings_of(request),
    )
    return _to_roster(request, _("Removed from the shift."))


async def attendance(request: Request) -> Response:
    form = Form.bind(forms.ATTENDANCE, await request.form())
    form.raise_if_invalid()
    signup_id = path_id(request, "signup_id")
    if not await SignUp.filter(id=signup_id, shift_id=path_id(request)).exists():
        raise InvalidInput(_("That person is not on this shift."))
    await hours.mark_attendance(viewer(request), signup_id, Attendance(form.cleaned["attendance"]))
    return _to_roster(request, _("Attendance saved."))


async def message(request: Request) -> Response:
    shift = await planning.get_shift(path_id(request))
    form = Form.bind(forms.MESSAGE, await request.form())
    if form.is_valid:
        try:
            count = await planning.message_shift(
                viewer(request),
                shift,
                subject=form.cleaned["subject"],
                body=form.cleaned["body"],
                settings=settings_of(request),
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return _to_roster(request, _("Message sent to %(n)s people.", n=count))
    return await _roster_page(request, {"message": form}, status=400)


async def cancel_shift(request: Request) -> Response:
    shift = await planning.get_shift(path_id(request))
    form = Form.bind(forms.CANCEL_SHIFT, await request.form())
    if form.is_valid:
        try:
            await planning.cancel_shift(
                viewer(request), shift, reason=form.cleaned["reason"], settings=settings_of(request)
            )
        except (FieldErrors, Conflict) as exc:
            form.add_error("reason", exc.message)
        else:
            return _to_roster(request, _("The shift is cancelled; everyone on it is told."))
    return await _roster_page(request, {"cancel": form}, status=400)


async def hours_page(request: Request) -> Response:
    user = viewer(request)
    programs = await planning.managed_programs(user)
    offset, limit = page_params(request)
    pending, total = await hours.pending_hours_page(user, offset=offset, limit=limit)
    totals = await hours.totals(program_ids=[p.id for p in programs])
    totals_offset, totals_limit = page_params(request, "totals_page")
    return render(
        request,
        "shifts/hours.html",
        {
            "pending": pending,
            **pager(total, offset, limit),
            "totals": totals[totals_offset : totals_offset + totals_limit],
            "totals_pager": pager(len(totals), totals_offset, totals_limit),
            "form": Form.blank(forms.CORRECT_HOURS),
            "certificate_form": await coordinator_form(user),
        },
    )


async def hours_decide(request: Request) -> Response:
    decision = str((await request.form()).get("decision", ""))
    if decision not in ("approve", "reject"):
        raise InvalidInput(_("Choose from the list."), field="decision")
    await hours.decide_hours(viewer(request), path_id(request), approve=decision == "approve")
    message = _("Hours approved.") if decision == "approve" else _("Hours not approved.")
    return flash(request, see_other("/shifts/hours"), message, "success")


async def hours_correct(request: Request) -> Response:
    form = Form.bind(forms.CORRECT_HOURS, await request.form())
    form.raise_if_invalid()
    await hours.correct_hours(
        viewer(request),
        path_id(request),
        minutes=form.cleaned["minutes"],
        note=form.cleaned["note"],
    )
    return flash(request, see_other("/shifts/hours"), _("Hours corrected."), "success")


async def policy(request: Request) -> Response:
    program = await Program.get_or_none(id=path_id(request))
    if program is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    await authorize_manage_program(viewer(request), program.id)
    current = await service.policy_for(program.id)
    if request.method == "GET":
        form = Form.blank(forms.POLICY, forms.policy_initial(current))
        return render(request, "shifts/policy.html", {"program": program, "form": form})
    form = Form.bind(forms.POLICY, await request.form())
    if form.is_valid:
        try:
            await service.set_policy(
                viewer(request), program.id, **{f.name: form.cleaned[f.name] for f in forms.POLICY}
            )
        except InvalidInput as exc:
            form.add_error(exc.field or "offer_hours", exc.message)
        else:
            target = f"/shifts/programs/{program.id}/policy"
            return flash(request, see_other(target), _("Saved."), "success")
    return render(request, "shifts/policy.html", {"program": program, "form": form}, status=400)


def routes() -> list[BaseRoute]:
    manage = Cap.MANAGE
    return [
        page("/shifts/hours", hours_page, cap=manage, name="shifts:hours"),
        page(
            "/shifts/hours/{id}/decide",
            hours_decide,
            cap=manage,
            name="shifts:hours_decide",
            methods=POST,
        ),
        page(
            "/shifts/hours/{id}/correct",
            hours_correct,
            cap=manage,
            name="shifts:hours_correct",
            methods=POST,
        ),
        page(
            "/shifts/programs/{id}/policy",
            policy,
            cap=manage,
            name="shifts:policy",
            methods=GET_POST,
        ),
        page("/shifts/{id}/roster", roster, cap=manage, name="shifts:roster"),
        page(
            "/shifts/{id}/roster/add",
            roster_add,
            cap=manage,
            name="shifts:roster_add",
            methods=POST,
        ),
        page(
            "/shifts/{id}/roster/{signup_id}/remove",
            roster_remove,
            cap=manage,
            name="shifts:roster_remove",
            methods=POST,
        ),
        page(
            "/shifts/{id}/roster/{signup_id}/attendance",
            attendance,
            cap=manage,
            name="shifts:attendance",
            methods=POST,
        ),
        page("/shifts/{id}/message", message, cap=manage, name="shifts:message", methods=POST),
        page(
            "/shifts/{id}/cancel-shift",
            cancel_shift,
            cap=manage,
            name="shifts:cancel_shift",
            methods=POST,
        ),
        page("/shifts/{id}/edit", shift_edit, cap=manage, name="shifts:edit", methods=GET_POST),
        page("/opportunities", opportunities, cap=Cap.PUBLIC, name="shifts:opportunities"),
        page(
            "/opportunities/new",
            opportunity_form,
            cap=manage,
            name="shifts:opportunity_new",
            methods=GET_POST,
        ),
        page(
            "/opportunities/{id}",
            opportunity_detail,
            cap=Cap.PUBLIC,
            name="shifts:opportunity",
        ),
        page(
            "/opportunities/{id}/edit",
            opportunity_form,
            cap=manage,
            name="shifts:opportunity_edit",
            methods=GET_POST,
        ),
        page(
            "/opportunities/{id}/shifts/new",
            shift_new,
            cap=manage,
            name="shifts:shift_new",
            methods=GET_POST,
        ),
    ]
