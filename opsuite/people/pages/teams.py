"""Team pages: list, create, edit, members, deactivate (the teams API is in people/api.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.permissions import authorize, can, role_allows
from opsuite.caps import Cap
from opsuite.errors import FieldErrors
from opsuite.people import forms
from opsuite.people import service as people
from opsuite.people.models import Team
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import pager, path_id, query_flag, see_other, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


def _url(team: Team) -> str:
    return f"/teams/{team.id}"


async def teams_list(request: Request) -> Response:
    offset, limit = page_params(request)
    include_inactive = query_flag(request, "inactive")
    summaries, total = await people.list_teams(
        include_inactive=include_inactive, offset=offset, limit=limit
    )
    return render(
        request,
        "teams/list.html",
        {
            "summaries": summaries,
            "include_inactive": include_inactive,
            "can_create": role_allows(viewer(request), Cap.MANAGE),
            **pager(total, offset, limit),
        },
    )


async def team_new(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "teams/form.html", {"form": Form.blank(forms.TEAM), "team": None})
    form = Form.bind(forms.TEAM, await request.form())
    if form.is_valid:
        try:
            team = await people.create_team(viewer(request), **form.cleaned)
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("The team %(name)s is created; you run it.", name=team.name)
            return flash(request, see_other(_url(team)), message, "success")
    return render(request, "teams/form.html", {"form": form, "team": None}, status=400)


async def _detail_page(
    request: Request, team: Team, member_form: Form | None = None, status: int = 200
) -> Response:
    user = viewer(request)
    offset, limit = page_params(request)
    detail = await people.get_team_detail(team)
    can_manage = await can(user, Cap.MANAGE, team)
    if can_manage and member_form is None:
        choices = await people.active_people_choices()
        member_form = Form.blank(forms.member_fields(choices))
    return render(
        request,
        "teams/detail.html",
        {
            "detail": detail,
            "members": detail.members[offset : offset + limit],
            **pager(len(detail.members), offset, limit),
            "team": team,
            "can_manage": can_manage,
            "member_form": member_form,
        },
        status=status,
    )


async def team_detail(request: Request) -> Response:
    return await _detail_page(request, await people.get_team(path_id(request)))


async def team_edit(request: Request) -> Response:
    user = viewer(request)
    team = await people.get_team(path_id(request))
    await authorize(user, Cap.MANAGE, team)
    if request.method == "GET":
        form = Form.blank(forms.TEAM, forms.team_initial(team))
        return render(request, "teams/form.html", {"form": form, "team": team})
    form = Form.bind(forms.TEAM, await request.form())
    if form.is_valid:
        try:
            await people.update_team(user, team, **form.cleaned)
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return flash(request, see_other(_url(team)), _("The team is saved."), "success")
    return render(request, "teams/form.html", {"form": form, "team": team}, status=400)


async def team_member_add(request: Request) -> Response:
    user = viewer(request)
    team = await people.get_team(path_id(request))
    await authorize(user, Cap.MANAGE, team)
    form = Form.bind(
        forms.member_fields(await people.active_people_choices()), await request.form()
    )
    if form.is_valid:
        person = await people.get_person(int(form.cleaned["user_id"]))
        try:
            await people.add_team_member(user, team, person, is_manager=form.cleaned["is_manager"])
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("%(name)s is in the team.", name=person.name)
            return flash(request, see_other(_url(team)), message, "success")
    return await _detail_page(request, team, form, status=400)


async def team_member_remove(request: Request) -> Response:
    team = await people.get_team(path_id(request))
    person = await people.get_person(path_id(request, "user_id"))
    await people.remove_team_member(viewer(request), team, person)
    message = _("%(name)s is no longer in the team.", name=person.name)
    return flash(request, see_other(_url(team)), message, "success")


async def team_deactivate(request: Request) -> Response:
    team = await people.deactivate_team(viewer(request), await people.get_team(path_id(request)))
    message = _("The team is deactivated; its members and history are kept.")
    return flash(request, see_other(_url(team)), message, "success")


async def team_reactivate(request: Request) -> Response:
    team = await people.reactivate_team(viewer(request), await people.get_team(path_id(request)))
    return flash(request, see_other(_url(team)), _("The team is active again."), "success")


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    post = ("POST",)
    return [
        page("/teams", teams_list, cap=Cap.STAFF, name="teams:list"),
        page("/teams/new", team_new, cap=Cap.MANAGE, name="teams:new", methods=get_post),
        page("/teams/{id}", team_detail, cap=Cap.STAFF, name="teams:detail"),
        page("/teams/{id}/edit", team_edit, cap=Cap.MANAGE, name="teams:edit", methods=get_post),
        page(
            "/teams/{id}/members",
            team_member_add,
            cap=Cap.MANAGE,
            name="teams:member_add",
            methods=post,
        ),
        page(
            "/teams/{id}/members/{user_id}/remove",
            team_member_remove,
            cap=Cap.MANAGE,
            name="teams:member_remove",
            methods=post,
        ),
        page(
            "/teams/{id}/deactivate",
            team_deactivate,
            cap=Cap.MANAGE,
            name="teams:deactivate",
            methods=post,
        ),
        page(
            "/teams/{id}/reactivate",
            team_reactivate,
            cap=Cap.MANAGE,
            name="teams:reactivate",
            methods=post,
        ),
    ]
