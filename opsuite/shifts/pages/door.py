"""At the door (../door.py): the shift's check-in QR code and the page it opens on a phone, the
kiosk a coordinator opens on a tablet, and the printable sign-in sheet with the form that
takes its results afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, InvalidInput, OpsuiteError
from opsuite.shifts import door, planning
from opsuite.shifts.access import authorize_manage_program, authorize_see_opportunity
from opsuite.shifts.models import Attendance, Shift
from opsuite.shifts.pages.certificates import qr_svg
from opsuite.shifts.pages.volunteer import happened_at
from opsuite.web import kiosk
from opsuite.web.access import count_request
from opsuite.web.context import flash
from opsuite.web.errors import wants_json
from opsuite.web.forms import parse_id, parse_time
from opsuite.web.http import path_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render

GET_POST = ("GET", "POST")
POST = ("POST",)


async def _managed_shift(request: Request) -> Shift:
    shift = await planning.get_shift(path_id(request))
    await authorize_manage_program(viewer(request), shift.opportunity.program_id)
    return shift


async def qr_page(request: Request) -> Response:
    """The code a coordinator shows or prints at the door."""
    shift = await _managed_shift(request)
    url = door.door_url(settings_of(request), shift)
    return render(
        request,
        "shifts/door_qr.html",
        {
            "shift": shift,
            "url": url,
            "qr": qr_svg(url, fluid=True),
            "expires": door.code_expires(shift),
        },
    )


async def door_page(request: Request) -> Response:
    """Where the QR code leads: check in with one button, or sign in first."""
    shift = await planning.get_shift(path_id(request))
    token = request.path_params["token"]
    try:
        door.check_token(settings_of(request), shift.id, token)
    except OpsuiteError as exc:
        if wants_json(request):  # a check-in the phone queued: its page shows why
            raise
        refusal = {"message": exc.message}
        return render(request, "shifts/door_refused.html", refusal, status=exc.status)
    await authorize_see_opportunity(request.state.user, shift.opportunity)
    user = request.state.user
    mine = await door.my_signup(user, shift) if user is not None else None
    if request.method == "POST":
        at = await happened_at(request)
        what, _result = await door.door_check(viewer(request), shift, at=at)
        message = _("Checked in.") if what == "in" else _("Checked out.")
        return flash(request, see_other(request.url.path), message, "success")
    login = "/login?" + urlencode({"next": request.url.path})
    context: dict[str, Any] = {
        "shift": shift,
        "opportunity": shift.opportunity,
        "mine": mine,
        "login": login,
    }
    return render(request, "shifts/door.html", context)


async def kiosk_open(request: Request) -> Response:
    """The coordinator chooses the PIN that ends kiosk mode, and the tablet becomes a kiosk."""
    shift = await _managed_shift(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await request.form()
        pin, again = str(form.get("pin", "")).strip(), str(form.get("pin_again", "")).strip()
        try:
            door.check_pin(pin, again)
        except FieldErrors as exc:
            errors = exc.errors
        else:
            home = f"/shifts/{shift.id}/kiosk"
            response = see_other(home)
            return kiosk.enter(request, response, home=home, prefix=home, pin=pin)
    context = {"shift": shift, "opportunity": shift.opportunity, "errors": errors}
    return render(request, "shifts/kiosk_open.html", context, status=400 if errors else 200)


def _in_kiosk(request: Request, shift: Shift) -> kiosk.Kiosk | None:
    mode = kiosk.current(request)
    return mode if mode is not None and mode.home == f"/shifts/{shift.id}/kiosk" else None


async def kiosk_page(request: Request) -> Response:
    shift = await _managed_shift(request)
    if _in_kiosk(request, shift) is None:
        return see_other(f"/shifts/{shift.id}/open-kiosk")
    entries = await door.kiosk_entries(viewer(request), shift)
    return render(
        request,
        "shifts/kiosk.html",
        {"shift": shift, "entries": entries, "title": shift.opportunity.title},
    )


async def kiosk_tap(request: Request) -> Response:
    shift = await _managed_shift(request)
    back = see_other(f"/shifts/{shift.id}/kiosk")
    if _in_kiosk(request, shift) is None:
        return see_other(f"/shifts/{shift.id}/open-kiosk")
    signup_id = parse_id(str((await request.form()).get("signup_id", "")))
    if signup_id is None:
        raise InvalidInput(_("Choose from the list."), field="signup_id")
    try:
        what, name = await door.kiosk_tap(viewer(request), shift, signup_id)
    except (Conflict, InvalidInput) as exc:
        return flash(request, back, exc.message, "error")
    if what == "in":
        message = _("Welcome, %(name)s: you are checked in.", name=name)
    else:
        message = _("Thank you, %(name)s: you are checked out.", name=name)
    return flash(request, back, message, "success")


async def kiosk_leave(request: Request) -> Response:
    shift = await _managed_shift(request)
    mode = _in_kiosk(request, shift)
    if mode is None:
        return see_other(f"/shifts/{shift.id}/roster")
    error = ""
    if request.method == "POST":
        pin = str((await request.form()).get("pin", "")).strip()
        if kiosk.pin_matches(request, mode, pin):
            response = see_other(f"/shifts/{shift.id}/roster")
            return flash(request, kiosk.leave(request, response), _("Kiosk mode ended."), "success")
        await count_request(f"kiosk-pin:{mode.session}", limit=10, window=timedelta(minutes=15))
        error = _("That PIN is not the one set for this kiosk.")
    context = {"shift": shift, "title": shift.opportunity.title, "error": error}
    return render(request, "shifts/kiosk_leave.html", context, status=400 if error else 200)


async def sheet_page(request: Request) -> Response:
    """The printable sign-in sheet."""
    shift = await _managed_shift(request)
    people = await door.confirmed(viewer(request), shift)
    return render(
        request,
        "shifts/sheet.html",
        {"shift": shift, "opportunity": shift.opportunity, "people": people, "blank_rows": 5},
    )


def _moment(day: datetime, text: str, zone: ZoneInfo) -> datetime | None:
    moment = parse_time(text)
    if moment is None:
        return None
    return datetime.combine(day.date(), moment, tzinfo=zone)


def _paper_rows(
    data: FormData, signup_ids: list[int], shift: Shift, zone: ZoneInfo
) -> tuple[list[door.PaperRow], dict[str, str]]:
    """Each person's line of the results form, or the errors naming its fields. Times are
    the viewer's, on the day the shift starts; a time out before the time in is the next day."""
    rows: list[door.PaperRow] = []
    errors: dict[str, str] = {}
    start = shift.starts_at.astimezone(zone)
    for sid in signup_ids:
        choice = str(data.get(f"att_{sid}", "")).strip()
        raw_in = str(data.get(f"in_{sid}", "")).strip()
        raw_out = str(data.get(f"out_{sid}", "")).strip()
        if not choice:
            if raw_in or raw_out:
                errors[f"att_{sid}"] = _("Say whether this person attended.")
            continue
        if choice not in (Attendance.ATTENDED, Attendance.NO_SHOW):
            errors[f"att_{sid}"] = _("Choose from the list.")
            continue
        checked_in = checked_out = None
        if choice == Attendance.ATTENDED and (raw_in or raw_out):
            checked_in, checked_out = _moment(start, raw_in, zone), _moment(start, raw_out, zone)
            if checked_in is None:
                errors[f"in_{sid}"] = _("Enter a time such as 09:30.")
            if checked_out is None:
                errors[f"out_{sid}"] = _("Enter a time such as 17:00.")
            if checked_in and checked_out and checked_out <= checked_in:
                checked_out += timedelta(days=1)
        elif choice == Attendance.NO_SHOW and (raw_in or raw_out):
            errors[f"in_{sid}"] = _("A no-show has no times.")
        rows.append(door.PaperRow(sid, Attendance(choice), checked_in, checked_out))
    return rows, errors


