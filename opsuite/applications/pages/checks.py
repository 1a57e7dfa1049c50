"""Required checks: a program's managers define them (``/programs/{id}/checks``, also the list
of who has which and what expires soon), and a coordinator records them for one volunteer
(``/programs/{id}/checks/people/{user_id}``). JSON: ../api_checks.py."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.applications import forms
from opsuite.applications import service as applications
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, NotFound
from opsuite.people import service as people
from opsuite.people.models import Program
from opsuite.web.context import flash
from opsuite.web.forms import Form, parse_id
from opsuite.web.http import path_id, see_other, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


async def _program(request: Request) -> Program:
    """The program in the path, for those who run it (asked before any input is read)."""
    program = await people.get_program(path_id(request))
    await authorize(viewer(request), Cap.MANAGE, program)
    return program


def _person_id(request: Request) -> int:
    found = parse_id(request.path_params.get("user_id"))
    if found is None:
        raise NotFound(_("This person has not applied to this program."))
    return found


def _posted_check(data: Any) -> int:
    """The check a person's form is about. Raises FieldErrors when it names none."""
    found = parse_id(data.get("check_id"))
    if found is None:
        raise FieldErrors({"check_id": _("Choose a check.")})
    return found


async def _checks_page(
    request: Request, program: Program, form: Form | None = None, status: int = 200
) -> Response:
    user = viewer(request)
    return render(
        request,
        "applications/checks.html",
        {
            "program": program,
            "checks": await applications.list_checks(program.id),
            "form": form or Form.blank(forms.check_fields()),
            "people": await applications.overview(user, program),
            "expiring": await applications.expiring(user, program),
            "soon_days": applications.SOON.days,
        },
        status=status,
    )


async def checks_page(request: Request) -> Response:
    program = await _program(request)
    if request.method == "GET":
        return await _checks_page(request, program)
    form = Form.bind(forms.check_fields(), await request.form())
    if form.is_valid:
        try:
            check = await applications.add_check(
                viewer(request), program, name=form.cleaned["name"], expires=form.cleaned["expires"]
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("The check “%(name)s” is required from now on.", name=check.name)
            return flash(request, see_other(f"/programs/{program.id}/checks"), message, "success")
    return await _checks_page(request, program, form, status=400)


async def check_remove(request: Request) -> Response:
    program = await _program(request)
    check_id = path_id(request, "check_id")
    await applications.remove_check(viewer(request), program, check_id)
    message = _("The check is no longer required, and its records are removed.")
    return flash(request, see_other(f"/programs/{program.id}/checks"), message, "success")


async def _person_page(
    request: Request,
    program: Program,
    person_id: int,
    bound: tuple[int, Form] | None = None,
    status: int = 200,
) -> Response:
    person, states = await applications.person_checks(viewer(request), program, person_id)
    rows = []
    for state in states:
        if bound is not None and bound[0] == state.check.id:
            form = bound[1]
        else:
            found = state.record
            form = Form.blank(
                forms.record_fields(),
                {
                    "done_on": found.done_on.isoformat() if found else "",
                    "expires_on": found.expires_on.isoformat()
                    if found and found.expires_on
                    else "",
                    "note": found.note if found else "",
                },
            )
        rows.append((state, form))
    return render(
        request,
        "applications/person_checks.html",
        {"program": program, "person": person, "rows": rows},
        status=status,
    )


async def person_checks(request: Request) -> Response:
    program = await _program(request)
    person_id = _person_id(request)
    if request.method == "GET":
        return await _person_page(request, program, person_id)
    data = await request.form()
    check = await applications.get_check(program.id, _posted_check(data))
    form = Form.bind(forms.record_fields(), data)
    back = see_other(f"/programs/{program.id}/checks/people/{person_id}")
    if form.is_valid:
        try:
            await applications.record_check(
                viewer(request), program, check_id=check.id, volunteer_id=person_id,
                **forms.record_values(form.cleaned),
            )  # fmt: skip
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("“%(name)s” is recorded.", name=check.name)
            return flash(request, back, message, "success")
    return await _person_page(request, program, person_id, (check.id, form), status=400)


async def person_check_remove(request: Request) -> Response:
    program = await _program(request)
    person_id = _person_id(request)
    data = await request.form()
    await applications.remove_record(
        viewer(request), program, check_id=_posted_check(data), volunteer_id=person_id
    )
    message = _("The record is removed.")
    back = see_other(f"/programs/{program.id}/checks/people/{person_id}")
    return flash(request, back, message, "success")


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    post = ("POST",)
    return [
        page("/programs/{id}/checks", checks_page, cap=Cap.MANAGE, name="applications:checks",
             methods=get_post),
        page("/programs/{id}/checks/{check_id}/remove", check_remove, cap=Cap.MANAGE,
             name="applications:check_remove", methods=post),
        page("/programs/{id}/checks/people/{user_id}", person_checks, cap=Cap.MANAGE,
             name="applications:person_checks", methods=get_post),
        page("/programs/{id}/checks/people/{user_id}/remove", person_check_remove,
             cap=Cap.MANAGE, name="applications:person_check_remove", methods=post),
    ]  # fmt: skip
