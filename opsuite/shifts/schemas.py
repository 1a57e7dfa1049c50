"""JSON shapes of the shifts API (documented in the OpenAPI document) and their builders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from opsuite.shifts import service
from opsuite.shifts.forms import LIST_DAYS
from opsuite.shifts.models import Certificate, HoursRecord, Opportunity, Shift, SignUp
from opsuite.web.api import query_param

if TYPE_CHECKING:
    from opsuite.shifts.hours import Total


def iso(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if instant else None


def opportunity_json(o: Opportunity) -> dict[str, Any]:
    return {
        "id": o.id,
        "program_id": o.program_id,
        "title": o.title,
        "description": o.description,
        "location": o.location,
        "is_remote": o.is_remote,
        "required_skills": list(o.required_skills),
        "minimum_age": o.minimum_age,
        "training_note": o.training_note,
        "is_public": o.is_public,
        "is_active": o.is_active,
    }


def shift_json(shift: Shift, counts: service.Counts) -> dict[str, Any]:
    return {
        "id": shift.id,
        "opportunity_id": shift.opportunity_id,
        "series_id": shift.series_id,
        "starts_at": iso(shift.starts_at),
        "ends_at": iso(shift.ends_at),
        "timezone": shift.timezone,
        "capacity": shift.capacity,
        "confirmed": counts.confirmed,
        "unconfirmed": counts.held,
        "waitlisted": counts.waiting + counts.offered,
        "free": counts.free(shift.capacity),
        "location": shift.location,
        "notes": shift.notes,
        "lead_id": shift.lead_id,
        "status": str(shift.status),
    }


def signup_json(signup: SignUp, position: int | None) -> dict[str, Any]:
    return {
        "id": signup.id,
        "shift_id": signup.shift_id,
        "volunteer_id": signup.volunteer_id,
        "status": str(signup.status),
        "waitlist_position": position,
        "offer_expires_at": iso(signup.offer_expires_at),
        "attendance": str(signup.attendance) if signup.attendance else None,
        "checked_in_at": iso(signup.checked_in_at),
        "checked_out_at": iso(signup.checked_out_at),
    }


def hours_json(r: HoursRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "volunteer_id": r.volunteer_id,
        "program_id": r.program_id,
        "signup_id": r.signup_id,
        "source": str(r.source),
        "work_date": r.work_date.isoformat(),
        "minutes": r.minutes,
        "description": r.description,
        "status": str(r.status),
    }


def hours_total_json(t: Total) -> dict[str, Any]:
    return {
        "volunteer_id": t.volunteer_id,
        "program_id": t.program_id,
        "month": t.month,
        "approved_minutes": t.approved_minutes,
        "pending_minutes": t.pending_minutes,
    }


_NULL_STR = {"type": ["string", "null"]}
OPPORTUNITY: dict[str, Any] = {
    "type": "object",
    "required": ["id", "program_id", "title", "is_public", "required_skills"],
    "properties": {
        "id": {"type": "integer"},
        "program_id": {"type": "integer"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "location": {"type": "string"},
        "is_remote": {"type": "boolean"},
        "required_skills": {"type": "array", "items": {"type": "string"}},
        "minimum_age": {"type": ["integer", "null"]},
        "training_note": {"type": "string"},
        "is_public": {"type": "boolean"},
        "is_active": {"type": "boolean"},
    },
}
OPPORTUNITY_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["program_id", "title"],
    "properties": {
        "program_id": {"type": "integer"},
        "title": {"type": "string", "maxLength": 120},
        "description": {"type": "string"},
        "location": {"type": "string"},
        "is_remote": {"type": "boolean"},
        "required_skills": {"type": "array", "items": {"type": "string"}},
        "minimum_age": {"type": ["integer", "null"]},
        "training_note": {"type": "string"},
        "is_public": {"type": "boolean"},
    },
    "additionalProperties": False,
}
SHIFT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "opportunity_id", "starts_at", "ends_at", "timezone", "capacity", "status"],
    "properties": {
        "id": {"type": "integer"},
        "opportunity_id": {"type": "integer"},
        "series_id": {"type": ["integer", "null"]},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "timezone": {"type": "string"},
        "capacity": {"type": "integer"},
        "confirmed": {"type": "integer"},
        "unconfirmed": {"type": "integer", "description": "places held for newcomers"},
        "waitlisted": {"type": "integer"},
        "free": {"type": "integer"},
        "location": {"type": "string"},
        "notes": {"type": "string"},
        "lead_id": {"type": ["integer", "null"]},
        "status": {"type": "string", "enum": ["scheduled", "cancelled"]},
    },
}
SHIFT_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["day", "start", "end", "timezone", "capacity"],
    "properties": {
        "opportunity_id": {"type": "integer"},
        "day": {"type": "string", "format": "date"},
        "start": {"type": "string", "pattern": "^\\d{1,2}:\\d{2}$"},
        "end": {"type": "string", "pattern": "^\\d{1,2}:\\d{2}$"},
        "timezone": {"type": "string"},
        "capacity": {"type": "integer"},
        "location": {"type": "string"},
        "notes": {"type": "string"},
        "lead_id": {"type": ["integer", "string", "null"]},
        "rrule": {"type": "string", "description": "RFC 5545 RRULE; creates a series"},
        "scope": {"type": "string", "enum": ["this", "following", "all"]},
    },
}
SIGNUP: dict[str, Any] = {
    "type": "object",
    "required": ["id", "shift_id", "volunteer_id", "status", "waitlist_position"],
    "properties": {
        "id": {"type": "integer"},
        "shift_id": {"type": "integer"},
        "volunteer_id": {"type": "integer"},
        "status": {
            "type": "string",
            "enum": ["confirmed", "waitlisted", "offered", "cancelled", "lapsed", "held"],
        },
        "waitlist_position": {"type": ["integer", "null"]},
        "offer_expires_at": _NULL_STR,
        "attendance": {"type": ["string", "null"], "enum": ["attended", "no_show", None]},
        "checked_in_at": _NULL_STR,
        "checked_out_at": _NULL_STR,
    },
}
ROSTER: dict[str, Any] = {
    "type": "object",
    "required": ["shift", "signups"],
    "properties": {
        "shift": SHIFT,
        "signups": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["signup", "name", "email", "phone"],
                "properties": {
                    "signup": SIGNUP,
                    "name": {"type": "string"},
                    "email": {"type": "string"},
                    "phone": {"type": "string"},
                },
            },
        },
    },
}
SWAP_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["action"],
    "properties": {"action": {"enum": ["offer", "withdraw", "take"]}},
}
CHECK_INPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "signup_id": {"type": "integer", "description": "someone else's (coordinators)"},
        "happened_at": {
            "type": "string",
            "format": "date-time",
            "description": "when a phone without signal recorded it (last 24 hours)",
        },
    },
}
HOURS: dict[str, Any] = {
    "type": "object",
    "required": ["id", "volunteer_id", "program_id", "work_date", "minutes", "status"],
    "properties": {
        "id": {"type": "integer"},
        "volunteer_id": {"type": "integer"},
        "program_id": {"type": "integer"},
        "signup_id": {"type": ["integer", "null"]},
        "source": {"type": "string", "enum": ["shift", "offsite"]},
        "work_date": {"type": "string", "format": "date"},
        "minutes": {"type": "integer"},
        "description": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "approved", "rejected"]},
    },
}
HOURS_TOTAL: dict[str, Any] = {
    "type": "object",
    "required": ["volunteer_id", "program_id", "month", "approved_minutes", "pending_minutes"],
    "properties": {
        "volunteer_id": {"type": "integer"},
        "program_id": {"type": "integer"},
        "month": {"type": "string"},
        "approved_minutes": {"type": "integer"},
        "pending_minutes": {"type": "integer"},
    },
}
CERTIFICATE_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["period_start", "period_end", "locale"],
    "properties": {
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date"},
        "program": {"type": ["integer", "string", "null"], "description": "an id, or all"},
        "locale": {"type": "string", "enum": ["en", "zh_Hans"]},
        "volunteer": {"type": "integer", "description": "coordinators: whose hours"},
    },
}
CERTIFICATE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "number", "volunteer_id", "issued_at", "content", "verify_url"],
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "string"},
        "volunteer_id": {"type": "integer"},
        "issued_by_id": {"type": ["integer", "null"]},
        "issued_at": {"type": "string", "format": "date-time"},
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date"},
        "program_id": {"type": ["integer", "null"]},
        "locale": {"type": "string"},
        "content": {"type": "object"},
        "verify_url": {"type": "string"},
    },
}


def certificate_json(c: Certificate, verify_url: str) -> dict[str, Any]:
    return {
        "id": c.id,
        "number": c.number,
        "volunteer_id": c.volunteer_id,
        "issued_by_id": c.issued_by_id,
        "issued_at": c.issued_at.isoformat(),
        "period_start": c.period_start.isoformat(),
        "period_end": c.period_end.isoformat(),
        "program_id": c.program_id,
        "locale": c.locale,
        "content": c.content,
        "verify_url": verify_url,
    }


INT = {"type": "integer"}
# The open-shifts filters (forms.filters_from reads them for the page and the API).
SHIFT_FILTERS = (
    query_param("program", INT, "Only this program's shifts"),
    query_param(
        "day",
        {"type": "string", "format": "date"},
        f"The first day listed, in the caller's zone (today by default); {LIST_DAYS} days",
    ),
    query_param("skill", {"type": "string", "maxLength": 60}, "Only shifts asking for it"),
    query_param(
        "remote",
        {"type": "string", "enum": ["yes", "no"]},
        "Only remote (yes) or on-site (no) ones",
    ),
)