async def sheet_results(request: Request) -> Response:
    """The paper sheet's results in one form: attended (with times) or no-show per person."""
    shift = await _managed_shift(request)
    people = await door.confirmed(viewer(request), shift)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        data = await request.form()
        values = {k: str(v) for k, v in data.items() if isinstance(v, str)}
        zone = ZoneInfo(str(request.state.timezone))
        rows, errors = _paper_rows(data, [s.id for s in people], shift, zone)
        if not errors:
            try:
                saved = await door.enter_results(viewer(request), shift, rows)
            except (InvalidInput, Conflict) as exc:
                errors = {getattr(exc, "field", None) or "form": exc.message}
            else:
                message = _("Attendance saved for %(n)s people.", n=saved)
                return flash(request, see_other(f"/shifts/{shift.id}/roster"), message, "success")
    if not values:
        for s in people:
            values[f"att_{s.id}"] = str(s.attendance or "")
            zone = ZoneInfo(str(request.state.timezone))
            if s.checked_in_at:
                values[f"in_{s.id}"] = s.checked_in_at.astimezone(zone).strftime("%H:%M")
            if s.checked_out_at:
                values[f"out_{s.id}"] = s.checked_out_at.astimezone(zone).strftime("%H:%M")
    context = {
        "shift": shift,
        "opportunity": shift.opportunity,
        "people": people,
        "values": values,
        "errors": errors,
    }
    return render(request, "shifts/sheet_results.html", context, status=400 if errors else 200)


def routes() -> list[BaseRoute]:
    manage = Cap.MANAGE
    return [
        page("/shifts/{id}/qr", qr_page, cap=manage, name="shifts:door_qr"),
        page("/shifts/{id}/door/{token}", door_page, cap=Cap.PUBLIC, name="shifts:door"),
        page(
            "/shifts/{id}/door/{token}",
            door_page,
            cap=Cap.SIGNED_IN,
            name="shifts:door_check",
            methods=POST,
        ),
        page(
            "/shifts/{id}/open-kiosk",
            kiosk_open,
            cap=manage,
            name="shifts:kiosk_open",
            methods=GET_POST,
        ),
        page("/shifts/{id}/kiosk", kiosk_page, cap=manage, name="shifts:kiosk"),
        page(
            "/shifts/{id}/kiosk/tap", kiosk_tap, cap=manage, name="shifts:kiosk_tap", methods=POST
        ),
        page(
            "/shifts/{id}/kiosk/leave",
            kiosk_leave,
            cap=manage,
            name="shifts:kiosk_leave",
            methods=GET_POST,
        ),
        page("/shifts/{id}/sheet", sheet_page, cap=manage, name="shifts:sheet"),
        page(
            "/shifts/{id}/sheet/results",
            sheet_results,
            cap=manage,
            name="shifts:sheet_results",
            methods=GET_POST,
        ),
    ]
