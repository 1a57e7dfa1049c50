"""Meeting pages: calendars (agenda, day, week, month), the meeting page with its occurrences,
the create/edit form with conflicts shown before saving, RSVP (on the page and by signed link)
and notes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response

from opsuite import clock
from opsuite.auth.models import User
from opsuite.errors import FieldErrors, InvalidInput, NotFound
from opsuite.meetings import availability, forms, recurrence, service, views
from opsuite.meetings.models import Meeting
from opsuite.meetings.occurrences import Occurrence, expand_meeting
from opsuite.web import calendar as cal
from opsuite.web.context import flash
from opsuite.web.forms import Form, has_control_character
from opsuite.web.http import path_id, query_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.templating import render

CONFLICT_PREVIEW = 10


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(str(request.state.timezone))


def labels() -> dict[str, Any]:
    return {
        "modes": dict(forms.mode_choices()),
        "answers": {
            "needs_action": _("No answer yet"),
            "accepted": _("Accepted"),
            "tentative": _("Maybe"),
            "declined": _("Declined"),
        },
        "conflict_kinds": {
            "meeting": _("Another meeting"),
            "time_off": _("Time off"),
            "holiday": _("Holiday"),
            "outside_hours": _("Outside working hours"),
            "shift": _("A volunteer shift"),
        },
        "votes": {"yes": _("Yes"), "if_need_be": _("If need be"), "no": _("No")},
    }


# --- calendar -----------------------------------------------------------------------------------


async def calendar(request: Request) -> Response:
    user, zone = viewer(request), _zone(request)
    asked = cal.asked(request, zone)
    scope = await views.resolve_scope(user, query_id(request, "team"), query_id(request, "program"))
    w = asked.window
    found = views.entries(await views.scope_occurrences(user, scope, w.start, w.end))
    return render(
        request,
        "meetings/calendar.html",
        {
            "w": w,
            "scope": scope,
            "columns": cal.by_day(found, w, zone, asked.anchor.month),
            "entries": found,
            "teams": await service.team_ids_of(user),
            "anchor": asked.anchor,
            "today": asked.today,  # marked in the grid whichever month is shown
            **labels(),
        },
    )


# --- the form -----------------------------------------------------------------------------------


async def _fields() -> tuple[Any, ...]:
    people, teams, programs = await views.form_choices()
    return forms.meeting_fields(
        forms.person_choices(people),
        [(str(t.id), t.name) for t in teams],
        [(str(p.id), p.name) for p in programs],
    )


def _initial(
    meeting: Meeting, attendees: list[Any], occurrence: Occurrence | None
) -> dict[str, Any]:
    zone = ZoneInfo(meeting.timezone)
    start = (occurrence.start if occurrence else meeting.starts_at).astimezone(zone)
    end = (occurrence.end if occurrence else meeting.ends_at).astimezone(zone)
    return {
        "title": occurrence.title if occurrence else meeting.title,
        "description": meeting.description,
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "timezone": meeting.timezone,
        "mode": str(meeting.mode),
        "location": occurrence.location if occurrence else meeting.location,
        "video_url": meeting.video_url,
        "agenda": meeting.agenda,
        "repeat": "custom" if meeting.rrule else "",
        "rrule": meeting.rrule,
        "team": str(meeting.team_id or ""),
        "program": str(meeting.program_id or ""),
        "visibility": str(meeting.visibility),
        "required": [str(a.user_id) for a in attendees if a.required],
        "optional": [str(a.user_id) for a in attendees if not a.required],
    }


async def _conflicts(
    user: User, data: service.MeetingInput, ignore: int | None
) -> list[tuple[User, list[availability.Conflict]]]:
    ids = [a.user_id for a in data.attendees]
    people = await User.filter(id__in=ids)
    rule = recurrence.normalize_rule(data.rrule, starts_at=data.starts_at, timezone=data.timezone)
    starts = recurrence.original_starts(
        starts_at=data.starts_at,
        timezone=data.timezone,
        rule_text=rule,
        window_start=data.starts_at,
        window_end=data.starts_at + timedelta(weeks=12),
    )[:CONFLICT_PREVIEW]
    length = data.ends_at - data.starts_at
    found = await availability.conflicts(
        people, [(s, s + length) for s in starts], viewer=user, ignore_meeting=ignore
    )
    return [(p, found[p.id]) for p in people if found[p.id]]


async def _form_page(
    request: Request,
    form: Form,
    *,
    meeting: Meeting | None = None,
    conflicts: list[Any] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "meeting": meeting,
            "conflicts": conflicts,
            "occurrence": request.query_params.get("occurrence", ""),
            "scope_choice": request.query_params.get("scope", ""),
            **labels(),
        },
        status=status,
    )


async def _submitted(request: Request, fields: tuple[Any, ...]) -> tuple[Form, Any]:
    submitted = await request.form()
    form = Form.bind(fields, submitted)
    data = None
    if form.is_valid:
        try:
            data = forms.meeting_input(form.cleaned)
            data = await service.validate_meeting(data)
        except FieldErrors as exc:
            forms.absorb(form, exc)
            data = None
    return form, data


async def new_meeting(request: Request) -> Response:
    fields = await _fields()
    user = viewer(request)
    if request.method == "GET":
        zone = _zone(request)
        tomorrow = clock.now().astimezone(zone).date() + timedelta(days=1)
        initial = {
            "date": request.query_params.get("date", tomorrow.isoformat()),
            "start_time": request.query_params.get("start", "10:00"),
            "end_time": request.query_params.get("end", "11:00"),
            "timezone": user.timezone,
            "mode": "in_person",
            "visibility": "team",
            "required": request.query_params.getlist("required"),
            "optional": request.query_params.getlist("optional"),
        }
        return await _form_page(request, Form.blank(fields, initial))
    form, data = await _submitted(request, fields)
    if data is None:
        return await _form_page(request, form, status=400)
    action = str((await request.form()).get("action", ""))
    found = await _conflicts(viewer(request), data, None)
    if action == "check" or (found and action != "save_anyway"):
        return await _form_page(request, form, conflicts=found)
    meeting = await service.create_meeting(user, data, settings=settings_of(request))
    return flash(
        request,
        see_other(f"/meetings/{meeting.id}"),
        _("Meeting booked; invitations are on their way."),
    )


def _occurrence_of(raw: str) -> datetime | None:
    """An occurrence's key (its original start, 20260310T100000Z) as an instant; None for
    none given. Raises InvalidInput for anything else."""
    if not raw:
        return None
    instant = recurrence.parse_stamp(raw)
    if instant is None:
        raise InvalidInput(_("That occurrence does not exist."), field="occurrence")
    return instant


def _occurrence_param(request: Request) -> datetime | None:
    return _occurrence_of(request.query_params.get("occurrence", ""))


async def edit_meeting(request: Request) -> Response:
    user = viewer(request)
    meeting = await service.meeting_to_edit(user, path_id(request))
    original = _occurrence_param(request)
    scope = request.query_params.get("scope", "all")
    occurrence = await service.find_occurrence(meeting, original) if original else None
    fields = await _fields()
    if request.method == "GET":
        attendees = await service.attendees_of(meeting)
        initial = _initial(meeting, attendees, occurrence)
        if occurrence is not None and scope == "one":
            initial["repeat"], initial["rrule"] = "", ""
        return await _form_page(request, Form.blank(fields, initial), meeting=meeting)
    form, data = await _submitted(request, fields)
    if data is None:
        return await _form_page(request, form, meeting=meeting, status=400)
    action = str((await request.form()).get("action", ""))
    found = await _conflicts(user, data, meeting.id)
    if action == "check" or (found and action != "save_anyway"):
        return await _form_page(request, form, meeting=meeting, conflicts=found)
    settings = settings_of(request)
    try:
        if original is not None and scope == "one":
            await service.update_occurrence(
                user, meeting, original, forms.occurrence_input(form.cleaned), settings=settings
            )
        elif original is not None and scope == "following":
            meeting = await service.update_following(
                user, meeting, original, data, settings=settings
            )
        else:
            await service.update_meeting(user, meeting, data, settings=settings)
    except (FieldErrors, InvalidInput) as exc:
        forms.absorb(form, exc)
        return await _form_page(request, form, meeting=meeting, status=400)
    return flash(
        request, see_other(f"/meetings/{meeting.id}"), _("Saved; everyone invited is told.")
    )


# --- the meeting page ---------------------------------------------------------------------------


async def detail(request: Request) -> Response:
    """The meeting; for a series, its occurrences with each one's answers, and one occurrence
    opened (``?occurrence=``) to answer it, see who comes and read or keep its notes."""
    user = viewer(request)
    meeting = await service.meeting_for(user, path_id(request))
    now = clock.now()
    changes = await service.changes_of(meeting)
    upcoming = expand_meeting(meeting, changes, now - timedelta(days=7), now + timedelta(weeks=8))
    attendees = await service.attendees_of(meeting)
    answered = (await service.answers_by_occurrence([meeting.id]))[meeting.id]
    original = _occurrence_param(request) if meeting.rrule else None
    chosen = None
    if original is not None:
        occurrence = await service.find_occurrence(meeting, original)
        [chosen] = service.summarize([occurrence], attendees, answered, changes)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "me": next((a for a in attendees if a.user_id == user.id), None),
            "upcoming": service.summarize(upcoming[:20], attendees, answered, changes),
            "chosen": chosen,
            "can_edit": await service.can_edit(user, meeting),
            "now": now,
            **labels(),
        },
    )


def _back_to(meeting: Meeting, original: datetime | None) -> str:
    """The meeting's page, opened at the occurrence the form was about."""
    if original is None:
        return f"/meetings/{meeting.id}"
    return f"/meetings/{meeting.id}?occurrence={recurrence.stamp(original)}#occurrence"


