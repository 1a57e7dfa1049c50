"""The shifts JSON API: opportunities, shifts, sign-up and cancel, roster, attendance, hours.
Same services and forms as the pages, so a bad field gets the same message."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.people.service import active_people_choices, get_person
from opsuite.shifts import certificates, forms, hours, listing, planning, service
from opsuite.shifts.access import authorize_manage_program, authorize_see_opportunity
from opsuite.shifts.models import Attendance, HandoverStatus, Shift, SignUp
from opsuite.shifts.schemas import (
    SHIFT_FILTERS,
    CertificateInput,
    CertificateJson,
    CheckInput,
    Hours,
    HoursInput,
    HoursRecordInput,
    HoursTotal,
    OpportunityInput,
    OpportunityJson,
    OpportunityPatch,
    Roster,
    ShiftAttendanceInput,
    ShiftInput,
    ShiftJson,
    ShiftPatch,
    ShiftRosterInput,
    ShiftsCreated,
    Signup,
    SwapInput,
    certificate_json,
    handover_json,
    hours_json,
    hours_total_json,
    opportunity_json,
    record_json,
    shift_json,
    signup_json,
)
from opsuite.web.api import form_data_from_json, page_params, paginated, query_param, typed_body
from opsuite.web.forms import Form, parse_date
from opsuite.web.http import path_id, query_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api


async def _opportunity_data(request: Request, initial: dict[str, Any]) -> Form:
    body = await typed_body(request, OpportunityPatch if initial else OpportunityInput)
    fields = forms.opportunity_fields(await forms.managed_choices(viewer(request)))
    form = Form.bind(fields, form_data_from_json(fields, body, initial))
    form.raise_if_invalid()
    return form


async def api_opportunities(request: Request) -> Response:
    if request.method == "POST":
        form = await _opportunity_data(request, {})
        created = await planning.create_opportunity(
            viewer(request), int(form.cleaned["program_id"]), forms.opportunity_input(form.cleaned)
        )
        return JSONResponse(opportunity_json(created), status_code=201)
    offset, limit = page_params(request)
    items, total = await planning.opportunities_page(
        request.state.user, program_id=query_id(request, "program"), offset=offset, limit=limit
    )
    return paginated([opportunity_json(o) for o in items], total, offset, limit)


async def api_opportunity(request: Request) -> Response:
    opportunity = await planning.get_opportunity(path_id(request))
    await authorize_see_opportunity(request.state.user, opportunity)
    if request.method == "PATCH":
        await authorize_manage_program(viewer(request), opportunity.program_id)
        form = await _opportunity_data(request, forms.opportunity_initial(opportunity))
        await planning.update_opportunity(
            viewer(request), opportunity, forms.opportunity_input(form.cleaned)
        )
    return JSONResponse(opportunity_json(opportunity))


async def _shift_form(request: Request, body: dict[str, Any], initial: dict[str, Any]) -> Form:
    fields = forms.edit_fields(await active_people_choices())
    data = form_data_from_json(fields, body, initial)
    form = Form.bind(fields, data)
    form.raise_if_invalid()
    return form


async def api_shifts(request: Request) -> Response:
    if request.method == "POST":
        body = await typed_body(request, ShiftInput)
        opportunity_id = body.pop("opportunity_id", None)
        rule = body.pop("rrule", None)
        if not isinstance(opportunity_id, int) or opportunity_id <= 0:
            raise InvalidInput(_("Choose from the list."), field="opportunity_id")
        if rule is not None and not isinstance(rule, str):
            raise InvalidInput(_("The repeat rule is not valid."), field="rrule")
        opportunity = await planning.get_opportunity(opportunity_id)
        await authorize_manage_program(viewer(request), opportunity.program_id)
        form = await _shift_form(request, body, {"scope": "this"})
        data = forms.shift_input(form.cleaned)
        if rule:
            series = await planning.create_series(viewer(request), opportunity, data, rule=rule)
            created = await Shift.filter(series_id=series.id).order_by("starts_at")
        else:
            created = [await planning.create_shift(viewer(request), opportunity, data)]
        counts = await service.counts_for([s.id for s in created])
        return JSONResponse(
            {"items": [shift_json(s, counts[s.id]) for s in created]}, status_code=201
        )
    filters, _first = forms.filters_from(request)
    offset, limit = page_params(request)
    cards, total = await listing.open_shifts(
        request.state.user, filters, offset=offset, limit=limit
    )
    items = [{**shift_json(c.shift, c.counts), "fits_availability": c.fits} for c in cards]
    return paginated(items, total, offset, limit)


async def api_shift(request: Request) -> Response:
    shift = await planning.get_shift(path_id(request))
    await authorize_see_opportunity(request.state.user, shift.opportunity)
    if request.method == "PATCH":
        await authorize_manage_program(viewer(request), shift.opportunity.program_id)
        form = await _shift_form(
            request, await typed_body(request, ShiftPatch), forms.edit_initial(shift)
        )
        await planning.update_shift(
            viewer(request),
            shift,
            forms.shift_input(form.cleaned),
            scope=planning.EditScope(form.cleaned["scope"]),
            settings=settings_of(request),
        )
        shift = await planning.get_shift(shift.id)
    counts = await service.counts_for([shift.id])
    return JSONResponse(shift_json(shift, counts[shift.id]))


async def api_signup(request: Request) -> Response:
    signup = await service.sign_up(viewer(request), path_id(request), settings=settings_of(request))
    position = await service.waitlist_position(signup)
    return JSONResponse(signup_json(signup, position), status_code=201)


async def api_cancel(request: Request) -> Response:
    signup = await service.cancel_signup(
        viewer(request), path_id(request), settings=settings_of(request)
    )
    return JSONResponse(signup_json(signup, None))


async def api_accept(request: Request) -> Response:
    signup = await service.accept_offer(
        viewer(request), path_id(request), settings=settings_of(request)
    )
    return JSONResponse(signup_json(signup, None))


async def api_swap(request: Request) -> Response:
    user, shift_id = viewer(request), path_id(request)
    form = Form.bind(
        forms.SWAP, form_data_from_json(forms.SWAP, await typed_body(request, SwapInput), {})
    )
    form.raise_if_invalid()
    taken = await service.swap_action(
        user, shift_id, form.cleaned["action"], settings=settings_of(request)
    )
    if taken is not None and taken.status == HandoverStatus.AWAITING_APPROVAL:
        # The place is the giver's until a coordinator approves: answer the waiting hand-over.
        return JSONResponse(handover_json(taken), status_code=202)
    signup = await SignUp.get(shift_id=shift_id, volunteer_id=user.id)
    return JSONResponse(signup_json(signup, None))


async def _check(request: Request) -> tuple[int, datetime | None]:
    """Whose sign-up (the caller's own unless signup_id says) and when, as the page reads it."""
    body = await typed_body(request, CheckInput)
    form = Form.bind(forms.CHECK, form_data_from_json(forms.CHECK, body, {}))
    form.raise_if_invalid()
    signup_id = form.cleaned["signup_id"]
    if signup_id is None:
        signup_id = await hours.own_signup_id(viewer(request), path_id(request))
    return signup_id, _instant(body, "happened_at")


async def api_checkin(request: Request) -> Response:
    signup_id, at = await _check(request)
    signup = await hours.check_in(viewer(request), signup_id, at=at)
    return JSONResponse(signup_json(signup, None))


async def api_checkout(request: Request) -> Response:
    signup_id, at = await _check(request)
    record = await hours.check_out(viewer(request), signup_id, at=at)
    return JSONResponse(hours_json(record))


async def api_roster(request: Request) -> Response:
    user = viewer(request)
    shift = await planning.get_shift(path_id(request))
    if request.method == "POST":
        body = await typed_body(request, ShiftRosterInput)
        person_id, override = body.get("user_id"), body.get("override_skills", False)
        if not isinstance(person_id, int) or person_id <= 0:
            raise InvalidInput(_("Choose from the list."), field="user_id")
        if not isinstance(override, bool):
            raise InvalidInput(_("Expected true or false."), field="override_skills")
        await service.add_to_shift(
            user,
            shift.id,
            await get_person(person_id),
            settings=settings_of(request),
            override_skills=override,
        )
    result = await listing.roster(user, shift)
    entries = [*result.confirmed, *result.queue]
    counts = await service.counts_for([shift.id])
    records = await service.attendance_records([e.signup.volunteer_id for e in entries])
    return JSONResponse(
        {
            "shift": shift_json(shift, counts[shift.id]),
            "signups": [
                {
                    "signup": signup_json(e.signup, e.position),
                    "name": e.signup.volunteer.name,
                    "email": e.signup.volunteer.email,
                    "phone": e.signup.volunteer.phone,
                    "record": record_json(records[e.signup.volunteer_id]),
                }
                for e in entries
            ],
        }
    )


def _instant(body: dict[str, Any], name: str) -> datetime | None:
    raw = body.get(name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            _("Enter a date and time like 2026-03-09T09:30:00Z."), field=name
        ) from None
    if value.tzinfo is None:
        raise InvalidInput(_("Give the time with its offset, e.g. Z for UTC."), field=name)
    return value.astimezone(UTC)


async def api_attendance(request: Request) -> Response:
    body = await typed_body(request, ShiftAttendanceInput)
    signup_id, value = body.get("signup_id"), body.get("attendance")
    if not isinstance(signup_id, int) or signup_id <= 0:
        raise InvalidInput(_("Choose from the list."), field="signup_id")
    if value not in ("attended", "no_show"):
        raise InvalidInput(_("Choose from the list."), field="attendance")
    if not await SignUp.filter(id=signup_id, shift_id=path_id(request)).exists():
        raise InvalidInput(_("That person is not on this shift."), field="signup_id")
    signup = await hours.mark_attendance(
        viewer(request),
        signup_id,
        Attendance(value),
        checked_in_at=_instant(body, "checked_in_at"),
        checked_out_at=_instant(body, "checked_out_at"),
    )
    return JSONResponse(signup_json(signup, None))


async def api_hours(request: Request) -> Response:
    user: User = viewer(request)
    if request.method == "POST":
        fields = forms.offsite_fields(await forms.program_choices())
        form = Form.bind(
            fields, form_data_from_json(fields, await typed_body(request, HoursInput), {})
        )
        form.raise_if_invalid()
        entry = await hours.log_offsite_hours(
            user,
            program_id=int(form.cleaned["program_id"]),
            work_date=parse_date(form.cleaned["work_date"]) or datetime.min.date(),
            minutes=form.cleaned["minutes"],
            description=form.cleaned["description"],
        )
        return JSONResponse(hours_json(entry), status_code=201)
    offset, limit = page_params(request)
    records, total = await hours.hours_records_page(user.id, offset=offset, limit=limit)
    return paginated([hours_json(r) for r in records], total, offset, limit)


async def api_hours_totals(request: Request) -> Response:
    offset, limit = page_params(request)
    totals = await hours.totals(volunteer_id=viewer(request).id)
    page = totals[offset : offset + limit]
    return paginated([hours_total_json(t) for t in page], len(totals), offset, limit)


async def api_hours_record(request: Request) -> Response:
    body = await typed_body(request, HoursRecordInput)
    user = viewer(request)
    if "approve" in body:
        if not isinstance(body["approve"], bool):
            raise InvalidInput(_("Expected true or false."), field="approve")
        entry = await hours.decide_hours(user, path_id(request), approve=body["approve"])
    else:
        minutes, note = body.get("minutes"), body.get("note", "")
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            raise InvalidInput(_("Enter a whole number."), field="minutes")
        if not isinstance(note, str):
            raise InvalidInput(_("Expected text."), field="note")
        entry = await hours.correct_hours(user, path_id(request), minutes=minutes, note=note)
    return JSONResponse(hours_json(entry))


async def api_certificates(request: Request) -> Response:
    user: User = viewer(request)
    settings = settings_of(request)
    if request.method == "POST":
        from opsuite.shifts.pages.certificates import coordinator_form, own_form

        body = await typed_body(request, CertificateInput)
        if body.get("program") is None:
            body = {**body, "program": "all"}
        if "volunteer" in body:
            form = await coordinator_form(user, {})
            data = form_data_from_json(form.fields, body, {})
            form = await coordinator_form(user, data)
        else:
            form = await own_form(user, {})
            form = await own_form(user, form_data_from_json(form.fields, body, {}))
        form.raise_if_invalid()
        volunteer = (
            await get_person(int(form.cleaned["volunteer"])) if "volunteer" in body else user
        )
        created = await certificates.issue_certificate(
            user, volunteer, settings=settings, **forms.certificate_input(form.cleaned)
        )
        url = certificates.verify_url(settings, created)
        return JSONResponse(certificate_json(created, url), status_code=201)
    offset, limit = page_params(request)
    rows, total = await certificates.certificates_page(user.id, offset=offset, limit=limit)
    items = [certificate_json(c, certificates.verify_url(settings, c)) for c in rows]
    return paginated(items, total, offset, limit)


async def api_certificate(request: Request) -> Response:
    found = await certificates.get_certificate(viewer(request), path_id(request))
    url = certificates.verify_url(settings_of(request), found)
    return JSONResponse(certificate_json(found, url))


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    return [
        api(
            "/api/v1/opportunities",
            api_opportunities,
            cap=Cap.SIGNED_IN,
            name="api:opportunities",
            methods=get_post,
            doc=ApiDoc(
                "Volunteer opportunities by title, a page at a time; POST creates one in a "
                "program the caller runs",
                request=OpportunityInput,
                response=OpportunityJson,
                params=(
                    query_param(
                        "program", {"type": "integer"}, "Only this program's opportunities"
                    ),
                ),
                paginated=True,
            ),
        ),
        api(
            "/api/v1/opportunities/{id}",
            api_opportunity,
            cap=Cap.SIGNED_IN,
            name="api:opportunity",
            methods=("GET", "PATCH"),
            doc=ApiDoc(
                "One opportunity; PATCH edits it",
                request=OpportunityInput,
                response=OpportunityJson,
            ),
        ),
        api(
            "/api/v1/shifts",
            api_shifts,
            cap=Cap.SIGNED_IN,
            name="api:shifts",
            methods=get_post,
            doc=ApiDoc(
                "Open shifts, soonest first, a page at a time; POST creates a shift or, with "
                "rrule, a series",
                request=ShiftInput,
                response=ShiftJson,
                params=SHIFT_FILTERS,
                paginated=True,
                created=ShiftsCreated,
            ),
        ),
        api(
            "/api/v1/shifts/{id}",
            api_shift,
            cap=Cap.SIGNED_IN,
            name="api:shift",
            methods=("GET", "PATCH"),
            doc=ApiDoc(
                "One shift; PATCH edits it (scope: this, following or all of its series)",
                request=ShiftPatch,
                response=ShiftJson,
            ),
        ),
        api(
            "/api/v1/shifts/{id}/signup",
            api_signup,
            cap=Cap.SIGNED_IN,
            name="api:shift_signup",
            methods=("POST",),
            doc=ApiDoc("Sign up (or join the waitlist when full)", response=Signup),
        ),
        api(
            "/api/v1/shifts/{id}/cancel",
            api_cancel,
            cap=Cap.SIGNED_IN,
            name="api:shift_cancel",
            methods=("POST",),
            doc=ApiDoc("Cancel one's own sign-up (or leave the waitlist)", response=Signup),
        ),
        api(
            "/api/v1/shifts/{id}/accept",
            api_accept,
            cap=Cap.SIGNED_IN,
            name="api:shift_accept",
            methods=("POST",),
            doc=ApiDoc("Take the place offered to me from the waitlist", response=Signup),
        ),
        api(
            "/api/v1/shifts/{id}/swap",
            api_swap,
            cap=Cap.SIGNED_IN,
            name="api:shift_swap",
            methods=("POST",),
            doc=ApiDoc(
                "Offer my place for a swap, withdraw the offer, or take a place offered; "
                "answers my sign-up (202: the hand-over waiting for a coordinator's approval)",
                request=SwapInput,
                response=Signup,
            ),
        ),
        api(
            "/api/v1/shifts/{id}/checkin",
            api_checkin,
            cap=Cap.SIGNED_IN,
            name="api:shift_checkin",
            methods=("POST",),
            doc=ApiDoc(
                "Check in (from an hour before the start)", request=CheckInput, response=Signup
            ),
        ),
        api(
            "/api/v1/shifts/{id}/checkout",
            api_checkout,
            cap=Cap.SIGNED_IN,
            name="api:shift_checkout",
            methods=("POST",),
            doc=ApiDoc(
                "Check out; the hours since check-in wait for approval",
                request=CheckInput,
                response=Hours,
            ),
        ),
        api(
            "/api/v1/shifts/{id}/roster",
            api_roster,
            cap=Cap.MANAGE,
            name="api:shift_roster",
            methods=get_post,
            doc=ApiDoc(
                "Who is on the shift and waiting, with contacts; POST {user_id} adds someone",
                request=ShiftRosterInput,
                response=Roster,
            ),
        ),
        api(
            "/api/v1/shifts/{id}/attendance",
            api_attendance,
            cap=Cap.MANAGE,
            name="api:shift_attendance",
            methods=("POST",),
            doc=ApiDoc(
                "Mark someone attended (optionally with check-in/out times) or a no-show",
                request=ShiftAttendanceInput,
                response=Signup,
            ),
        ),
        api(
            "/api/v1/hours",
            api_hours,
            cap=Cap.SIGNED_IN,
            name="api:hours",
            methods=get_post,
            doc=ApiDoc(
                "The caller's hours records, newest work day first, a page at a time; POST "
                "logs off-site hours",
                request=HoursInput,
                response=Hours,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/hours/totals",
            api_hours_totals,
            cap=Cap.SIGNED_IN,
            name="api:hours_totals",
            doc=ApiDoc(
                "The caller's minutes per program and month (approved and still pending), "
                "oldest month first, a page at a time",
                response=HoursTotal,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/certificates",
            api_certificates,
            cap=Cap.SIGNED_IN,
            name="api:certificates",
            methods=get_post,
            doc=ApiDoc(
                "The caller's certificates of service, newest first, a page at a time; POST "
                "issues one of the caller's approved hours (a coordinator: of a volunteer's)",
                request=CertificateInput,
                response=CertificateJson,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/certificates/{id}",
            api_certificate,
            cap=Cap.SIGNED_IN,
            name="api:certificate",
            doc=ApiDoc(
                "One certificate of service (its volunteer's or its issuer's)",
                response=CertificateJson,
            ),
        ),
        api(
            "/api/v1/hours/{id}",
            api_hours_record,
            cap=Cap.MANAGE,
            name="api:hours_record",
            methods=("PATCH",),
            doc=ApiDoc(
                "Approve ({approve: true|false}) or correct ({minutes, note}) an hours record",
                request=HoursRecordInput,
                response=Hours,
            ),
        ),
    ]
