"""The people JSON API under /api/v1/: the directory (people), teams and programs, validated by
the same forms as the pages (opsuite/people/forms.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import Role, User
from opsuite.auth.permissions import authorize, role_allows
from opsuite.auth.schemas import user_json
from opsuite.caps import Cap
from opsuite.people import forms, schemas
from opsuite.people import service as people
from opsuite.web.api import form_data_from_json, page_params, paginated, typed_body
from opsuite.web.forms import Field, Form
from opsuite.web.http import path_id, pop_active_flag, query_flag, query_id, settings_of, viewer
from opsuite.web.routing import ApiDoc, api

# --- people -------------------------------------------------------------------------------------


async def api_people(request: Request) -> Response:
    user = viewer(request)
    if request.method == "POST":
        await authorize(user, Cap.MANAGE)
        body = await typed_body(request, schemas.InviteRequest)
        if body.get("team_id") is None:
            body.pop("team_id", None)
        fields = await forms.invite_fields_for(user, list(Role))
        form = Form.bind(fields, form_data_from_json(fields, body, {}))
        form.raise_if_invalid()
        person = await people.invite_person(
            user, **forms.invite_values(form.cleaned), settings=settings_of(request)
        )
        detail = await people.get_person_detail(person)
        return JSONResponse(schemas.person_json(detail, private=True), status_code=201)
    offset, limit = page_params(request)
    filters = {**forms.list_filters(request), "team_id": query_id(request, "team_id")}
    rows, total = await people.list_people(user, **filters, offset=offset, limit=limit)
    return paginated([user_json(p, private=True) for p in rows], total, offset, limit)


async def api_person(request: Request) -> Response:
    user = viewer(request)
    person = await people.get_person(path_id(request))
    if request.method == "PATCH":
        body = await typed_body(request, schemas.PersonPatch)
        await people.authorize_edit(user, person)
        changes = _person_changes(person, body)
        await people.update_person(user, person, **changes)
    await authorize(user, Cap.VIEW, person)
    detail = await people.get_person_detail(person)
    private = person.id == user.id or role_allows(user, Cap.STAFF)
    return JSONResponse(schemas.person_json(detail, private=private))


async def api_person_invite(request: Request) -> Response:
    """Send someone who has not set a password yet a fresh invitation (the old link ends)."""
    user = viewer(request)
    person = await people.get_person(path_id(request))
    await people.resend_invite(user, person, settings=settings_of(request))
    detail = await people.get_person_detail(person)
    return JSONResponse(schemas.person_json(detail, private=True))


def _person_changes(person: User, body: dict[str, Any]) -> dict[str, Any]:
    """The fields a PATCH names, validated by the same form as the edit page."""
    changes: dict[str, Any] = {}
    active = pop_active_flag(body)
    if active is not None:
        changes["is_active"] = active
    fields = forms.person_fields(list(Role))
    form = Form.bind(fields, form_data_from_json(fields, body, forms.person_initial(person)))
    form.raise_if_invalid()
    changes.update({name: form.cleaned[name] for name in body})
    return changes


# --- teams --------------------------------------------------------------------------------------


async def api_teams(request: Request) -> Response:
    user = viewer(request)
    if request.method == "POST":
        await authorize(user, Cap.MANAGE)
        body = await typed_body(request, schemas.TeamCreate)
        form = Form.bind(forms.TEAM, form_data_from_json(forms.TEAM, body, {}))
        form.raise_if_invalid()
        team = await people.create_team(user, **form.cleaned)
        detail = await people.get_team_detail(team)
        return JSONResponse(schemas.team_json(detail, private=True), status_code=201)
    offset, limit = page_params(request)
    summaries, total = await people.list_teams(
        include_inactive=query_flag(request, "inactive"), offset=offset, limit=limit
    )
    return paginated([schemas.team_summary_json(s) for s in summaries], total, offset, limit)


async def api_team(request: Request) -> Response:
    user: User = viewer(request)
    team = await people.get_team(path_id(request))
    if request.method == "PATCH":
        await authorize(user, Cap.MANAGE, team)
        body = await typed_body(request, schemas.TeamPatch)
        active = pop_active_flag(body)
        form = Form.bind(
            forms.TEAM, form_data_from_json(forms.TEAM, body, forms.team_initial(team))
        )
        form.raise_if_invalid()
        await people.update_team(user, team, **{name: form.cleaned[name] for name in body})
        if active is not None:
            change = people.reactivate_team if active else people.deactivate_team
            await change(user, team)
    detail = await people.get_team_detail(team)
    return JSONResponse(schemas.team_json(detail, private=True))


async def api_team_members(request: Request) -> Response:
    """Add someone to a team, or change whether they run it (the page's member form)."""
    user = viewer(request)
    team = await people.get_team(path_id(request))
    await authorize(user, Cap.MANAGE, team)
    body = await typed_body(request, schemas.MemberRequest)
    form, person = await _person_form(forms.member_fields, body)
    await people.add_team_member(user, team, person, is_manager=form.cleaned["is_manager"])
    detail = await people.get_team_detail(team)
    return JSONResponse(schemas.team_json(detail, private=True))


async def api_team_member(request: Request) -> Response:
    """DELETE takes someone out of a team (their history stays)."""
    team = await people.get_team(path_id(request))
    person = await people.get_person(path_id(request, "user_id"))
    await people.remove_team_member(viewer(request), team, person)
    detail = await people.get_team_detail(team)
    return JSONResponse(schemas.team_json(detail, private=True))


async def _person_form(
    fields_for: Callable[[list[tuple[str, str]]], tuple[Field, ...]], body: dict[str, Any]
) -> tuple[Form, User]:
    """``body`` through a page's "choose a person" form (an active person by ``user_id``)."""
    fields = fields_for(await people.active_people_choices())
    form = Form.bind(fields, form_data_from_json(fields, body, {}))
    form.raise_if_invalid()
    return form, await people.get_person(int(form.cleaned["user_id"]))


# --- programs -----------------------------------------------------------------------------------


async def api_programs(request: Request) -> Response:
    user = viewer(request)
    if request.method == "POST":
        await authorize(user, Cap.MANAGE)
        body = await typed_body(request, schemas.ProgramCreate)
        form = Form.bind(forms.PROGRAM, form_data_from_json(forms.PROGRAM, body, {}))
        form.raise_if_invalid()
        program = await people.create_program(user, **form.cleaned)
        detail = await people.get_program_detail(program)
        return JSONResponse(schemas.program_json(detail, private=True), status_code=201)
    offset, limit = page_params(request)
    summaries, total = await people.list_programs(
        user, include_inactive=query_flag(request, "inactive"), offset=offset, limit=limit
    )
    return paginated([schemas.program_summary_json(s) for s in summaries], total, offset, limit)


async def api_program(request: Request) -> Response:
    user = viewer(request)
    program = await people.get_program(path_id(request))
    if request.method == "PATCH":
        await authorize(user, Cap.MANAGE, program)
        body = await typed_body(request, schemas.ProgramPatch)
        active = pop_active_flag(body)
        initial = forms.program_initial(program)
        form = Form.bind(forms.PROGRAM, form_data_from_json(forms.PROGRAM, body, initial))
        form.raise_if_invalid()
        await people.update_program(user, program, **{name: form.cleaned[name] for name in body})
        if active is not None:
            change = people.reactivate_program if active else people.deactivate_program
            await change(user, program)
    await authorize(user, Cap.VIEW, program)
    detail = await people.get_program_detail(program)
    return JSONResponse(schemas.program_json(detail, private=role_allows(user, Cap.STAFF)))


async def api_program_access(request: Request) -> Response:
    """Let someone run the program or see it (the page's access form)."""
    user = viewer(request)
    program = await people.get_program(path_id(request))
    await authorize(user, Cap.MANAGE, program)
    body = await typed_body(request, schemas.AccessRequest)
    form, person = await _person_form(forms.access_fields, body)
    await people.grant_program_access(user, program, person, access=form.cleaned["access"])
    detail = await people.get_program_detail(program)
    return JSONResponse(schemas.program_json(detail, private=True))


async def api_program_access_person(request: Request) -> Response:
    """DELETE takes away someone's access to the program."""
    program = await people.get_program(path_id(request))
    person = await people.get_person(path_id(request, "user_id"))
    await people.revoke_program_access(viewer(request), program, person)
    detail = await people.get_program_detail(program)
    return JSONResponse(schemas.program_json(detail, private=True))


GET_POST = ("GET", "POST")
GET_PATCH = ("GET", "PATCH")


def routes() -> list[BaseRoute]:
    return [*people_routes(), *team_routes(), *program_routes()]


def people_routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/people",
            api_people,
            cap=Cap.STAFF,
            name="api:people",
            methods=GET_POST,
            doc=ApiDoc(
                "The people directory (staff and up); POST invites someone (managers and up)",
                request=schemas.InviteRequest,
                response=schemas.Person,
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
            methods=GET_PATCH,
            doc=ApiDoc(
                "One person (staff and up, or themself); PATCH edits (managers and up)",
                request=schemas.PersonPatch,
                response=schemas.Person,
            ),
        ),
        api(
            "/api/v1/people/{id}/invite",
            api_person_invite,
            cap=Cap.MANAGE,
            name="api:person_invite",
            methods=("POST",),
            doc=ApiDoc(
                "Send a fresh invitation to someone who has not set a password yet (the old "
                "link stops working); 409 once they have, or while they are deactivated",
                response=schemas.Person,
            ),
        ),
    ]


