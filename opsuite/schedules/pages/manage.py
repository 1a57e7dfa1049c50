"""Managers' and admins' schedule pages: the arrangement editor (and staff's own proposals),
one-off exceptions, approvals of leave and proposals, offices and their holidays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.auth.permissions import can
from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, InvalidInput
from opsuite.schedules import access, forms, service
from opsuite.schedules.calendar import Day, split_days
from opsuite.schedules.expansion import PersonInputs, expand_person
from opsuite.schedules.http import schedule_labels, viewer_today, viewer_zone
from opsuite.schedules.models import ArrangementStatus, Office
from opsuite.schedules.pages.leave import cost_words
from opsuite.schedules.service import ArrangementInput
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import pager, path_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render

MAX_UPLOAD_BYTES = 1_000_000
PREVIEW_DAYS = 14


class UploadTooLargeError(InvalidInput):
    status = 413


# --- the arrangement editor ---------------------------------------------------------------------


def _preview(request: Request, data: ArrangementInput) -> list[Day]:
    """The next two weeks of an unsaved arrangement, in the viewer's zone."""
    first = max(viewer_today(request), data.valid_from)
    inputs = PersonInputs((service.input_to_pattern(data),))
    intervals = expand_person(inputs, first - timedelta(days=1), first + timedelta(days=15))
    return split_days(intervals, first, PREVIEW_DAYS, viewer_zone(request))


async def _editor(request: Request, person: User, *, proposing: bool) -> Response:
    offices = await service.list_offices()
    choices = [(str(o.id), o.name) for o in offices]
    fields = forms.arrangement_fields(lambda: choices)
    history = list(reversed(await service.arrangement_history(person)))
    context: dict[str, Any] = {
        "person": person,
        "proposing": proposing,
        "history": history,
        "offices": {o.id: o.name for o in offices},
        "office_choices": choices,
        "cells": forms.CELLS,
        "preview": None,
        **schedule_labels(),
    }
    if request.method == "GET":
        latest = next((a for a in history if a.status == ArrangementStatus.ACTIVE), None)
        today = service.local_today(person)
        initial = forms.arrangement_initial(latest, timezone=person.timezone, today=today)
        grid = forms.BlockGrid.blank(latest.blocks if latest else ())
        form = Form.blank(fields, initial)
        return render(
            request, "schedules/arrangement.html", {**context, "form": form, "grid": grid}
        )
    data = await request.form()
    form = Form.bind(fields, data)
    grid = forms.BlockGrid.bind(data, {o.id for o in offices})
    typed = forms.arrangement_input(form, grid)
    if typed is not None:
        try:
            if data.get("action") == "preview":
                service.validate_arrangement(typed)
                context["preview"] = _preview(request, typed)
            elif proposing:
                await service.propose_arrangement(person, typed)
                message = _("Your proposal is sent; a manager of your team will decide on it.")
                return flash(request, see_other("/schedule"), message, "success")
            else:
                await service.set_arrangement(viewer(request), person, typed)
                message = _("The arrangement of %(name)s is saved.", name=person.name)
                url = f"/schedule/people/{person.id}/arrangement"
                return flash(request, see_other(url), message, "success")
        except FieldErrors as exc:
            rest = grid.absorb(exc.errors)
            for name, text in rest.items():
                form.add_error(name, text)
    status = 200 if context["preview"] is not None else 400
    return render(
        request,
        "schedules/arrangement.html",
        {**context, "form": form, "grid": grid},
        status=status,
    )


async def arrangement_edit(request: Request) -> Response:
    person = await service.get_person(path_id(request))
    await access.authorize_manage_person(viewer(request), person)
    return await _editor(request, person, proposing=False)


async def arrangement_propose(request: Request) -> Response:
    return await _editor(request, viewer(request), proposing=True)


# --- exceptions ---------------------------------------------------------------------------------