async def _occurrence_field(request: Request) -> datetime | None:
    """The occurrence a form is about (its ``occurrence`` field), or None for the meeting."""
    return _occurrence_of(await _form_value(request, "occurrence"))


async def _form_value(request: Request, name: str) -> str:
    value = (await request.form()).get(name, "")
    if isinstance(value, str) and has_control_character(value, multiline=True):
        raise InvalidInput(
            _("%(field)s contains a control character (such as a NUL byte).", field=name),
            field=name,
        )
    return value if isinstance(value, str) else ""


async def respond(request: Request) -> Response:
    """An answer to the meeting (every occurrence of a series), or to one occurrence."""
    user = viewer(request)
    meeting = await service.meeting_for(user, path_id(request))
    answer = await _form_value(request, "response")
    original = await _occurrence_field(request)
    settings = settings_of(request)
    if original is None:
        await service.respond(meeting, user.id, answer, settings=settings)
        return flash(request, see_other(_back_to(meeting, None)), _("Your answer is saved."))
    await service.respond_to_occurrence(meeting, user.id, original, answer, settings=settings)
    return flash(
        request,
        see_other(_back_to(meeting, original)),
        _("Your answer for this occurrence is saved."),
    )


async def cancel(request: Request) -> Response:
    user = viewer(request)
    meeting = await service.meeting_to_edit(user, path_id(request))
    await service.cancel_meeting(user, meeting, settings=settings_of(request))
    return flash(
        request,
        see_other(f"/meetings/{meeting.id}"),
        _("Meeting cancelled; everyone invited is told."),
    )


