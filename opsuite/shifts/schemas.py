"""JSON shapes of the shifts API (documented in the OpenAPI document) and their builders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from opsuite.shifts import service
from opsuite.shifts.forms import LIST_DAYS
from opsuite.shifts.models import (
    Certificate,
    HoursRecord,
    Opportunity,
    ProgramShiftPolicy,
    Shift,
    ShiftHandover,
    SignUp,
)
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
        "fits_availability": {
            "type": ["boolean", "null"],
            "description": "in lists: within the caller's availability (null: none set)",
        },
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
RECORD: dict[str, Any] = {
    "type": "object",
    "description": "the volunteer's attendance record over every program",
    "required": ["attended", "no_shows", "late_cancellations"],
    "properties": {
        "attended": {"type": "integer"},
        "no_shows": {"type": "integer"},
        "late_cancellations": {"type": "integer"},
    },
}


def record_json(r: service.AttendanceRecord) -> dict[str, Any]:
    return {
        "attended": r.attended,
        "no_shows": r.no_shows,
        "late_cancellations": r.late_cancellations,
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
                    "record": RECORD,
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
    query_param(
        "fits",
        {"type": "string", "enum": ["1"]},
        "Only shifts wholly within the caller's weekly availability and in no blackout",
    ),
)


def handover_json(h: ShiftHandover) -> dict[str, Any]:
    return {
        "id": h.id,
        "shift_id": h.shift_id,
        "giver_id": h.giver_id,
        "recipient_id": h.recipient_id,
        "kind": str(h.kind),
        "status": str(h.status),
        "expires_at": iso(h.expires_at),
        "answered_at": iso(h.answered_at),
        "decided_at": iso(h.decided_at),
    }


def policy_json(p: ProgramShiftPolicy) -> dict[str, Any]:
    return {
        "program_id": p.program_id,
        "auto_promote": p.auto_promote,
        "offer_hours": p.offer_hours,
        "approve_transfers": p.approve_transfers,
        "swaps_follow_waitlist": p.swaps_follow_waitlist,
        "late_cancel_hours": p.late_cancel_hours,
        "invite_within_days": p.invite_within_days,
    }


HANDOVER: dict[str, Any] = {
    "type": "object",
    "required": ["id", "shift_id", "giver_id", "recipient_id", "kind", "status", "expires_at"],
    "properties": {
        "id": {"type": "integer"},
        "shift_id": {"type": "integer"},
        "giver_id": {"type": "integer"},
        "recipient_id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["named", "swap"]},
        "status": {
            "type": "string",
            "enum": [
                "offered",
                "awaiting_approval",
                "completed",
                "declined",
                "withdrawn",
                "rejected",
                "expired",
            ],
        },
        "expires_at": {"type": "string", "format": "date-time"},
        "answered_at": {**_NULL_STR, "format": "date-time"},
        "decided_at": {**_NULL_STR, "format": "date-time"},
    },
}
_MAYBE_HANDOVER = {"oneOf": [HANDOVER, {"type": "null"}]}
PLACE_STATE: dict[str, Any] = {
    "type": "object",
    "required": ["signup", "swap_offered", "given", "offered_to_me"],
    "properties": {
        "signup": {"oneOf": [SIGNUP, {"type": "null"}]},
        "swap_offered": {"type": "boolean", "description": "the caller's place is up for a swap"},
        "given": {**_MAYBE_HANDOVER, "description": "the caller's open offer of their place"},
        "offered_to_me": {**_MAYBE_HANDOVER, "description": "a place offered to the caller"},
        "candidates": {
            "type": "array",
            "description": "whom the caller may hand their place to (GET only; names only)",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
        },
    },
}
POLICY: dict[str, Any] = {
    "type": "object",
    "required": ["auto_promote", "offer_hours"],
    "properties": {
        "program_id": {"type": "integer"},
        "auto_promote": {"type": "boolean"},
        "offer_hours": {"type": "integer", "minimum": 1, "maximum": 168},
        "approve_transfers": {"type": "boolean"},
        "swaps_follow_waitlist": {"type": "boolean"},
        "late_cancel_hours": {"type": "integer", "minimum": 0, "maximum": 168},
        "invite_within_days": {"type": "integer", "minimum": 1, "maximum": 60},
    },
}
