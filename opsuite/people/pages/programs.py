"""Program pages: list, create, edit, who may run or see it, deactivate (JSON: people/api.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.permissions import authorize, can, role_allows
from opsuite.caps import Cap
from opsuite.errors import FieldErrors
from opsuite.people import forms
from opsuite.people import service as people
from opsuite.people.access import may_report_on
from opsuite.people.models import Program
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import pager, path_id, query_flag, see_other, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


def _url(program: Program) -> str:
    return f"/programs/{program.id}"


async def programs_list(request: Request) -> Response:
    offset, limit = page_params(request)
    include_inactive = query_flag(request, "inactive")
    summaries, total = await people.list_programs(
        viewer(request), include_inactive=include_inactive, offset=offset, limit=limit
    )
    return render(
        request,
        "programs/list.html",
        {
            "summaries": summaries,
            "include_inactive": include_inactive,
            "can_create": role_allows(viewer(request), Cap.MANAGE),
            **pager(total, offset, limit),
        },
    )


async def program_new(request: Request) -> Response:
    context: dict[str, Any] = {"program": None}
    if request.method == "GET":
        return render(request, "programs/form.html", {**context, "form": Form.blank(forms.PROGRAM)})
    form = Form.bind(forms.PROGRAM, await request.form())
    if form.is_valid:
        try:
            program = await people.create_program(viewer(request), **form.cleaned)
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("The program %(name)s is created; you run it.", name=program.name)
            return flash(request, see_other(_url(program)), message, "success")
    return render(request, "programs/form.html", {**context, "form": form}, status=400)


async def _detail_page(
    request: Request, program: Program, access_form: Form | None = None, status: int = 200
) -> Response:
    user = viewer(request)
    await authorize(user, Cap.VIEW, program)
    offset, limit = page_params(request)
    detail = await people.get_program_detail(program)
    can_manage = await can(user, Cap.MANAGE, program)
    if can_manage and access_form is None:
        choices = await people.active_people_choices()
        access_form = Form.blank(forms.access_fields(choices), {"access": "read"})
    return render(
        request,
        "programs/detail.html",
        {
            "detail": detail,
            "roles": detail.roles[offset : offset + limit],
            **pager(len(detail.roles), offset, limit),
            "program": program,
            "can_manage": can_manage,
            "may_report": await may_report_on(user, program),
            "access_form": access_form,
            "access_labels": people.ACCESS_LABELS,
            "link_people": role_allows(user, Cap.STAFF),
        },
        status=status,
    )


async def program_detail(request: Request) -> Response:
    return await _detail_page(request, await people.get_program(path_id(request)))


async def program_edit(request: Request) -> Response:
    user = viewer(request)
    program = await people.get_program(path_id(request))
    await authorize(user, Cap.MANAGE, program)
    context: dict[str, Any] = {"program": program}
    if request.method == "GET":
        form = Form.blank(forms.PROGRAM, forms.program_initial(program))
        return render(request, "programs/form.html", {**context, "form": form})
    form = Form.bind(forms.PROGRAM, await request.form())
    if form.is_valid:
        try:
            await people.update_program(user, program, **form.cleaned)
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return flash(request, see_other(_url(program)), _("The program is saved."), "success")
    return render(request, "programs/form.html", {**context, "form": form}, status=400)


async def program_access_grant(request: Request) -> Response:
    user = viewer(request)
    program = await people.get_program(path_id(request))
    await authorize(user, Cap.MANAGE, program)
    form = Form.bind(
        forms.access_fields(await people.active_people_choices()), await request.form()
    )
    if form.is_valid:
        person = await people.get_person(int(form.cleaned["user_id"]))
        try:
            await people.grant_program_access(user, program, person, access=form.cleaned["access"])
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("%(name)s now has access to the program.", name=person.name)
            return flash(request, see_other(_url(program)), message, "success")
    return await _detail_page(request, program, form, status=400)


async def program_access_revoke(request: Request) -> Response:
    program = await people.get_program(path_id(request))
    person = await people.get_person(path_id(request, "user_id"))
    await people.revoke_program_access(viewer(request), program, person)
    message = _("%(name)s no longer has access to the program.", name=person.name)
    return flash(request, see_other(_url(program)), message, "success")


async def program_deactivate(request: Request) -> Response:
    program = await people.get_program(path_id(request))
    await people.deactivate_program(viewer(request), program)
    message = _("The program is closed; its history is kept.")
    return flash(request, see_other(_url(program)), message, "success")


async def program_reactivate(request: Request) -> Response:
    program = await people.get_program(path_id(request))
    await people.reactivate_program(viewer(request), program)
    return flash(request, see_other(_url(program)), _("The program is open again."), "success")


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    post = ("POST",)
    return [
        page("/programs", programs_list, cap=Cap.SIGNED_IN, name="programs:list"),
        page("/programs/new", program_new, cap=Cap.MANAGE, name="programs:new", methods=get_post),
        page("/programs/{id}", program_detail, cap=Cap.SIGNED_IN, name="programs:detail"),
        page(
            "/programs/{id}/edit",
            program_edit,
            cap=Cap.MANAGE,
            name="programs:edit",
            methods=get_post,
        ),
        page(
            "/programs/{id}/access",
            program_access_grant,
            cap=Cap.MANAGE,
            name="programs:access_grant",
            methods=post,
        ),
        page(
            "/programs/{id}/access/{user_id}/remove",
            program_access_revoke,
            cap=Cap.MANAGE,
            name="programs:access_revoke",
            methods=post,
        ),
        page(
            "/programs/{id}/deactivate",
            program_deactivate,
            cap=Cap.MANAGE,
            name="programs:deactivate",
            methods=post,
        ),
        page(
            "/programs/{id}/reactivate",
            program_reactivate,
            cap=Cap.MANAGE,
            name="programs:reactivate",
            methods=post,
        ),
    ]