async def skip(request: Request) -> Response:
    user = viewer(request)
    meeting = await service.meeting_to_edit(user, path_id(request))
    original = recurrence.parse_stamp(await _form_value(request, "occurrence"))
    if original is None:
        raise InvalidInput(_("That occurrence does not exist."), field="occurrence")
    await service.skip_occurrence(user, meeting, original, settings=settings_of(request))
    return flash(request, see_other(f"/meetings/{meeting.id}"), _("That date is cancelled."))


async def minutes(request: Request) -> Response:
    user = viewer(request)
    meeting = await service.meeting_to_edit(user, path_id(request))
    original = await _occurrence_field(request)
    text = await _form_value(request, "minutes")
    await service.save_minutes(user, meeting, text, original_start=original)
    return flash(request, see_other(_back_to(meeting, original)), _("Notes saved."))


# --- RSVP by signed link ------------------------------------------------------------------------


async def rsvp_link(request: Request) -> Response:
    settings = settings_of(request)
    try:
        meeting_id = int(request.path_params["meeting_id"])
        user_id = int(request.path_params["user_id"])
    except ValueError:
        raise NotFound(_("This link is not valid.")) from None
    if not service.is_valid_rsvp(settings, meeting_id, user_id, request.path_params["signature"]):
        raise NotFound(_("This link is not valid."))
    meeting = await service.get_meeting(meeting_id)
    attendee = await service.get_attendee(meeting, user_id)
    saved = False
    if request.method == "POST":
        answer = await _form_value(request, "response")
        attendee = await service.respond(meeting, user_id, answer, settings=settings)
        saved = True
    return render(
        request,
        "meetings/rsvp.html",
        {"meeting": meeting, "attendee": attendee, "saved": saved, **labels()},
    )