def team_routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/teams",
            api_teams,
            cap=Cap.STAFF,
            name="api:teams",
            methods=GET_POST,
            doc=ApiDoc(
                "Teams with member counts (staff and up); POST creates one (managers and up)",
                request=schemas.TeamCreate,
                response=schemas.Team,
                params=({"name": "inactive", "in": "query", "schema": {"type": "boolean"}},),
                paginated=True,
            ),
        ),
        api(
            "/api/v1/teams/{id}",
            api_team,
            cap=Cap.STAFF,
            name="api:team",
            methods=GET_PATCH,
            doc=ApiDoc(
                "One team with its members; PATCH edits it (those who run it, and admins)",
                request=schemas.TeamPatch,
                response=schemas.Team,
            ),
        ),
        api(
            "/api/v1/teams/{id}/members",
            api_team_members,
            cap=Cap.MANAGE,
            name="api:team_members",
            methods=("POST",),
            doc=ApiDoc(
                "Add an active person to the team, or change whether they run it (those who "
                "run the team, and admins); answers the team",
                request=schemas.MemberRequest,
                response=schemas.Team,
            ),
        ),
        api(
            "/api/v1/teams/{id}/members/{user_id}",
            api_team_member,
            cap=Cap.MANAGE,
            name="api:team_member",
            methods=("DELETE",),
            doc=ApiDoc(
                "Take someone out of the team (those who run it, and admins); 404 if they are "
                "not in it; answers the team",
                response=schemas.Team,
            ),
        ),
    ]


