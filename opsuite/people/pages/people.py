"""The people directory: list, invite, profile, edit, deactivate (its JSON is in people/api.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.models import Role, User
from opsuite.auth.permissions import (
    assignable_roles,
    authorize,
    is_admin,
    offered_roles,
    role_allows,
)
from opsuite.auth.twofactor import has_two_factor
from opsuite.caps import Cap
from opsuite.errors import FieldErrors
from opsuite.people import forms
from opsuite.people import service as people
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import (
    pager,
    path_id,
    see_other,
    settings_of,
    viewer,
)
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


def _detail_url(person: User) -> str:
    return f"/people/{person.id}"


async def people_list(request: Request) -> Response:
    offset, limit = page_params(request)
    filters = forms.list_filters(request)
    rows, total = await people.list_people(viewer(request), **filters, offset=offset, limit=limit)
    teams, _total = await people.list_teams(include_inactive=True, offset=0, limit=500)
    return render(
        request,
        "people/list.html",
        {
            "people": rows,
            "filters": filters,
            "teams": [s.team for s in teams],
            "roles": list(Role),
            "can_invite": role_allows(viewer(request), Cap.MANAGE),
            **pager(total, offset, limit),
        },
    )


async def invite(request: Request) -> Response:
    user, settings = viewer(request), settings_of(request)
    fields = await forms.invite_fields_for(user, assignable_roles(user))
    if request.method == "GET":
        initial = {
            "timezone": settings.i18n.default_timezone,
            "locale": settings.i18n.default_locale,
            "role": Role.VOLUNTEER.value,
            "team_id": request.query_params.get("team", ""),
        }
        return render(request, "people/invite.html", {"form": Form.blank(fields, initial)})
    form = Form.bind(fields, await request.form())
    if form.is_valid:
        try:
            person = await people.invite_person(
                user, **forms.invite_values(form.cleaned), settings=settings
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("%(name)s is invited; the email is on its way.", name=person.name)
            return flash(request, see_other(_detail_url(person)), message, "success")
    return render(request, "people/invite.html", {"form": form}, status=400)


async def person_detail(request: Request) -> Response:
    user = viewer(request)
    person = await people.get_person(path_id(request))
    await authorize(user, Cap.VIEW, person)
    return render(
        request,
        "people/detail.html",
        {
            "detail": await people.get_person_detail(person),
            "person": person,
            "show_contact": person.id == user.id or role_allows(user, Cap.STAFF),
            "can_edit": await people.can_edit_person(user, person),
            "can_deactivate": await people.can_deactivate_person(user, person),
            "invitation_pending": people.is_invitation_pending(person),
            "two_factor_on": is_admin(user) and await has_two_factor(person),
            "access_labels": people.ACCESS_LABELS,
            "link_people": role_allows(user, Cap.STAFF),
        },
    )


async def person_edit(request: Request) -> Response:
    user = viewer(request)
    person = await people.get_person(path_id(request))
    await people.authorize_edit(user, person)
    fields = forms.person_fields(offered_roles(user, person))
    context: dict[str, Any] = {"person": person}
    if request.method == "GET":
        form = Form.blank(fields, forms.person_initial(person))
        return render(request, "people/edit.html", {**context, "form": form})
    form = Form.bind(fields, await request.form())
    if form.is_valid:
        try:
            await people.update_person(user, person, **form.cleaned)
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("%(name)s's profile is saved.", name=person.name)
            return flash(request, see_other(_detail_url(person)), message, "success")
    return render(request, "people/edit.html", {**context, "form": form}, status=400)


async def person_deactivate(request: Request) -> Response:
    person = await people.get_person(path_id(request))
    await people.deactivate_person(viewer(request), person)
    message = _("%(name)s is deactivated and can no longer log in.", name=person.name)
    return flash(request, see_other(_detail_url(person)), message, "success")


async def person_reactivate(request: Request) -> Response:
    person = await people.get_person(path_id(request))
    await people.reactivate_person(viewer(request), person)
    message = _("%(name)s is active again and can log in.", name=person.name)
    return flash(request, see_other(_detail_url(person)), message, "success")


async def person_resend_invite(request: Request) -> Response:
    person = await people.get_person(path_id(request))
    await people.resend_invite(viewer(request), person, settings=settings_of(request))
    message = _("A new invitation is on its way to %(email)s.", email=person.email)
    return flash(request, see_other(_detail_url(person)), message, "success")


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    post = ("POST",)
    return [
        page("/people", people_list, cap=Cap.STAFF, name="people:list"),
        page("/people/invite", invite, cap=Cap.MANAGE, name="people:invite", methods=get_post),
        page("/people/{id}", person_detail, cap=Cap.SIGNED_IN, name="people:detail"),
        page(
            "/people/{id}/edit",
            person_edit,
            cap=Cap.MANAGE,
            name="people:edit",
            methods=get_post,
        ),
        page(
            "/people/{id}/deactivate",
            person_deactivate,
            cap=Cap.MANAGE,
            name="people:deactivate",
            methods=post,
        ),
        page(
            "/people/{id}/reactivate",
            person_reactivate,
            cap=Cap.MANAGE,
            name="people:reactivate",
            methods=post,
        ),
        page(
            "/people/{id}/invite",
            person_resend_invite,
            cap=Cap.MANAGE,
            name="people:resend_invite",
            methods=post,
        ),
    ]