async def exceptions_page(request: Request) -> Response:
    user = viewer(request)
    person = await service.get_person(path_id(request))
    await access.authorize_manage_person(user, person)
    offices = await service.list_offices()
    choices = [(str(o.id), o.name) for o in offices]
    fields = forms.exception_fields(lambda: choices)
    status = 200
    if request.method == "GET":
        today = service.local_today(person).isoformat()
        form = Form.blank(fields, {"day": today, "kind": "day_off"})
    else:
        form = Form.bind(fields, await request.form())
        if form.is_valid:
            try:
                await service.add_exception(user, person, **forms.exception_input(form.cleaned))
            except FieldErrors as exc:
                form.absorb(exc)
            else:
                url = f"/schedule/people/{person.id}/exceptions"
                return flash(request, see_other(url), _("The exception is saved."), "success")
        status = 400
    context = {
        "person": person,
        "form": form,
        "exceptions": await service.list_exceptions(person),
        "exception_kinds": dict(forms.exception_kind_choices()),
        **schedule_labels(),
    }
    return render(request, "schedules/exceptions.html", context, status=status)


# --- approvals ----------------------------------------------------------------------------------


async def _approvals_page(
    request: Request, *, failed: tuple[str, int, Form] | None = None, status: int = 200
) -> Response:
    user = viewer(request)
    everyone = await can(user, Cap.ADMIN, user)
    people = None if everyone else await service.people_managed_by(user)
    leave = [t for t in await service.pending_leave(people) if everyone or t.user.id != user.id]
    proposals = [
        a for a in await service.pending_proposals(people) if everyone or a.user.id != user.id
    ]
    # two lists that wait for decisions: each pages by a parameter of its own
    offset, limit = page_params(request)
    proposals_offset, proposals_limit = page_params(request, "proposals_page")
    shown = leave[offset : offset + limit]
    costs = await service.costs_of_requests(shown)
    context = {
        "leave": shown,
        "costs": {i: [cost_words(c) for c in cs] for i, cs in costs.items()},
        "leave_pager": pager(len(leave), offset, limit),
        "proposals": proposals[proposals_offset : proposals_offset + proposals_limit],
        "proposals_pager": pager(len(proposals), proposals_offset, proposals_limit),
        "failed": failed,
        "blank": Form.blank(forms.DECISION),
        **schedule_labels(),
    }
    return render(request, "schedules/approvals.html", context, status=status)


async def approvals(request: Request) -> Response:
    return await _approvals_page(request)


def _decision(data: Any) -> bool:
    choice: object = data.get("decision")
    if choice not in ("approve", "reject"):
        raise InvalidInput(_("Choose approve or reject."), field="decision")
    return choice == "approve"


async def leave_decide(request: Request) -> Response:
    user = viewer(request)
    leave = await service.get_leave(path_id(request))
    await access.authorize_decision(user, leave.user)
    data = await request.form()
    approve = _decision(data)
    form = Form.bind(forms.DECISION, data)
    if not form.is_valid:
        return await _approvals_page(request, failed=("leave", leave.id, form), status=400)
    try:
        await service.decide_leave(
            user, leave, approve=approve, settings=settings_of(request), note=form.cleaned["note"]
        )
    except Conflict as exc:
        return flash(request, see_other("/schedule/approvals"), exc.message, "error")
    if approve:
        message = _("The leave of %(name)s is approved.", name=leave.user.name)
    else:
        message = _("The leave of %(name)s is not approved.", name=leave.user.name)
    return flash(request, see_other("/schedule/approvals"), message, "success")


async def proposal_decide(request: Request) -> Response:
    user = viewer(request)
    arrangement = await service.get_arrangement(path_id(request))
    await access.authorize_decision(user, arrangement.user)
    approve = _decision(await request.form())
    try:
        await service.decide_proposal(user, arrangement, approve=approve)
    except Conflict as exc:
        return flash(request, see_other("/schedule/approvals"), exc.message, "error")
    name = arrangement.user.name
    if approve:
        message = _("The new arrangement of %(name)s is in force.", name=name)
    else:
        message = _("The proposal of %(name)s is rejected.", name=name)
    return flash(request, see_other("/schedule/approvals"), message, "success")


# --- offices and holidays -----------------------------------------------------------------------


async def offices_page(request: Request) -> Response:
    status = 200
    if request.method == "GET":
        form = Form.blank(forms.OFFICE, {"timezone": str(request.state.timezone)})
    else:
        form = Form.bind(forms.OFFICE, await request.form())
        if form.is_valid:
            try:
                office = await service.create_office(viewer(request), **form.cleaned)
            except FieldErrors as exc:
                form.absorb(exc)
            else:
                message = _("The office %(name)s is added.", name=office.name)
                return flash(request, see_other("/schedule/offices"), message, "success")
        status = 400
    context = {"form": form, "offices": await service.list_offices()}
    return render(request, "schedules/offices.html", context, status=status)