def program_routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/programs",
            api_programs,
            cap=Cap.SIGNED_IN,
            name="api:programs",
            methods=GET_POST,
            doc=ApiDoc(
                "Programs the caller may see (staff: all); POST creates one (managers and up)",
                request=schemas.ProgramCreate,
                response=schemas.Program,
                params=({"name": "inactive", "in": "query", "schema": {"type": "boolean"}},),
                paginated=True,
            ),
        ),
        api(
            "/api/v1/programs/{id}",
            api_program,
            cap=Cap.SIGNED_IN,
            name="api:program",
            methods=GET_PATCH,
            doc=ApiDoc(
                "One program with who may run or see it; PATCH edits it (those who run it)",
                request=schemas.ProgramPatch,
                response=schemas.Program,
            ),
        ),
        api(
            "/api/v1/programs/{id}/access",
            api_program_access,
            cap=Cap.MANAGE,
            name="api:program_access",
            methods=("POST",),
            doc=ApiDoc(
                "Give an active person access to the program: manage (managers and admins "
                "only) or read (anyone: a board member, a funder); answers the program",
                request=schemas.AccessRequest,
                response=schemas.Program,
            ),
        ),
        api(
            "/api/v1/programs/{id}/access/{user_id}",
            api_program_access_person,
            cap=Cap.MANAGE,
            name="api:program_access_person",
            methods=("DELETE",),
            doc=ApiDoc(
                "Take away someone's access to the program (those who run it, and admins); "
                "404 if they have none; answers the program",
                response=schemas.Program,
            ),
        ),
    ]
