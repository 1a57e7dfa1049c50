"""The schedules API's counterparts of the managers' and admins' pages (pages/manage.py) and of
cancelling one's own leave: staff's arrangement proposals and their decision, one-day
exceptions, offices and their holidays. The same forms and services as the pages."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.schedules import access, forms, service
from opsuite.schedules.api import arrangement_json, leave_json, parse_arrangement, schemas
from opsuite.schedules.models import Arrangement, Holiday, Office, ScheduleException
from opsuite.wallclock import optional_time
from opsuite.web.api import form_data_from_json, page_params, paginated, typed_body
from opsuite.web.forms import Form
from opsuite.web.http import path_id, viewer
from opsuite.web.routing import ApiDoc, api


def _hhmm(minute: int | None) -> str | None:
    at = optional_time(minute)
    return at.strftime("%H:%M") if at is not None else None


def exception_json(e: ScheduleException) -> dict[str, Any]:
    return {
        "id": e.id,
        "user_id": e.user_id,
        "date": e.date.isoformat(),
        "kind": str(e.kind),
        "start": _hhmm(e.start_minute),
        "end": _hhmm(e.end_minute),
        "location": str(e.location) if e.location else None,
        "office_id": e.office_id,
        "note": e.note,
    }


def office_json(o: Office) -> dict[str, Any]:
    return {"id": o.id, "name": o.name, "timezone": o.timezone, "address": o.address}


def holiday_json(h: Holiday) -> dict[str, Any]:
    return {"date": h.date.isoformat(), "name": h.name}


def _form(fields: tuple[Any, ...], body: dict[str, Any]) -> Form:
    """A typed body through the page's form (null is an empty field); 400 naming a bad one."""
    given = {k: v for k, v in body.items() if v is not None}
    form = Form.bind(fields, form_data_from_json(fields, given, {}))
    form.raise_if_invalid()
    return form


def _page(request: Request, items: list[dict[str, Any]]) -> JSONResponse:
    """One page (?page=&per_page=) of a short list the service gives whole."""
    offset, limit = page_params(request)
    return paginated(items[offset : offset + limit], len(items), offset, limit)


async def _arrangement_answer(arrangement_id: int, status: int = 200) -> JSONResponse:
    arrangement = await Arrangement.get(id=arrangement_id).prefetch_related("blocks")
    return JSONResponse(arrangement_json(arrangement), status_code=status)


# --- leave and proposals ------------------------------------------------------------------------


async def api_leave_cancel(request: Request) -> Response:
    leave = await service.get_leave(path_id(request))
    await service.withdraw_leave(viewer(request), leave)
    return JSONResponse(leave_json(leave))


async def api_proposals(request: Request) -> Response:
    """Staff propose their own arrangement (the page at /schedule/propose)."""
    typed = await parse_arrangement(await typed_body(request, schemas.ArrangementInput))
    proposal = await service.propose_arrangement(viewer(request), typed)
    return await _arrangement_answer(proposal.id, status=201)


async def api_proposal_decision(request: Request) -> Response:
    user = viewer(request)
    arrangement = await service.get_arrangement(path_id(request))
    await access.authorize_decision(user, arrangement.user)
    body = await typed_body(request, schemas.ProposalDecision)
    await service.decide_proposal(user, arrangement, approve=body["approve"])
    return await _arrangement_answer(arrangement.id)


# --- exceptions ---------------------------------------------------------------------------------


async def api_exceptions(request: Request) -> Response:
    user = viewer(request)
    person = await service.get_person(path_id(request))
    await access.authorize_manage_person(user, person)
    if request.method == "POST":
        offices = [(str(o.id), o.name) for o in await service.list_offices()]
        body = await typed_body(request, schemas.ExceptionInput)
        form = _form(forms.exception_fields(lambda: offices), body)
        made = await service.add_exception(user, person, **forms.exception_input(form.cleaned))
        return JSONResponse(exception_json(made), status_code=201)
    return _page(request, [exception_json(e) for e in await service.list_exceptions(person)])


