"""The applications JSON API under /api/v1/: a program's form (read, replace), applying, the
coordinators' queue and decisions, and one's own applications; the same services as the pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.applications import schemas
from opsuite.applications import service as applications
from opsuite.applications.models import Application, ApplicationStatus, FormVersion
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound
from opsuite.people import service as people
from opsuite.people.models import Program
from opsuite.web.api import (
    UPDATED_SINCE_PARAM,
    json_body,
    page_params,
    paginated,
    updated_since,
)
from opsuite.web.http import path_id, query_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api


async def _program(request: Request) -> Program:
    program = await people.get_program(path_id(request))
    if not program.is_active:
        raise NotFound(_("This program is closed; it takes no applications."))
    return program


async def _as_json(application: Application, status: int = 200) -> JSONResponse:
    version = await FormVersion.get(id=application.version_id)
    await application.fetch_related("volunteer")
    return JSONResponse(
        schemas.application_json(application, version_number=version.number), status_code=status
    )


async def api_form(request: Request) -> Response:
    program = await _program(request)
    if request.method == "PUT":
        await authorize(viewer(request), Cap.MANAGE, program)
        requires, questions, consents = schemas.form_from_json(await json_body(request))
        await applications.save_form(
            viewer(request),
            program,
            requires_application=requires,
            questions=questions,
            consents=consents,
        )
    intake = await applications.intake_of(program.id)
    version = await applications.current_form(program.id)
    return JSONResponse(schemas.form_json(program.id, intake.requires_application, version))


async def api_apply(request: Request) -> Response:
    program = await _program(request)
    version, answers, consents = schemas.application_from_json(await json_body(request))
    application = await applications.apply(
        viewer(request), program, version=version, answers=answers, consents=consents
    )
    return await _as_json(application, status=201)


async def api_queue(request: Request) -> Response:
    offset, limit = page_params(request)
    asked = request.query_params.get("status", "")
    statuses: tuple[ApplicationStatus, ...] = applications.WAITING
    if asked:
        if asked not in {s.value for s in ApplicationStatus}:
            raise InvalidInput(_("Choose from the list."), field="status")
        statuses = (ApplicationStatus(asked),)
    rows, total = await applications.list_queue(
        viewer(request),
        statuses=statuses,
        program_id=query_id(request, "program_id"),
        offset=offset,
        limit=limit,
        updated_since=updated_since(request),
    )
    numbers = dict(
        await FormVersion.filter(id__in=[a.version_id for a in rows]).values_list("id", "number")
    )
    items = [schemas.application_json(a, version_number=numbers[a.version_id]) for a in rows]
    return paginated(items, total, offset, limit)


async def api_mine(request: Request) -> Response:
    rows = await applications.list_own(viewer(request), updated_since=updated_since(request))
    numbers = dict(
        await FormVersion.filter(id__in=[a.version_id for a in rows]).values_list("id", "number")
    )
    for a in rows:
        await a.fetch_related("volunteer")
    items = [schemas.application_json(a, version_number=numbers[a.version_id]) for a in rows]
    return JSONResponse({"items": items})


async def api_application(request: Request) -> Response:
    application = await applications.get_application(path_id(request))
    await applications.authorize_see(viewer(request), application)
    return await _as_json(application)


async def api_decide(request: Request) -> Response:
    application = await applications.get_application(path_id(request))
    body = await json_body(request)
    unknown = sorted(set(body) - {"decision", "note"})
    if unknown:
        from opsuite.errors import InvalidInput

        raise InvalidInput(_("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])
    decided = await applications.decide(
        viewer(request),
        application,
        decision=str(body.get("decision", "")),
        note=body["note"] if isinstance(body.get("note"), str) else "",
        settings=settings_of(request),
    )
    return await _as_json(decided)


def routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/programs/{id}/application-form",
            api_form,
            cap=Cap.SIGNED_IN,
            name="api:application_form",
            methods=("GET", "PUT"),
            doc=ApiDoc(
                "A program's current application form; PUT replaces it (those who run the "
                "program): changed questions or consents make a new version",
                request=schemas.FORM_PUT,
                response=schemas.FORM,
            ),
        ),
        api(
            "/api/v1/programs/{id}/applications",
            api_apply,
            cap=Cap.SIGNED_IN,
            name="api:apply",
            methods=("POST",),
            doc=ApiDoc(
                "Apply to a program (or send an application again after a request for more "
                "information), accepting the form's consents",
                request=schemas.APPLY,
                response=schemas.APPLICATION,
            ),
        ),
        api(
            "/api/v1/applications",
            api_queue,
            cap=Cap.MANAGE,
            name="api:applications",
            doc=ApiDoc(
                "Applications to the programs the caller runs, oldest first (default: waiting)",
                response=schemas.APPLICATION,
                params=(
                    {"name": "status", "in": "query", "schema": schemas.STATUS},
                    {"name": "program_id", "in": "query", "schema": {"type": "integer"}},
                    UPDATED_SINCE_PARAM,
                ),
                paginated=True,
            ),
        ),
        api(
            "/api/v1/applications/mine",
            api_mine,
            cap=Cap.SIGNED_IN,
            name="api:my_applications",
            doc=ApiDoc(
                "The caller's own applications, newest first",
                response=schemas.APPLICATION,
                params=(UPDATED_SINCE_PARAM,),
            ),
        ),
        api(
            "/api/v1/applications/{id}",
            api_application,
            cap=Cap.SIGNED_IN,
            name="api:application",
            doc=ApiDoc(
                "One application (its applicant, or those who run the program)",
                response=schemas.APPLICATION,
            ),
        ),
        api(
            "/api/v1/applications/{id}/decision",
            api_decide,
            cap=Cap.MANAGE,
            name="api:application_decide",
            methods=("POST",),
            doc=ApiDoc(
                "Approve, ask for more information (the note says what) or decline; the "
                "volunteer is emailed",
                request=schemas.DECISION,
                response=schemas.APPLICATION,
            ),
        ),
    ]