async def _holidays_page(
    request: Request,
    office: Office,
    *,
    form: Form | None = None,
    upload_errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "office": office,
        "form": form or Form.blank(forms.HOLIDAY),
        "upload_errors": upload_errors or [],
        "holidays": await service.list_holidays(office),
        "max_upload_bytes": MAX_UPLOAD_BYTES,
    }
    return render(request, "schedules/holidays.html", context, status=status)


async def holidays_page(request: Request) -> Response:
    office = await service.get_office(path_id(request))
    if request.method == "GET":
        return await _holidays_page(request, office)
    form = Form.bind(forms.HOLIDAY, await request.form())
    if form.is_valid:
        day = forms.cleaned_date(form.cleaned, "date")
        await service.import_holidays(viewer(request), office, [(day, form.cleaned["name"])])
        url = f"/schedule/offices/{office.id}/holidays"
        return flash(request, see_other(url), _("The holiday is saved."), "success")
    return await _holidays_page(request, office, form=form, status=400)


async def _read_upload(request: Request) -> tuple[str, str]:
    """(file name, text) of the uploaded file. Raises InvalidInput naming ``file``."""
    too_large = _("The file is larger than 1 MB; split it into smaller files.")
    length = request.headers.get("content-length", "")
    form = await request.form()
    try:
        if length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 100_000:
            raise UploadTooLargeError(too_large, field="file")
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput(_("Choose a .csv or .ics file."), field="file")
        content = await upload.read(MAX_UPLOAD_BYTES + 1)
    finally:
        await form.close()  # the spooled temporary files
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadTooLargeError(too_large, field="file")
    try:
        return upload.filename, content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_("The file must be UTF-8 text."), field="file") from None


async def holidays_import(request: Request) -> Response:
    office = await service.get_office(path_id(request))
    try:
        name, text = await _read_upload(request)
    except InvalidInput as exc:
        return await _holidays_page(request, office, upload_errors=[exc.message], status=exc.status)
    rows, errors = service.read_holiday_file(text, name=name)
    if errors:
        return await _holidays_page(request, office, upload_errors=errors, status=400)
    result = await service.import_holidays(viewer(request), office, rows)
    message = _(
        "Imported %(added)s new holidays and updated %(updated)s.",
        added=result.added,
        updated=result.updated,
    )
    url = f"/schedule/offices/{office.id}/holidays"
    return flash(request, see_other(url), message, "success")


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    post = ("POST",)
    return [
        page(
            "/schedule/propose",
            arrangement_propose,
            cap=Cap.STAFF,
            name="schedules:propose",
            methods=get_post,
        ),
        page(
            "/schedule/people/{id}/arrangement",
            arrangement_edit,
            cap=Cap.MANAGE,
            name="schedules:arrangement",
            methods=get_post,
        ),
        page(
            "/schedule/people/{id}/exceptions",
            exceptions_page,
            cap=Cap.MANAGE,
            name="schedules:exceptions",
            methods=get_post,
        ),
        page("/schedule/approvals", approvals, cap=Cap.MANAGE, name="schedules:approvals"),
        page(
            "/schedule/approvals/leave/{id}",
            leave_decide,
            cap=Cap.MANAGE,
            name="schedules:leave_decide",
            methods=post,
        ),
        page(
            "/schedule/approvals/proposals/{id}",
            proposal_decide,
            cap=Cap.MANAGE,
            name="schedules:proposal_decide",
            methods=post,
        ),
        page(
            "/schedule/offices",
            offices_page,
            cap=Cap.ADMIN,
            name="schedules:offices",
            methods=get_post,
        ),
        page(
            "/schedule/offices/{id}/holidays",
            holidays_page,
            cap=Cap.ADMIN,
            name="schedules:holidays",
            methods=get_post,
        ),
        page(
            "/schedule/offices/{id}/holidays/import",
            holidays_import,
            cap=Cap.ADMIN,
            name="schedules:holidays_import",
            methods=post,
        ),
    ]
