"""Volunteers' shift pages: open shifts (public ones without an account), a shift, "My shifts",
sign-up, waitlist offers, swaps and check-in; hand-overs are in handovers.py, the coordinators'
pages in manage.py and the JSON API in ../api.py."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite import clock
from opsuite.auth.models import User
from opsuite.auth.permissions import role_allows
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput, OpsuiteError
from opsuite.people.models import Program
from opsuite.shifts import (
    certificates,
    eligibility,
    forms,
    hours,
    listing,
    newcomers,
    planning,
    service,
)
from opsuite.shifts.access import authorize_see_opportunity
from opsuite.shifts.forms import LIST_DAYS, filters_from, viewer_zone
from opsuite.shifts.models import ACTIVE_STATUSES, HandoverStatus, HoursRecord, SignUp, SignUpStatus
from opsuite.shifts.pages.certificates import own_form
from opsuite.shifts.pages.handovers import accepted_message
from opsuite.shifts.pages.handovers import handover_form as handover_form_for
from opsuite.web import calendar as cal
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form, parse_date, parse_id
from opsuite.web.http import pager, path_id, query_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


def status_labels() -> dict[str, str]:
    return {
        "confirmed": _("Confirmed"),
        "waitlisted": _("On the waitlist"),
        "offered": _("Place offered to you"),
        "cancelled": _("Cancelled"),
        "lapsed": _("Offer lapsed"),
        "held": _("Place held until the account is confirmed"),
        "attended": _("Attended"),
        "no_show": _("No-show"),
        "pending": _("Waiting for approval"),
        "approved": _("Approved"),
        "rejected": _("Not approved"),
    }


async def shifts_list(request: Request) -> Response:
    user: User | None = request.state.user
    filters, first = filters_from(request)
    cards = await listing.list_open_shifts(user, filters)
    zone = viewer_zone(request)
    by_day: dict[date, list[listing.ShiftCard]] = defaultdict(list)
    for card in cards:
        by_day[card.shift.starts_at.astimezone(zone).date()].append(card)
    programs = await Program.filter(is_active=True).order_by("name")
    has_availability = bool(
        user and filters.fits_availability and await service.weekly_blocks(user.id)
    )
    return render(
        request,
        "shifts/list.html",
        {
            "has_availability": has_availability,
            "days": sorted(by_day.items()),
            "filters": filters,
            "first": first,
            "programs": programs,
            "remote": request.query_params.get("remote", ""),
            "prev_day": (first - timedelta(days=LIST_DAYS)).isoformat(),
            "next_day": (first + timedelta(days=LIST_DAYS)).isoformat(),
            "can_create": role_allows(user, Cap.MANAGE),
        },
    )


async def shifts_calendar(request: Request) -> Response:
    """Open shifts on the calendar component, mine marked; a program filter is kept."""
    user: User | None = request.state.user
    zone = viewer_zone(request)
    asked = cal.asked(request, zone, default="month")
    program_id = query_id(request, "program")
    w = asked.window
    entries = await listing.calendar_entries(user, w.start, w.end, program_id=program_id)
    return render(
        request,
        "shifts/calendar.html",
        {
            "w": w,
            "columns": cal.by_day(entries, w, zone, asked.anchor.month),
            "entries": entries,
            "anchor": asked.anchor,
            "today": asked.today,
            "program_id": program_id,
            "programs": await Program.filter(is_active=True).order_by("name"),
        },
    )


async def _detail(request: Request, newcomer: Form | None = None, status: int = 200) -> Response:
    user: User | None = request.state.user
    shift = await planning.get_shift(path_id(request))
    opportunity = shift.opportunity
    await authorize_see_opportunity(user, opportunity)
    counts = (await service.counts_for([shift.id]))[shift.id]
    mine = None
    position = None
    if user is not None:
        mine = await SignUp.get_or_none(
            shift_id=shift.id, volunteer_id=user.id, status__in=ACTIVE_STATUSES
        )
        position = await service.waitlist_position(mine) if mine else None
    given = offered = handover_form = None
    if user is not None:
        offered = await service.open_handover_for(shift.id, user.id)
        if mine is not None and mine.status == SignUpStatus.CONFIRMED:
            given = await service.open_handover_of(shift.id, user.id)
            if given is None and mine.swap_offered_at is None:
                handover_form = await handover_form_for(user, shift.id)
    is_coordinator = await service.is_coordinator(user, shift)
    can_invite, invited = False, 0
    if is_coordinator:
        policy = await service.policy_for(opportunity.program_id)
        can_invite = service.invite_open(shift, counts.free(shift.capacity), policy)
        invited = await service.invited_count(shift.id)
    return render(
        request,
        "shifts/detail.html",
        {
            "can_invite": can_invite,
            "invited": invited,
            "shift": shift,
            "opportunity": opportunity,
            "counts": counts,
            "free": counts.free(shift.capacity),
            "mine": mine,
            "position": position,
            "swap_open": user is not None and await service.can_take_swap(user, shift.id),
            "given": given,
            "offered": offered,
            "handover_form": handover_form,
            "missing": service.missing_skills(user, opportunity) if user else [],
            "requirements": await eligibility.missing_for(user, opportunity.program_id),
            "is_coordinator": is_coordinator,
            "started": shift.starts_at <= clock.now(),
            "cutoff_hours": int(service.CANCEL_CUTOFF.total_seconds() // 3600),
            "newcomer": newcomer or Form.blank(forms.NEWCOMER),
            "labels": status_labels(),
        },
        status=status,
    )


async def shift_detail(request: Request) -> Response:
    return await _detail(request)


def _back(request: Request) -> str:
    return f"/shifts/{path_id(request)}"


async def signup(request: Request) -> Response:
    result = await _try(
        request, service.sign_up(viewer(request), path_id(request), settings=settings_of(request))
    )
    if isinstance(result, Response):
        return result
    if result.status == SignUpStatus.WAITLISTED:
        position = await service.waitlist_position(result)
        message = _("The shift is full; you are number %(n)s on the waitlist.", n=position)
    else:
        message = _("You are signed up. We will remind you before the shift.")
    return flash(request, see_other(_back(request)), message, "success")


async def _try(request: Request, call: Any) -> Any:
    """The result of a service call. A refusal (a full shift, a missing skill, check-in not
    open yet) is raised on to web/errors.py, which shows it on the page the person was on."""
    return await call


async def cancel(request: Request) -> Response:
    result = await _try(
        request,
        service.cancel_signup(viewer(request), path_id(request), settings=settings_of(request)),
    )
    if isinstance(result, Response):
        return result
    return flash(request, see_other(_back(request)), _("You are no longer on this shift."))


async def accept(request: Request) -> Response:
    result = await _try(
        request,
        service.accept_offer(viewer(request), path_id(request), settings=settings_of(request)),
    )
    if isinstance(result, Response):
        return result
    return flash(request, see_other(_back(request)), _("The place is yours."), "success")


async def swap(request: Request) -> Response:
    form = Form.bind(forms.SWAP, await request.form())
    form.raise_if_invalid()
    action = form.cleaned["action"]
    messages = {
        "offer": _(
            "Your place is offered for a swap; you stay on the shift until someone takes it."
        ),
        "withdraw": _("You kept your place; the swap offer is withdrawn."),
        "take": _("You took over the place; the coordinator has been told."),
    }
    taken = await service.swap_action(
        viewer(request), path_id(request), action, settings=settings_of(request)
    )
    if taken is not None and taken.status == HandoverStatus.AWAITING_APPROVAL:
        messages["take"] = accepted_message(taken)
    return flash(request, see_other(_back(request)), messages[action], "success")


async def join(request: Request) -> Response:
    """Someone without an account asks for a place. The answer is the same for every address
    (no account discovery); the work, and the email, happen after it is sent."""
    form = Form.bind(forms.NEWCOMER, await request.form())
    if form.is_valid:
        settings = settings_of(request)
        try:
            await newcomers.check_joinable(path_id(request))
        except OpsuiteError as exc:
            if exc.status in (401, 403, 404):
                raise
            form.add_error("email", exc.message)
        else:
            message = _(
                "Thank you! We have sent a message to %(email)s. Follow its link within "
                "%(minutes)s minutes to keep your place.",
                email=form.cleaned["email"],
                minutes=settings.shifts.newcomer_hold_minutes,
            )
            response = flash(request, see_other(_back(request)), message, "success")
            response.background = BackgroundTask(
                newcomers.join,
                path_id(request),
                name=form.cleaned["name"],
                email=form.cleaned["email"],
                timezone=str(request.state.timezone) or settings.i18n.default_timezone,
                locale=str(request.state.locale),
                settings=settings,
            )
            return response
    return await _detail(request, newcomer=form, status=400)


async def _own_signup(request: Request) -> int:
    user = viewer(request)
    raw = str((await request.form()).get("signup_id", "")).strip()
    if raw:
        signup_id = parse_id(raw)
        if signup_id is None:
            raise InvalidInput(_("Choose from the list."), field="signup_id")
        return signup_id
    return await hours.own_signup_id(user, path_id(request))


async def happened_at(request: Request) -> datetime | None:
    """A queued action from a phone that lost its signal says when it really happened."""
    raw = str((await request.form()).get("happened_at", "")).strip()
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            _("The time must look like 2026-03-07T09:05:00Z."), field="happened_at"
        ) from None


async def check_in(request: Request) -> Response:
    signup_id = await _own_signup(request)
    at = await happened_at(request)
    result = await _try(request, hours.check_in(viewer(request), signup_id, at=at))
    if isinstance(result, Response):
        return result
    target = str((await request.form()).get("next", "")) or _back(request)
    target = target if target.startswith("/shifts/") else _back(request)
    return flash(request, see_other(target), _("Checked in."), "success")


async def check_out(request: Request) -> Response:
    signup_id = await _own_signup(request)
    at = await happened_at(request)
    result = await _try(request, hours.check_out(viewer(request), signup_id, at=at))
    if isinstance(result, Response):
        return result
    target = str((await request.form()).get("next", "")) or _back(request)
    target = target if target.startswith("/shifts/") else _back(request)
    message = _("Checked out: %(minutes)s minutes, waiting for approval.", minutes=result.minutes)
    return flash(request, see_other(target), message, "success")


async def mine(request: Request, offsite: Form | None = None, status: int = 200) -> Response:
    user = viewer(request)
    upcoming, past = await listing.my_shifts(user)
    records = await hours_of(user)
    offset, limit = page_params(request, "past_page")  # upcoming ones are few; the past grows
    totals = await hours.totals(volunteer_id=user.id)
    totals_offset, totals_limit = page_params(request, "totals_page")
    return render(
        request,
        "shifts/mine.html",
        {
            "upcoming": upcoming,
            "past": past[offset : offset + limit],
            "past_pager": pager(len(past), offset, limit),
            "records": records,
            "totals": totals[totals_offset : totals_offset + totals_limit],
            "totals_pager": pager(len(totals), totals_offset, totals_limit),
            "offsite": offsite or Form.blank(forms.offsite_fields(await forms.program_choices())),
            "certificate_form": await own_form(user),
            "certificates": (await certificates.certificates_page(user.id, offset=0, limit=5))[0],
            "offers": await service.offers_to(user.id),
            "labels": status_labels(),
            "now": clock.now(),
        },
        status=status,
    )


async def hours_of(user: User) -> list[Any]:
    return list(
        await HoursRecord.filter(volunteer_id=user.id)
        .limit(50)
        .prefetch_related("program", "corrections")
    )


async def my_shifts(request: Request) -> Response:
    return await mine(request)


async def log_hours(request: Request) -> Response:
    form = Form.bind(forms.offsite_fields(await forms.program_choices()), await request.form())
    if form.is_valid:
        try:
            await hours.log_offsite_hours(
                viewer(request),
                program_id=int(form.cleaned["program_id"]),
                work_date=parse_date(form.cleaned["work_date"]) or date.min,
                minutes=form.cleaned["minutes"],
                description=form.cleaned["description"],
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("Your hours are logged; a coordinator will approve them.")
            return flash(request, see_other("/shifts/mine"), message, "success")
    return await mine(request, offsite=form, status=400)


def routes() -> list[BaseRoute]:
    post = ("POST",)
    return [
        page("/shifts", shifts_list, cap=Cap.PUBLIC, name="shifts:list"),
        page("/shifts/calendar", shifts_calendar, cap=Cap.PUBLIC, name="shifts:calendar"),
        page("/shifts/mine", my_shifts, cap=Cap.SIGNED_IN, name="shifts:mine"),
        page(
            "/shifts/mine/hours",
            log_hours,
            cap=Cap.SIGNED_IN,
            name="shifts:log_hours",
            methods=post,
        ),
        page("/shifts/{id}", shift_detail, cap=Cap.PUBLIC, name="shifts:detail"),
        page("/shifts/{id}/signup", signup, cap=Cap.SIGNED_IN, name="shifts:signup", methods=post),
        page("/shifts/{id}/cancel", cancel, cap=Cap.SIGNED_IN, name="shifts:cancel", methods=post),
        page("/shifts/{id}/accept", accept, cap=Cap.SIGNED_IN, name="shifts:accept", methods=post),
        page("/shifts/{id}/swap", swap, cap=Cap.SIGNED_IN, name="shifts:swap", methods=post),
        page("/shifts/{id}/join", join, cap=Cap.PUBLIC, name="shifts:join", methods=post),
        page(
            "/shifts/{id}/checkin", check_in, cap=Cap.SIGNED_IN, name="shifts:checkin", methods=post
        ),
        page(
            "/shifts/{id}/checkout",
            check_out,
            cap=Cap.SIGNED_IN,
            name="shifts:checkout",
            methods=post,
        ),
    ]
