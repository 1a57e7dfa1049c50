"""The meetings JSON API's shapes: a meeting, an occurrence and an attendee as JSON, the request
and response schemas shown in the API docs, and reading instants and ids out of a request body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from opsuite.errors import InvalidInput
from opsuite.meetings.models import Attendee, Meeting
from opsuite.meetings.occurrences import Occurrence
from opsuite.meetings.recurrence import stamp
from opsuite.meetings.service import ByOccurrence, OccurrenceAnswers
from opsuite.web.i18n import gettext as _


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


def occurrence_answers_json(summary: OccurrenceAnswers) -> dict[str, Any]:
    """One occurrence with each attendee's answer for it (``own``: given for this occurrence,
    not for the series), the counts and its notes."""
    return {
        **occurrence_json(summary.occurrence),
        "minutes": summary.minutes,
        "answers": [
            {"user_id": user_id, "response": str(response), "own": user_id in summary.own}
            for user_id, response in summary.answers.items()
        ],
        "counts": {str(response): n for response, n in summary.counts},
    }


def meeting_json(
    m: Meeting, attendees: list[Attendee], answered: ByOccurrence | None = None
) -> dict[str, Any]:
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
        # Answers given for single occurrences of a series (each beats the series' answer).
        "occurrence_answers": [
            {"occurrence": stamp(original), "user_id": user_id, "response": str(response)}
            for original, by_user in sorted((answered or {}).items())
            for user_id, response in sorted(by_user.items())
        ],
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
_RESPONSE = {"type": "string", "enum": ["needs_action", "accepted", "tentative", "declined"]}
MEETING_SCHEMA["properties"]["occurrence_answers"] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["occurrence", "user_id", "response"],
        "properties": {"occurrence": _TEXT, "user_id": _ID, "response": _RESPONSE},
    },
}
OCCURRENCE_ANSWERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [*OCCURRENCE_SCHEMA["required"], "minutes", "answers", "counts"],
    "properties": {
        **OCCURRENCE_SCHEMA["properties"],
        "minutes": _TEXT,
        "answers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["user_id", "response", "own"],
                "properties": {"user_id": _ID, "response": _RESPONSE, "own": {"type": "boolean"}},
            },
        },
        "counts": {"type": "object", "additionalProperties": _ID},
    },
}
MINUTES_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["minutes"],
    "properties": {
        "minutes": _TEXT,
        # One occurrence of a series (its original start, 20260310T100000Z); left out: the
        # meeting's own notes.
        "occurrence": _TEXT,
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
                    "in_core_hours": {"type": "boolean"},
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
                                "outside_core": {"type": "boolean"},
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


def instant(value: Any, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(_("Give a time like 2026-03-09T10:00:00Z."), field=field) from None
    if parsed.tzinfo is None:
        raise InvalidInput(_("Give the time with its offset or Z for UTC."), field=field)
    return parsed.astimezone(UTC)


def ids(body: dict[str, Any], name: str) -> list[int]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(str(v).isdigit() for v in value):
        raise InvalidInput(_("Expected a list of people's ids."), field=name)
    return [int(v) for v in value]
