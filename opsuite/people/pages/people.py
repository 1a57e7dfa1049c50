"""The people directory: list, invite, profile, edit, deactivate (HTML and JSON)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import Role, User
from opsuite.auth.permissions import (
    assignable_roles,
    authorize,
    is_admin,
    offered_roles,
    role_allows,
)
from opsuite.auth.schemas import user_json
from opsuite.auth.twofactor import has_two_factor
from opsuite.caps import Cap
from opsuite.errors import FieldErrors
from opsuite.people import forms, schemas
from opsuite.people import service as people
from opsuite.web.api import form_data_from_json, json_body, page_params, paginated
from opsuite.web.context import flash
from opsuite.web.forms import Field, Form
from opsuite.web.http import (
    pager,
    path_id,
    pop_active_flag,
    query_flag,
    query_id,
    see_other,
    settings_of,
    viewer,
)
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api, page
from opsuite.web.templating import render


def _detail_url(person: User) -> str:
    return f"/people/{person.id}"


def _person_initial(person: User) -> dict[str, Any]:
    return {
        "name": person.name,
        "role": str(person.role),
        "timezone": person.timezone,
        "locale": person.locale,
        "phone": person.phone,
        "skills": list(person.skills),
    }


async def _invite_fields(user: User, roles: list[Role]) -> tuple[Field, ...]:
    teams = await people.teams_run_by(user)
    return forms.invite_fields(roles, [(str(t.id), t.name) for t in teams])


def _invite_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    values = dict(cleaned)
    values["team_id"] = int(values["team_id"]) if values.get("team_id") else None
    return values


def _list_filters(request: Request) -> dict[str, Any]:
    return {
        "query": request.query_params.get("q", "")[:100],
        "role": request.query_params.get("role", "").strip() or None,
        "team_id": query_id(request, "team"),
        "include_inactive": query_flag(request, "inactive"),
    }


# --- pages --------------------------------------------------------------------------------------


async def people_list(request: Request) -> Response:
    offset, limit = page_params(request)
    filters = _list_filters(request)
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
    fields = await _invite_fields(user, assignable_roles(user))
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
                user, **_invite_values(form.cleaned), settings=settings
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
        form = Form.blank(fields, _person_initial(person))
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


# --- JSON API -----------------------------------------------------------------------------------


async def api_people(request: Request) -> Response:
    user = viewer(request)
    if request.method == "POST":
        await authorize(user, Cap.MANAGE)
        body = await json_body(request)
        if body.get("team_id") is None:
            body.pop("team_id", None)
        fields = await _invite_fields(user, list(Role))
        form = Form.bind(fields, form_data_from_json(fields, body, {}))
        form.raise_if_invalid()
        person = await people.invite_person(
            user, **_invite_values(form.cleaned), settings=settings_of(request)
        )
        detail = await people.get_person_detail(person)
        return JSONResponse(schemas.person_json(detail, private=True), status_code=201)
    offset, limit = page_params(request)
    filters = {**_list_filters(request), "team_id": query_id(request, "team_id")}
    rows, total = await people.list_people(user, **filters, offset=offset, limit=limit)
    return paginated([user_json(p, private=True) for p in rows], total, offset, limit)


async def api_person(request: Request) -> Response:
    user = viewer(request)
    person = await people.get_person(path_id(request))
    if request.method == "PATCH":
        body = await json_body(request)
        await people.authorize_edit(user, person)
        changes = _person_changes(person, body)
        await people.update_person(user, person, **changes)
    await authorize(user, Cap.VIEW, person)
    detail = await people.get_person_detail(person)
    private = person.id == user.id or role_allows(user, Cap.STAFF)
    return JSONResponse(schemas.person_json(detail, private=private))


def _person_changes(person: User, body: dict[str, Any]) -> dict[str, Any]:
    """The fields a PATCH names, validated by the same form as the edit page."""
    changes: dict[str, Any] = {}
    active = pop_active_flag(body)
    if active is not None:
        changes["is_active"] = active
    fields = forms.person_fields(list(Role))
    form = Form.bind(fields, form_data_from_json(fields, body, _person_initial(person)))
    form.raise_if_invalid()
    changes.update({name: form.cleaned[name] for name in body})
    return changes


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
        api(
            "/api/v1/people",
            api_people,
            cap=Cap.STAFF,
            name="api:people",
            methods=get_post,
            doc=ApiDoc(
                "The people directory (staff and up); POST invites someone (managers and up)",
                request=schemas.INVITE_REQUEST,
                response=schemas.PERSON,
                params=(
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {"name": "role", "in": "query", "schema": schemas.ROLE},
                    {"name": "team_id", "in": "query", "schema": {"type": "integer"}},
                    {"name": "inactive", "in": "query", "schema": {"type": "boolean"}},
                ),
                paginated=True,
            ),
        ),
        api(
            "/api/v1/people/{id}",
            api_person,
            cap=Cap.SIGNED_IN,
            name="api:person",
            methods=("GET", "PATCH"),
            doc=ApiDoc(
                "One person (staff and up, or themself); PATCH edits (managers and up)",
                request=schemas.PERSON_PATCH,
                response=schemas.PERSON,
            ),
        ),
    ]
