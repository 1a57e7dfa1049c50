"""Applying to a program (its public page), the managers' form editor, the coordinators' queue
and decisions, and a volunteer's own applications (JSON: ../api.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.applications import forms
from opsuite.applications import service as applications
from opsuite.applications.models import (
    Application,
    ApplicationStatus,
    ConsentRecord,
    FormVersion,
)
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, can
from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, NotFound
from opsuite.people import service as people
from opsuite.people.access import managed_programs
from opsuite.people.models import Program
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import pager, path_id, query_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


async def _program(request: Request) -> Program:
    program = await people.get_program(path_id(request))
    if not program.is_active:
        raise NotFound(_("This program is closed; it takes no applications."))
    return program


def _apply_url(program: Program) -> str:
    return f"/programs/{program.id}/apply"


async def _apply_page(
    request: Request,
    program: Program,
    form: Form | None = None,
    status: int = 200,
    notice: str = "",
) -> Response:
    user: User | None = request.state.user
    version = await applications.current_form(program.id)
    mine = await applications.find_application(user, program.id)
    intake = await applications.intake_of(program.id)
    if form is None and version is not None:
        initial = forms.application_initial(version, mine)
        form = Form.blank(forms.application_fields(version, intake), initial)
    return render(
        request,
        "applications/apply.html",
        {
            "program": program,
            "intake": intake,
            "minor_names": [f.name for f in forms.minor_fields(intake)],
            "guardian": await applications.guardian_status(mine),
            "checks": await applications.states_for(user, program.id) if user else [],
            "coordinators": await applications.coordinators_of(program.id),
            "version": version,
            "consents": applications.consents_of(version),
            "mine": mine,
            "form": form,
            "may_send": mine is None or mine.status in applications.WAITING,
            "can_manage": await can(user, Cap.MANAGE, program),
            "allow_register": settings_of(request).security.allow_volunteer_signup,
            "notice": notice,
        },
        status=status,
    )


async def apply_page(request: Request) -> Response:
    program = await _program(request)
    if request.method == "GET":
        return await _apply_page(request, program)
    user = request.state.user
    await authorize(user, Cap.SIGNED_IN)
    data = await request.form()
    version = await applications.current_form(program.id)
    if version is None:
        return await _apply_page(request, program)
    intake = await applications.intake_of(program.id)
    fields = forms.application_fields(version, intake)
    try:
        applications.check_version(version, _posted_version(data))
    except Conflict as exc:
        # The form changed while they read it: the new one, with what they typed for the
        # questions it still asks, and every consent to accept again (its text may differ).
        typed = {f.name: data.get(f.name) for f in fields if f.kind != "bool"}
        typed = {name: value if isinstance(value, str) else "" for name, value in typed.items()}
        form = Form.blank(fields, typed)
        return await _apply_page(request, program, form, status=409, notice=exc.message)
    form = Form.bind(fields, data)
    if form.is_valid:
        try:
            await applications.apply(
                user,
                program,
                version=_posted_version(data),
                answers=forms.answers_from(version, form.values),
                consents=forms.consents_from(version, form.values),
                minor=forms.minor_from(intake, form.values),
                settings=settings_of(request),
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("Thank you! Your application is sent; a coordinator will answer by email.")
            return flash(request, see_other(_apply_url(program)), message, "success")
    else:  # everything at once: a consent left unticked too, not in a second round
        answers = forms.answers_from(version, form.values)
        consents = forms.consents_from(version, form.values)
        form.absorb(FieldErrors(applications.application_errors(version, answers, consents)))
    return await _apply_page(request, program, form, status=400)


def _posted_version(data: Any) -> int:
    raw = str(data.get("version", ""))
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


async def _editor(
    request: Request, program: Program, form: Form, rows: tuple[int, int], status: int = 200
) -> Response:
    version = await applications.current_form(program.id)
    return render(
        request,
        "applications/form_edit.html",
        {
            "program": program,
            "form": form,
            "question_rows": range(rows[0]),
            "consent_rows": range(rows[1]),
            "version": version,
        },
        status=status,
    )


async def form_edit(request: Request) -> Response:
    user = viewer(request)
    program = await _program(request)
    await authorize(user, Cap.MANAGE, program)
    if request.method == "GET":
        intake = await applications.intake_of(program.id)
        version = await applications.current_form(program.id)
        rows = (
            len(applications.questions_of(version)) + forms.BLANK_QUESTIONS,
            len(applications.consents_of(version)) + forms.BLANK_CONSENTS,
        )
        initial = forms.editor_initial(intake, version)
        return await _editor(
            request, program, Form.blank(forms.editor_fields(*rows), initial), rows
        )
    data = await request.form()
    rows = forms.row_counts(data)
    form = Form.bind(forms.editor_fields(*rows), data)
    if form.is_valid:
        questions, consents, rows_q, rows_c = forms.editor_values(form.cleaned, *rows)
        try:
            intake = await applications.save_form(
                user,
                program,
                requires_application=form.cleaned["requires_application"],
                guardian_age=form.cleaned["guardian_age"],
                questions=questions,
                consents=consents,
            )
        except FieldErrors as exc:
            form.absorb(forms.errors_on_rows(exc, rows_q, rows_c))
        else:
            message = _("The application form is saved (version %(n)s).", n=intake.current_version)
            return flash(request, see_other(_apply_url(program)), message, "success")
    return await _editor(request, program, form, rows, status=400)


def _statuses(request: Request) -> tuple[ApplicationStatus, ...]:
    asked = request.query_params.get("status", "")
    if asked in {s.value for s in ApplicationStatus}:
        return (ApplicationStatus(asked),)
    return applications.WAITING


async def queue(request: Request) -> Response:
    user = viewer(request)
    offset, limit = page_params(request)
    program_id = query_id(request, "program")
    rows, total = await applications.list_queue(
        user, statuses=_statuses(request), program_id=program_id, offset=offset, limit=limit
    )
    return render(
        request,
        "applications/queue.html",
        {
            "rows": rows,
            "programs": await managed_programs(user),
            "program_id": program_id,
            "status": request.query_params.get("status", ""),
            "statuses": ApplicationStatus.choices(),
            **pager(total, offset, limit),
        },
    )


async def _detail(request: Request, application: Application, status: int = 200) -> Response:
    user = viewer(request)
    await applications.authorize_see(user, application)
    version: FormVersion = application.version
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "answers": forms.answers_shown(version, application.answers),
            "consents": applications.consents_of(version),
            "accepted": await ConsentRecord.filter(
                application_id=application.id, version_id=version.id
            ),
            "may_decide": await applications.may_decide(user, application),
            # the newest emailed request for a minor's guardian (None: none was needed)
            "guardian": await applications.latest_request(application.id),
        },
        status=status,
    )


async def detail(request: Request) -> Response:
    return await _detail(request, await applications.get_application(path_id(request)))


async def decide(request: Request) -> Response:
    application = await applications.get_application(path_id(request))
    data = await request.form()
    decision = str(data.get("decision", ""))
    back = see_other(f"/applications/{application.id}")
    try:
        await applications.decide(
            viewer(request),
            application,
            decision=decision,
            note=str(data.get("note", "")),
            settings=settings_of(request),
        )
    except FieldErrors as exc:
        return flash(request, back, exc.message, "error")
    name = application.volunteer.name
    if decision == "approve":
        message = _("Approved; %(name)s has been told by email.", name=name)
    elif decision == "more_info":
        message = _("Asked for more information; %(name)s has been told by email.", name=name)
    else:
        message = _("Declined; %(name)s has been told by email.", name=name)
    return flash(request, back, message, "success")


async def guardian_resend(request: Request) -> Response:
    program = await _program(request)
    await applications.resend_for(viewer(request), program, settings=settings_of(request))
    message = _("A new email with the consent link went to your guardian.")
    return flash(request, see_other(_apply_url(program) + "#guardian"), message, "success")


async def mine(request: Request) -> Response:
    return render(
        request,
        "applications/mine.html",
        {"rows": await applications.list_own(viewer(request))},
    )


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    return [
        page(
            "/programs/{id}/apply",
            apply_page,
            cap=Cap.PUBLIC,
            name="applications:apply",
            methods=get_post,
        ),
        page(
            "/programs/{id}/application-form",
            form_edit,
            cap=Cap.MANAGE,
            name="applications:form",
            methods=get_post,
        ),
        page(
            "/programs/{id}/guardian-consent/resend",
            guardian_resend,
            cap=Cap.SIGNED_IN,
            name="applications:guardian_resend",
            methods=("POST",),
        ),
        page("/applications", queue, cap=Cap.MANAGE, name="applications:queue"),
        page("/applications/mine", mine, cap=Cap.SIGNED_IN, name="applications:mine"),
        page("/applications/{id}", detail, cap=Cap.SIGNED_IN, name="applications:detail"),
        page(
            "/applications/{id}/decide",
            decide,
            cap=Cap.MANAGE,
            name="applications:decide",
            methods=("POST",),
        ),
    ]