# --- offices and holidays -----------------------------------------------------------------------


async def api_offices(request: Request) -> Response:
    if request.method == "POST":
        user = viewer(request)
        await authorize(user, Cap.ADMIN)
        form = _form(forms.OFFICE, await typed_body(request, schemas.OfficeInput))
        office = await service.create_office(user, **form.cleaned)
        return JSONResponse(office_json(office), status_code=201)
    return _page(request, [office_json(o) for o in await service.list_offices()])


async def api_holidays(request: Request) -> Response:
    user = viewer(request)
    if request.method == "POST":
        await authorize(user, Cap.ADMIN)  # before the office: a stranger learns of none
    office = await service.get_office(path_id(request))
    if request.method == "POST":
        form = _form(forms.HOLIDAY, await typed_body(request, schemas.HolidayInput))
        day = forms.cleaned_date(form.cleaned, "date")
        await service.import_holidays(user, office, [(day, form.cleaned["name"])])
        saved = await Holiday.get(office_id=office.id, date=day)
        return JSONResponse(holiday_json(saved))
    return _page(request, [holiday_json(h) for h in await service.list_holidays(office)])


async def api_holidays_import(request: Request) -> Response:
    office = await service.get_office(path_id(request))
    body = await typed_body(request, schemas.HolidayFile)
    rows, errors = service.read_holiday_file(body["content"])
    if errors:
        raise InvalidInput(" ".join(errors[:20]), field="content")
    result = await service.import_holidays(viewer(request), office, rows)
    return JSONResponse({"added": result.added, "updated": result.updated})


def routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/leave/{id}/cancel",
            api_leave_cancel,
            cap=Cap.STAFF,
            name="api:leave_cancel",
            methods=("POST",),
            doc=ApiDoc(
                "Cancel my own leave request while it waits for a decision (409 once decided).",
                response=schemas.LeaveJson,
            ),
        ),
        api(
            "/api/v1/arrangement-proposals",
            api_proposals,
            cap=Cap.STAFF,
            name="api:arrangement_proposals",
            methods=("POST",),
            doc=ApiDoc(
                "Propose a new arrangement of my own; a manager of my team decides on it.",
                request=schemas.ArrangementInput,
                response=schemas.ArrangementJson,
            ),
        ),
        api(
            "/api/v1/arrangement-proposals/{id}/decision",
            api_proposal_decision,
            cap=Cap.MANAGE,
            name="api:proposal_decision",
            methods=("POST",),
            doc=ApiDoc(
                "Put a proposed arrangement in force or reject it (a manager of the person's "
                "team, never one's own; admins); 409 once decided.",
                request=schemas.ProposalDecision,
                response=schemas.ArrangementJson,
            ),
        ),
        api(
            "/api/v1/people/{id}/exceptions",
            api_exceptions,
            cap=Cap.MANAGE,
            name="api:schedule_exceptions",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "A person's one-day exceptions to their arrangement, newest first (the latest "
                "200); POST adds a day off, an extra working day or a move (their team's "
                "manager or an admin).",
                request=schemas.ExceptionInput,
                response=schemas.ExceptionJson,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/offices",
            api_offices,
            cap=Cap.STAFF,
            name="api:offices",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "The organisation's offices (the ids arrangements name); POST adds one (admins).",
                request=schemas.OfficeInput,
                response=schemas.OfficeJson,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/offices/{id}/holidays",
            api_holidays,
            cap=Cap.STAFF,
            name="api:holidays",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "An office's public holidays by date; POST saves one (a day already there is "
                "renamed; admins).",
                request=schemas.HolidayInput,
                response=schemas.HolidayJson,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/offices/{id}/holidays/import",
            api_holidays_import,
            cap=Cap.ADMIN,
            name="api:holidays_import",
            methods=("POST",),
            doc=ApiDoc(
                "Import an office's holidays from a CSV or iCalendar file's text (admins); "
                "days already there are renamed. A bad line refuses the whole file.",
                request=schemas.HolidayFile,
                response=schemas.HolidayImportJson,
            ),
        ),
    ]
