"""Meetings over JSON: occurrences in a window, a meeting (create, read, change, cancel), one
occurrence (read its answers and notes, change it or this-and-following, skip it), RSVP (to
the meeting or one occurrence) and notes.

Meetings are written with the same fields as the HTML form (``date``, ``start_time``,
``end_time`` in ``timezone``), validated by the same rules; instants come back in UTC.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from opsuite import clock
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.meetings import forms, recurrence, service, views
from opsuite.meetings.api.schemas import (
    MeetingInput,
    MeetingRsvpInput,
    MinutesInput,
    instant,
    meeting_json,
    occurrence_answers_json,
    occurrence_json,
)
from opsuite.meetings.models import Meeting
from opsuite.web.api import form_data_from_json, typed_body, updated_since
from opsuite.web.forms import Form
from opsuite.web.http import path_id, query_id, settings_of, viewer
from opsuite.web.i18n import gettext as _


async def meeting_input(request: Request) -> service.MeetingInput:
    people, teams, programs = await views.form_choices()
    fields = forms.meeting_fields(
        forms.person_choices(people),
        [(str(t.id), t.name) for t in teams],
        [(str(p.id), p.name) for p in programs],
    )
    body = await typed_body(request, MeetingInput)
    if body.get("rrule") and "repeat" not in body:
        body["repeat"] = "custom"
    form = Form.bind(fields, form_data_from_json(fields, body, {"mode": "in_person"}))
    form.raise_if_invalid()
    return forms.meeting_input(form.cleaned)


async def meeting_answer(meeting: Meeting, status: int = 200) -> JSONResponse:
    answered = (await service.answers_by_occurrence([meeting.id]))[meeting.id]
    return JSONResponse(
        meeting_json(meeting, await service.attendees_of(meeting), answered), status_code=status
    )


async def api_meetings(request: Request) -> Response:
    user = viewer(request)
    if request.method == "POST":
        await authorize(user, Cap.STAFF)
        data = await meeting_input(request)
        meeting = await service.create_meeting(user, data, settings=settings_of(request))
        return await meeting_answer(meeting, 201)
    params = request.query_params
    now = clock.now()
    start = instant(params["start"], "start") if "start" in params else now
    end = instant(params["end"], "end") if "end" in params else start + timedelta(days=28)
    scope = await views.resolve_scope(user, query_id(request, "team"), query_id(request, "program"))
    found = await views.scope_occurrences(user, scope, start, end)
    since = updated_since(request)
    if since is not None:  # the meeting (or its series) changed at or after it
        found = [o for o in found if o.meeting.updated_at >= since]
    return JSONResponse({"items": [occurrence_json(o) for o in found]})


async def api_meeting(request: Request) -> Response:
    user = viewer(request)
    settings = settings_of(request)
    if request.method == "GET":
        return await meeting_answer(await service.meeting_for(user, path_id(request)))
    meeting = await service.meeting_to_edit(user, path_id(request))
    if request.method == "DELETE":
        await service.cancel_meeting(user, meeting, settings=settings)
    else:
        await service.update_meeting(user, meeting, await meeting_input(request), settings=settings)
    return await meeting_answer(await service.get_meeting(meeting.id))


def _original(text: object, field: str) -> datetime:
    original = recurrence.parse_stamp(str(text or ""))
    if original is None:
        raise InvalidInput(_("Give the occurrence as 20260310T100000Z."), field=field)
    return original


async def api_occurrence(request: Request) -> Response:
    """GET: one occurrence with everyone's answer for it and its notes (for anyone who sees
    the meeting); PATCH changes it (or this and following), DELETE skips it (staff who may
    change the meeting)."""
    user = viewer(request)
    if request.method == "GET":
        meeting = await service.meeting_for(user, path_id(request))
        original = _original(request.query_params.get("start"), "start")
        occurrence = await service.find_occurrence(meeting, original)
        answered = (await service.answers_by_occurrence([meeting.id]))[meeting.id]
        [summary] = service.summarize(
            [occurrence], await service.attendees_of(meeting), answered,
            await service.changes_of(meeting),
        )  # fmt: skip
        return JSONResponse(occurrence_answers_json(summary))
    await authorize(user, Cap.STAFF)
    meeting = await service.meeting_to_edit(user, path_id(request))
    original = _original(request.query_params.get("start"), "start")
    settings = settings_of(request)
    if request.method == "DELETE":
        await service.skip_occurrence(user, meeting, original, settings=settings)
        return await meeting_answer(await service.get_meeting(meeting.id))
    scope = request.query_params.get("scope", "one")
    data = await meeting_input(request)
    if scope == "following":
        meeting = await service.update_following(user, meeting, original, data, settings=settings)
    elif scope == "one":
        change = service.OccurrenceInput(
            data.starts_at, data.ends_at, data.title, data.location, data.agenda
        )
        await service.update_occurrence(user, meeting, original, change, settings=settings)
    else:
        raise InvalidInput(_("scope is one or following."), field="scope")
    return await meeting_answer(await service.get_meeting(meeting.id))


async def api_rsvp(request: Request) -> Response:
    user = viewer(request)
    meeting = await service.meeting_for(user, path_id(request))
    body = await typed_body(request, MeetingRsvpInput)
    answer = str(body.get("response") or "")
    settings = settings_of(request)
    if body.get("occurrence") in (None, ""):
        await service.respond(meeting, user.id, answer, settings=settings)
    else:
        original = _original(body["occurrence"], "occurrence")
        await service.respond_to_occurrence(meeting, user.id, original, answer, settings=settings)
    return await meeting_answer(meeting)


async def api_minutes(request: Request) -> Response:
    """Keep the notes and minutes of the meeting, or of one occurrence of a series."""
    user = viewer(request)
    meeting = await service.meeting_to_edit(user, path_id(request))
    body = await typed_body(request, MinutesInput)
    text = body.get("minutes", "")
    if not isinstance(text, str):
        raise InvalidInput(_("Give the notes as text."), field="minutes")
    original = (
        None
        if body.get("occurrence") in (None, "")
        else _original(body["occurrence"], "occurrence")
    )
    await service.save_minutes(user, meeting, text, original_start=original)
    return await meeting_answer(await service.get_meeting(meeting.id))
