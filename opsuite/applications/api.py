"""The applications JSON API under /api/v1/: a program's form (read, replace), applying, the
coordinators' queue and decisions, one's own applications, required checks and their records,
and a minor's request to email the guardian again; the same services as the pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.applications import forms, schemas
from opsuite.applications import service as applications
from opsuite.applications.models import Application, ApplicationStatus, FormVersion
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound
from opsuite.people import service as people
from opsuite.people.models import Program
from opsuite.web.api import (
    UPDATED_SINCE_PARAM,
    form_data_from_json,
    json_body,
    page_params,
    paginated,
    updated_since,
)
from opsuite.web.forms import Form
from opsuite.web.http import path_id, query_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api


async def _program(request: Request) -> Program:
    program = await people.get_program(path_id(request))
    if not program.is_active:
        raise NotFound(_("This program is closed; it takes no applications."))
    return program


async def _as_json(application: Application, status: int = 200) -> JSONResponse:
    await application.fetch_related("volunteer")
    guardian = await applications.latest_request(application.id)
    numbers = dict(
        await FormVersion.filter(program_id=application.program_id).values_list("id", "number")
    )
    body = schemas.application_json(
        application,
        version_number=numbers[application.version_id],
        guardian=guardian,
        numbers=numbers,
    )
    return JSONResponse(body, status_code=status)


async def api_form(request: Request) -> Response:
    program = await _program(request)
    if request.method == "PUT":
        await authorize(viewer(request), Cap.MANAGE, program)
        body = await json_body(request)
        requires, questions, consents = schemas.form_from_json(body)
        await applications.save_form(
            viewer(request),
            program,
            requires_application=requires,
            questions=questions,
            consents=consents,
            guardian_age=schemas.guardian_age_from_json(body),
        )
    intake = await applications.intake_of(program.id)
    version = await applications.current_form(program.id)
    return JSONResponse(
        schemas.form_json(program.id, intake.requires_application, version, intake.guardian_age)
    )


async def api_apply(request: Request) -> Response:
    program = await _program(request)
    body = await json_body(request)
    version, answers, consents = schemas.application_from_json(body)
    intake = await applications.intake_of(program.id)
    minor_form = Form.bind(forms.minor_fields(intake), schemas.minor_from_json(body))
    minor_form.raise_if_invalid()
    application = await applications.apply(
        viewer(request),
        program,
        version=version,
        answers=answers,
        consents=consents,
        minor=forms.minor_from(intake, minor_form.values),
        settings=settings_of(request),
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


async def _managed(request: Request) -> Program:
    program = await _program(request)
    await authorize(viewer(request), Cap.MANAGE, program)
    return program


async def api_checks(request: Request) -> Response:
    if request.method == "POST":
        program = await _managed(request)
        data = form_data_from_json(forms.check_fields(), await json_body(request), {})
        form = Form.bind(forms.check_fields(), data)
        form.raise_if_invalid()
        check = await applications.add_check(
            viewer(request), program, name=form.cleaned["name"], expires=form.cleaned["expires"]
        )
        return JSONResponse(schemas.check_json(check), status_code=201)
    program = await _program(request)
    checks = await applications.list_checks(program.id)
    return JSONResponse({"items": [schemas.check_json(c) for c in checks]})


def _check_id(request: Request) -> int:
    return path_id(request, "check_id")


async def api_check(request: Request) -> Response:
    program = await _managed(request)
    await applications.remove_check(viewer(request), program, _check_id(request))
    return Response(status_code=204)


async def api_check_records(request: Request) -> Response:
    program = await _managed(request)
    people = await applications.overview(viewer(request), program)
    expiring = await applications.expiring(viewer(request), program)
    return JSONResponse(
        {
            "items": [schemas.person_checks_json(p, states) for p, states in people],
            "expiring": [
                {
                    "volunteer_id": r.volunteer_id,
                    "check_id": r.required_check_id,
                    "expires_on": r.expires_on.isoformat() if r.expires_on else None,
                    "state": state,
                }
                for r, state in expiring
            ],
        }
    )


async def api_my_checks(request: Request) -> Response:
    program = await _program(request)
    user = viewer(request)
    states = await applications.states_for(user, program.id)
    return JSONResponse(schemas.person_checks_json(user, states))


async def api_check_record(request: Request) -> Response:
    program = await _managed(request)
    user = viewer(request)
    person_id = path_id(request, "user_id")
    check_id = _check_id(request)
    if request.method == "PUT":
        body = await json_body(request)
        if body.get("expires_on") is None:
            body["expires_on"] = ""
        form = Form.bind(
            forms.record_fields(), form_data_from_json(forms.record_fields(), body, {})
        )
        await applications.get_check(program.id, check_id)
        form.raise_if_invalid()
        await applications.record_check(
            user, program, check_id=check_id, volunteer_id=person_id,
            **forms.record_values(form.cleaned),
        )  # fmt: skip
    elif request.method == "DELETE":
        await applications.remove_record(user, program, check_id=check_id, volunteer_id=person_id)
        return Response(status_code=204)
    _person, states = await applications.person_checks(user, program, person_id)
    state = next((s for s in states if s.check.id == check_id), None)
    if state is None:
        raise NotFound(_("This program has no such check."))
    return JSONResponse(schemas.state_json(state))


async def api_guardian_resend(request: Request) -> Response:
    program = await _program(request)
    row = await applications.resend_for(viewer(request), program, settings=settings_of(request))
    return JSONResponse(
        {
            "sent_at": row.sent_at.isoformat(),
            "expires_at": row.expires_at.isoformat(),
            "guardian_email": row.guardian_email,
        },
        status_code=201,
    )


def _check_routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/programs/{id}/checks",
            api_checks,
            cap=Cap.SIGNED_IN,
            name="api:program_checks",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "The checks a program requires before a sign-up; POST adds one (those who run "
                "the program)",
                request=schemas.CHECK_POST,
                response=schemas.CHECK,
            ),
        ),
        api(
            "/api/v1/programs/{id}/checks/mine",
            api_my_checks,
            cap=Cap.SIGNED_IN,
            name="api:my_checks",
            doc=ApiDoc("The caller's own checks for a program", response=schemas.PERSON_CHECKS),
        ),
        api(
            "/api/v1/programs/{id}/checks/{check_id}",
            api_check,
            cap=Cap.MANAGE,
            name="api:program_check",
            methods=("DELETE",),
            doc=ApiDoc("Stop requiring a check (its records go too)"),
        ),
        api(
            "/api/v1/programs/{id}/check-records",
            api_check_records,
            cap=Cap.MANAGE,
            name="api:check_records",
            doc=ApiDoc(
                "Each applicant's checks, and the records expired or expiring within 30 days",
                response=schemas.CHECK_RECORDS,
            ),
        ),
        api(
            "/api/v1/programs/{id}/checks/{check_id}/people/{user_id}",
            api_check_record,
            cap=Cap.MANAGE,
            name="api:check_record",
            methods=("GET", "PUT", "DELETE"),
            doc=ApiDoc(
                "One applicant's record of a check; PUT records it (done on, valid through, a "
                "note), DELETE removes it",
                request=schemas.RECORD_PUT,
                response=schemas.CHECK_STATE,
            ),
        ),
        api(
            "/api/v1/programs/{id}/guardian-consent/resend",
            api_guardian_resend,
            cap=Cap.SIGNED_IN,
            name="api:guardian_resend",
            methods=("POST",),
            doc=ApiDoc(
                "A minor asks for the guardian's consent email again (the earlier link stops "
                "working)",
                response=schemas.GUARDIAN_REQUEST,
            ),
        ),
    ]


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
        *_check_routes(),
    ]
