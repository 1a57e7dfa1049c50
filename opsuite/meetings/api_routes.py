"""The meetings JSON API: occurrences in a window, meetings (create, read, change, cancel),
occurrences (change one or this-and-following, skip), RSVP, conflicts, find a time and polls.

Meetings are written with the same fields as the HTML form (``date``, ``start_time``,
``end_time`` in ``timezone``), validated by the same rules; instants come back in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite import clock
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.meetings import availability, forms, polls, recurrence, service, views
from opsuite.meetings.models import Attendee, Meeting
from opsuite.meetings.occurrences import Occurrence
from opsuite.web.api import form_data_from_json, json_body
from opsuite.web.forms import Form, parse_date
from opsuite.web.http import path_id, query_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def occurrence_json(o: Occurrence) -> dict[str, Any]:
    return {
        "meeting_id": o.meeting.id,
        "occurrence": o.key,
        "title": o.title,
        "start": iso(o.start),
        "end": iso(o.end),
        "location": o.location,
        "changed": o.changed,
        "private": o.private,  # true: only "busy" may be shown (the meeting's visibility)
    }


def attendee_json(a: Attendee) -> dict[str, Any]:
    return {
        "user_id": a.user_id,
        "name": a.user.name,
        "timezone": a.user.timezone,
        "required": a.required,
        "response": str(a.response),
    }


def meeting_json(m: Meeting, attendees: list[Attendee]) -> dict[str, Any]:
    return {
        "id": m.id,
        "uid": m.uid,
        "title": m.title,
        "description": m.description,
        "organizer_id": m.organizer_id,
        "team_id": m.team_id,
        "program_id": m.program_id,
        "timezone": m.timezone,
        "starts_at": iso(m.starts_at),
        "ends_at": iso(m.ends_at),
        "mode": str(m.mode),
        "location": m.location,
        "video_url": m.video_url,
        "agenda": m.agenda,
        "minutes": m.minutes,
        "rrule": m.rrule,
        "exdates": m.exdates,
        "status": str(m.status),
        "visibility": str(m.visibility),
        "sequence": m.sequence,
        "attendees": [attendee_json(a) for a in attendees],
    }


_ID = {"type": "integer"}
_TEXT = {"type": "string"}
OCCURRENCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["meeting_id", "occurrence", "title", "start", "end", "location", "changed"],
    "properties": {
        "meeting_id": _ID,
        "occurrence": _TEXT,
        "title": _TEXT,
        "start": {"type": "string", "format": "date-time"},
        "end": {"type": "string", "format": "date-time"},
        "location": _TEXT,
        "changed": {"type": "boolean"},
        "private": {"type": "boolean"},
    },
}
MEETING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "uid", "title", "timezone", "starts_at", "ends_at", "status", "attendees"],
    "properties": {
        "id": _ID,
        "uid": _TEXT,
        "title": _TEXT,
        "description": _TEXT,
        "organizer_id": _ID,
        "team_id": {"type": ["integer", "null"]},
        "program_id": {"type": ["integer", "null"]},
        "timezone": _TEXT,
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "mode": {"type": "string", "enum": ["in_person", "online", "hybrid"]},
        "location": _TEXT,
        "video_url": _TEXT,
        "agenda": _TEXT,
        "minutes": _TEXT,
        "rrule": _TEXT,
        "exdates": {"type": "array", "items": _TEXT},
        "status": {"type": "string", "enum": ["scheduled", "cancelled"]},
        "visibility": {"type": "string", "enum": ["team", "attendees", "organisation"]},
        "sequence": _ID,
        "attendees": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["user_id", "name", "timezone", "required", "response"],
                "properties": {
                    "user_id": _ID,
                    "name": _TEXT,
                    "timezone": _TEXT,
                    "required": {"type": "boolean"},
                    "response": {
                        "type": "string",
                        "enum": ["needs_action", "accepted", "tentative", "declined"],
                    },
                },
            },
        },
    },
}
_IDS = {"type": "array", "items": {"type": ["integer", "string"]}}
MEETING_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "date", "start_time", "end_time", "timezone", "mode"],
    "properties": {
        "title": _TEXT,
        "description": _TEXT,
        "date": {"type": "string", "format": "date"},
        "start_time": {"type": "string", "pattern": "^\\d{1,2}:\\d{2}$"},
        "end_time": {"type": "string", "pattern": "^\\d{1,2}:\\d{2}$"},
        "timezone": _TEXT,
        "mode": {"type": "string", "enum": ["in_person", "online", "hybrid"]},
        "location": _TEXT,
        "video_url": _TEXT,
        "agenda": _TEXT,
        "repeat": _TEXT,
        "repeat_until": _TEXT,
        "repeat_count": {"type": ["integer", "string"]},
        "rrule": _TEXT,
        "team": {"type": ["integer", "string"]},
        "program": {"type": ["integer", "string"]},
        # Who sees the details; "team" when left out.
        "visibility": {"type": "string", "enum": ["team", "attendees", "organisation"]},
        "required": _IDS,
        "optional": _IDS,
    },
}
CONFLICTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["conflicts"],
    "properties": {
        "conflicts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["user_id", "kind", "start", "end", "label"],
                "properties": {
                    "user_id": _ID,
                    "kind": _TEXT,
                    "start": _TEXT,
                    "end": _TEXT,
                    "label": _TEXT,
                },
            },
        }
    },
}
SLOTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["slots"],
    "properties": {
        "slots": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start", "end", "missing_optional", "people"],
                "properties": {
                    "start": _TEXT,
                    "end": _TEXT,
                    "missing_optional": _ID,
                    "people": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["user_id", "required", "free", "local_start"],
                            "properties": {
                                "user_id": _ID,
                                "required": {"type": "boolean"},
                                "free": {"type": "boolean"},
                                "outside_hours": {"type": "boolean"},
                                "local_start": _TEXT,
                                "local_end": _TEXT,
                            },
                        },
                    },
                },
            },
        }
    },
}
FIND_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["required", "duration", "from_date", "to_date"],
    "properties": {
        "required": _IDS,
        "optional": _IDS,
        "duration": {"type": "integer", "minimum": 1},
        "from_date": {"type": "string", "format": "date"},
        "to_date": {"type": "string", "format": "date"},
    },
}
POLL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "status", "slots"],
    "properties": {
        "id": _ID,
        "title": _TEXT,
        "status": {"type": "string", "enum": ["open", "decided", "closed"]},
        "meeting_id": {"type": ["integer", "null"]},
        "slots": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "start", "end", "outside_hours", "yes", "if_need_be", "no"],
                "properties": {
                    "id": _ID,
                    "start": _TEXT,
                    "end": _TEXT,
                    "local_start": _TEXT,
                    "outside_hours": {"type": "boolean"},
                    "mine": _TEXT,
                    "yes": _ID,
                    "if_need_be": _ID,
                    "no": _ID,
                },
            },
        },
    },
}
POLL_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "slots", "required"],
    "properties": {
        "title": _TEXT,
        "description": _TEXT,
        "mode": {"type": "string", "enum": ["in_person", "online", "hybrid"]},
        "location": _TEXT,
        "video_url": _TEXT,
        "slots": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start", "end"],
                "properties": {"start": _TEXT, "end": _TEXT},
            },
        },
        "required": _IDS,
        "optional": _IDS,
    },
}


def _instant(value: Any, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(_("Give a time like 2026-03-09T10:00:00Z."), field=field) from None
    if parsed.tzinfo is None:
        raise InvalidInput(_("Give the time with its offset or Z for UTC."), field=field)
    return parsed.astimezone(UTC)


async def _meeting_input(request: Request) -> service.MeetingInput:
    people, teams, programs = await views.form_choices()
    fields = forms.meeting_fields(
        forms.person_choices(people),
        [(str(t.id), t.name) for t in teams],
        [(str(p.id), p.name) for p in programs],
    )
    body = await json_body(request)
    if body.get("rrule") and "repeat" not in body:
        body["repeat"] = "custom"
    form = Form.bind(fields, form_data_from_json(fields, body, {"mode": "in_person"}))
    form.raise_if_invalid()
    return forms.meeting_input(form.cleaned)


async def _meeting_answer(meeting: Meeting, status: int = 200) -> JSONResponse:
    return JSONResponse(
        meeting_json(meeting, await service.attendees_of(meeting)), status_code=status
    )


async def api_meetings(request: Request) -> Response:
    user = viewer(request)
    if request.method == "POST":
        await authorize(user, Cap.STAFF)
        data = await _meeting_input(request)
        meeting = await service.create_meeting(user, data, settings=settings_of(request))
        return await _meeting_answer(meeting, 201)
    params = request.query_params
    now = clock.now()
    start = _instant(params["start"], "start") if "start" in params else now
    end = _instant(params["end"], "end") if "end" in params else start + timedelta(days=28)
    scope = await views.resolve_scope(user, query_id(request, "team"), query_id(request, "program"))
    found = await views.scope_occurrences(user, scope, start, end)
    return JSONResponse({"items": [occurrence_json(o) for o in found]})


async def api_meeting(request: Request) -> Response:
    user = viewer(request)
    settings = settings_of(request)
    if request.method == "GET":
        return await _meeting_answer(await service.meeting_for(user, path_id(request)))
    meeting = await service.meeting_to_edit(user, path_id(request))
    if request.method == "DELETE":
        await service.cancel_meeting(user, meeting, settings=settings)
    else:
        await service.update_meeting(
            user, meeting, await _meeting_input(request), settings=settings
        )
    return await _meeting_answer(await service.get_meeting(meeting.id))


async def api_occurrence(request: Request) -> Response:
    user = viewer(request)
    meeting = await service.meeting_to_edit(user, path_id(request))
    original = recurrence.parse_stamp(request.query_params.get("start", ""))
    if original is None:
        raise InvalidInput(_("Give the occurrence as ?start=20260310T100000Z."), field="start")
    settings = settings_of(request)
    if request.method == "DELETE":
        await service.skip_occurrence(user, meeting, original, settings=settings)
        return await _meeting_answer(await service.get_meeting(meeting.id))
    scope = request.query_params.get("scope", "one")
    data = await _meeting_input(request)
    if scope == "following":
        meeting = await service.update_following(user, meeting, original, data, settings=settings)
    elif scope == "one":
        occurrence = service.OccurrenceInput(
            data.starts_at, data.ends_at, data.title, data.location, data.agenda
        )
        await service.update_occurrence(user, meeting, original, occurrence, settings=settings)
    else:
        raise InvalidInput(_("scope is one or following."), field="scope")
    return await _meeting_answer(await service.get_meeting(meeting.id))


async def api_rsvp(request: Request) -> Response:
    user = viewer(request)
    meeting = await service.meeting_for(user, path_id(request))
    body = await json_body(request)
    answer = body.get("response")
    await service.respond(meeting, user.id, str(answer or ""), settings=settings_of(request))
    return await _meeting_answer(meeting)


async def api_conflicts(request: Request) -> Response:
    data = await service.validate_meeting(await _meeting_input(request))
    people = await User.filter(id__in=[a.user_id for a in data.attendees])
    starts = recurrence.original_starts(
        starts_at=data.starts_at,
        timezone=data.timezone,
        rule_text=data.rrule,
        window_start=data.starts_at,
        window_end=data.starts_at + timedelta(weeks=12),
    )[:10]
    length = data.ends_at - data.starts_at
    found = await availability.conflicts(
        people, [(s, s + length) for s in starts], viewer=viewer(request)
    )
    items = [
        {
            "user_id": c.user.id,
            "kind": c.kind,
            "start": iso(c.start),
            "end": iso(c.end),
            "label": c.label,
        }
        for p in people
        for c in found[p.id]
    ]
    return JSONResponse({"conflicts": items})


def _ids(body: dict[str, Any], name: str) -> list[int]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(str(v).isdigit() for v in value):
        raise InvalidInput(_("Expected a list of people's ids."), field=name)
    return [int(v) for v in value]


async def api_find(request: Request) -> Response:
    body = await json_body(request)
    required, optional = _ids(body, "required"), _ids(body, "optional")
    if not required:
        raise FieldErrors({"required": _("Invite at least one person.")})
    duration = body.get("duration")
    if not isinstance(duration, int) or isinstance(duration, bool):
        raise InvalidInput(_("Enter a whole number."), field="duration")
    first = parse_date(str(body.get("from_date", "")))
    last = parse_date(str(body.get("to_date", "")))
    if first is None or last is None:
        raise InvalidInput(
            _("Enter a date like 2026-03-09."), field="from_date" if first is None else "to_date"
        )
    slots, _more = await views.find_slots(
        {
            "required": [str(i) for i in required],
            "optional": [str(i) for i in optional],
            "duration": duration,
            "from_date": first.isoformat(),
            "to_date": last.isoformat(),
        },
        ZoneInfo(str(request.state.timezone)),
    )
    return JSONResponse(
        {
            "slots": [
                {
                    "start": iso(s.start),
                    "end": iso(s.end),
                    "missing_optional": s.missing_optional,
                    "people": [
                        {
                            "user_id": p.user.id,
                            "required": p.required,
                            "free": p.free,
                            "outside_hours": p.outside_hours,
                            "local_start": p.local_start.isoformat(),
                            "local_end": p.local_end.isoformat(),
                        }
                        for p in s.people
                    ],
                }
                for s in slots
            ]
        }
    )


async def _poll_answer(poll_id: int, user: User) -> JSONResponse:
    poll = await polls.poll_for(user, poll_id)
    slot_views = await polls.slots_for(poll, user)
    return JSONResponse(
        {
            "id": poll.id,
            "title": poll.title,
            "status": str(poll.status),
            "meeting_id": poll.meeting_id,
            "slots": [
                {
                    "id": v.slot.id,
                    "start": iso(v.slot.starts_at),
                    "end": iso(v.slot.ends_at),
                    "local_start": v.local_start.isoformat(),
                    "outside_hours": v.outside_hours,
                    "mine": v.mine,
                    "yes": v.yes,
                    "if_need_be": v.if_need_be,
                    "no": v.no,
                }
                for v in slot_views
            ],
        }
    )


async def api_polls(request: Request) -> Response:
    user = viewer(request)
    body = await json_body(request)
    raw_slots = body.get("slots", [])
    if not isinstance(raw_slots, list) or not all(isinstance(s, dict) for s in raw_slots):
        raise InvalidInput(_("Offer times as a list of {start, end}."), field="slots")
    slots = tuple(
        (_instant(s.get("start"), "slots"), _instant(s.get("end"), "slots")) for s in raw_slots
    )
    invitees = tuple(service.AttendeeInput(i, True) for i in _ids(body, "required")) + tuple(
        service.AttendeeInput(i, False) for i in _ids(body, "optional")
    )
    data = polls.PollInput(
        title=str(body.get("title", "")),
        description=str(body.get("description", "")),
        timezone=user.timezone,
        slots=slots,
        invitees=invitees,
        mode=str(body.get("mode", "online")),
        location=str(body.get("location", "")),
        video_url=str(body.get("video_url", "")),
    )
    poll = await polls.create_poll(user, data, settings=settings_of(request))
    answer = await _poll_answer(poll.id, user)
    answer.status_code = 201
    return answer


async def api_poll(request: Request) -> Response:
    return await _poll_answer(path_id(request), viewer(request))


async def api_poll_votes(request: Request) -> Response:
    user = viewer(request)
    poll = await polls.poll_for(user, path_id(request))
    body = await json_body(request)
    votes = body.get("votes", {})
    if not isinstance(votes, dict) or not all(str(k).isdigit() for k in votes):
        raise InvalidInput(_("Give votes as {slot id: yes, if_need_be or no}."), field="votes")
    await polls.vote(poll, user, {int(k): str(v) for k, v in votes.items()})
    return await _poll_answer(poll.id, user)


async def api_poll_decide(request: Request) -> Response:
    user = viewer(request)
    poll = await polls.poll_for(user, path_id(request))
    body = await json_body(request)
    slot_id = body.get("slot_id")
    if not isinstance(slot_id, int) or isinstance(slot_id, bool):
        raise InvalidInput(_("Choose one of the times."), field="slot_id")
    meeting = await polls.decide(user, poll, slot_id, settings=settings_of(request))
    return await _meeting_answer(await service.get_meeting(meeting.id), 201)


_WINDOW_PARAMS = (
    {"name": "start", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    {"name": "end", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    {"name": "team", "in": "query", "schema": {"type": "integer"}},
    {"name": "program", "in": "query", "schema": {"type": "integer"}},
)
_OCCURRENCE_PARAMS = (
    {"name": "start", "in": "query", "required": True, "schema": {"type": "string"}},
    {"name": "scope", "in": "query", "schema": {"type": "string", "enum": ["one", "following"]}},
)


def routes() -> list[BaseRoute]:
    listing = {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": OCCURRENCE_SCHEMA}},
    }
    return [
        api(
            "/api/v1/meetings",
            api_meetings,
            cap=Cap.SIGNED_IN,
            name="api:meetings",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "Occurrences in a window (GET, mine or ?team= / ?program=); book a meeting (POST)",
                request=MEETING_INPUT_SCHEMA,
                response=listing,
                params=_WINDOW_PARAMS,
            ),
        ),
        api(
            "/api/v1/meetings/conflicts",
            api_conflicts,
            cap=Cap.STAFF,
            name="api:meeting_conflicts",
            methods=("POST",),
            doc=ApiDoc(
                "Each attendee's conflicts with a proposed meeting, before saving it",
                request=MEETING_INPUT_SCHEMA,
                response=CONFLICTS_SCHEMA,
            ),
        ),
        api(
            "/api/v1/meetings/find-a-time",
            api_find,
            cap=Cap.STAFF,
            name="api:find_a_time",
            methods=("POST",),
            doc=ApiDoc(
                "The best slots for these people, ranked, with each person's local time",
                request=FIND_INPUT_SCHEMA,
                response=SLOTS_SCHEMA,
            ),
        ),
        api(
            "/api/v1/meetings/{id}",
            api_meeting,
            cap=Cap.SIGNED_IN,
            name="api:meeting",
            methods=("GET", "PATCH", "DELETE"),
            doc=ApiDoc(
                "A meeting; PATCH changes every occurrence, DELETE cancels it",
                request=MEETING_INPUT_SCHEMA,
                response=MEETING_SCHEMA,
            ),
        ),
        api(
            "/api/v1/meetings/{id}/occurrence",
            api_occurrence,
            cap=Cap.STAFF,
            name="api:meeting_occurrence",
            methods=("PATCH", "DELETE"),
            doc=ApiDoc(
                "Change one occurrence (or this and following); DELETE skips that date",
                request=MEETING_INPUT_SCHEMA,
                response=MEETING_SCHEMA,
                params=_OCCURRENCE_PARAMS,
            ),
        ),
        api(
            "/api/v1/meetings/{id}/rsvp",
            api_rsvp,
            cap=Cap.SIGNED_IN,
            name="api:meeting_rsvp",
            methods=("POST",),
            doc=ApiDoc(
                "Answer an invitation: accepted, tentative or declined",
                request={
                    "type": "object",
                    "required": ["response"],
                    "properties": {
                        "response": {
                            "type": "string",
                            "enum": ["accepted", "tentative", "declined"],
                        }
                    },
                },
                response=MEETING_SCHEMA,
            ),
        ),
        api(
            "/api/v1/meeting-polls",
            api_polls,
            cap=Cap.STAFF,
            name="api:meeting_polls",
            methods=("POST",),
            doc=ApiDoc(
                "Send candidate times as a poll", request=POLL_INPUT_SCHEMA, response=POLL_SCHEMA
            ),
        ),
        api(
            "/api/v1/meeting-polls/{id}",
            api_poll,
            cap=Cap.SIGNED_IN,
            name="api:meeting_poll",
            doc=ApiDoc("A poll's times in my zone, with the votes so far", response=POLL_SCHEMA),
        ),
        api(
            "/api/v1/meeting-polls/{id}/votes",
            api_poll_votes,
            cap=Cap.SIGNED_IN,
            name="api:meeting_poll_votes",
            methods=("POST",),
            doc=ApiDoc(
                "Vote yes, if_need_be or no on each time",
                request={
                    "type": "object",
                    "required": ["votes"],
                    "properties": {
                        "votes": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "string",
                                "enum": ["yes", "if_need_be", "no"],
                            },
                        }
                    },
                },
                response=POLL_SCHEMA,
            ),
        ),
        api(
            "/api/v1/meeting-polls/{id}/decide",
            api_poll_decide,
            cap=Cap.STAFF,
            name="api:meeting_poll_decide",
            methods=("POST",),
            doc=ApiDoc(
                "Book the chosen time as the meeting and send invitations",
                request={"type": "object", "required": ["slot_id"], "properties": {"slot_id": _ID}},
                response=MEETING_SCHEMA,
            ),
        ),
    ]
