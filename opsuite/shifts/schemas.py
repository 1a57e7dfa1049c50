"""JSON shapes of the shifts API (documented in the OpenAPI document) and their builders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from opsuite.shifts import service
from opsuite.shifts.forms import LIST_DAYS
from opsuite.shifts.models import (
    Attendance,
    Certificate,
    HandoverKind,
    HandoverStatus,
    HoursRecord,
    HoursSource,
    HoursStatus,
    Opportunity,
    ProgramShiftPolicy,
    Shift,
    ShiftHandover,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.planning import EditScope
from opsuite.web.api import query_param
from opsuite.web.typed import (
    DateText,
    DateTimeText,
    Flag,
    RequestBody,
    ResponseBody,
    TimeText,
    absent,
    partial,
)

if TYPE_CHECKING:
    from opsuite.shifts.hours import Total


_NULL_STR = {"type": ["string", "null"]}

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


class OpportunityInput(RequestBody):
    program_id: int
    title: Annotated[str, Field(max_length=120)]
    description: str = absent()
    location: str = absent()
    is_remote: Flag = absent()
    required_skills: list[str] = absent()
    minimum_age: int | None = None
    training_note: str = absent()
    is_public: Flag = absent()


class OpportunityJson(ResponseBody):
    id: int
    program_id: int
    title: str
    description: str = absent()
    location: str = absent()
    is_remote: bool = absent()
    required_skills: list[str]
    minimum_age: int | None = None
    training_note: str = absent()
    is_public: bool
    is_active: bool = absent()


class ShiftInput(RequestBody):
    opportunity_id: int = absent()
    day: DateText
    start: TimeText
    end: TimeText
    timezone: str
    capacity: int
    location: str = absent()
    notes: str = absent()
    lead_id: int | str | None = None
    rrule: str = absent(description="RFC 5545 RRULE; creates a series")
    scope: EditScope = absent()


class ShiftJson(ResponseBody):
    id: int
    opportunity_id: int
    series_id: int | None = None
    starts_at: DateTimeText
    ends_at: DateTimeText
    timezone: str
    capacity: int
    confirmed: int = absent()
    unconfirmed: int = absent(description="places held for newcomers")
    waitlisted: int = absent()
    free: int = absent()
    location: str = absent()
    notes: str = absent()
    lead_id: int | None = None
    status: ShiftStatus
    fits_availability: bool | None = Field(
        None, description="in lists: within the caller's availability (null: none set)"
    )


class ShiftsCreated(ResponseBody):
    items: list[ShiftJson]


class Signup(ResponseBody):
    id: int
    shift_id: int
    volunteer_id: int
    status: SignUpStatus
    waitlist_position: int | None
    offer_expires_at: str | None = None
    attendance: Literal["attended", "no_show", None] | None = None
    checked_in_at: str | None = None
    checked_out_at: str | None = None


class SwapInput(RequestBody):
    action: Literal["offer", "withdraw", "take"]


class CheckInput(RequestBody):
    signup_id: int = absent(description="someone else's (coordinators)")
    happened_at: DateTimeText = absent(
        description="when a phone without signal recorded it (last 24 hours)"
    )


class Hours(ResponseBody):
    id: int
    volunteer_id: int
    program_id: int
    signup_id: int | None = None
    source: HoursSource = absent()
    work_date: DateText
    minutes: int
    description: str = absent()
    status: HoursStatus


class ShiftRosterInput(RequestBody):
    user_id: int
    override_skills: Flag = absent()


class Record(ResponseBody):
    """the volunteer's attendance record over every program"""

    attended: int
    no_shows: int
    late_cancellations: int


class RosterSignup(ResponseBody):
    signup: Signup
    name: str
    email: str
    phone: str
    record: Record = absent(description="the volunteer's attendance record over every program")


class Roster(ResponseBody):
    shift: ShiftJson
    signups: list[RosterSignup]


class ShiftAttendanceInput(RequestBody):
    signup_id: int
    attendance: Attendance
    checked_in_at: DateTimeText = absent()
    checked_out_at: DateTimeText = absent()


class HoursInput(RequestBody):
    program_id: int | str
    work_date: DateText
    minutes: int
    description: str


class HoursTotal(ResponseBody):
    volunteer_id: int
    program_id: int
    month: str
    approved_minutes: int
    pending_minutes: int


class CertificateInput(RequestBody):
    period_start: DateText
    period_end: DateText
    program: int | str | None = Field(None, description="an id, or all")
    locale: Literal["en", "zh_Hans"]
    volunteer: int = absent(description="coordinators: whose hours")


class CertificateJson(ResponseBody):
    id: int
    number: str
    volunteer_id: int
    issued_by_id: int | None = None
    issued_at: DateTimeText
    period_start: DateText = absent()
    period_end: DateText = absent()
    program_id: int | None = None
    locale: str = absent()
    content: dict[str, Any]
    verify_url: str


class HoursRecordInput(RequestBody):
    approve: Flag = absent()
    minutes: int = absent()
    note: str = absent()


class ShiftHandoverInput(RequestBody):
    action: Literal["offer", "withdraw", "accept", "decline"]
    recipient_id: int = absent(description="with offer: one of GET's candidates")


class Handover(ResponseBody):
    id: int
    shift_id: int
    giver_id: int
    recipient_id: int
    kind: HandoverKind
    status: HandoverStatus
    expires_at: DateTimeText
    answered_at: DateTimeText | None = None
    decided_at: DateTimeText | None = None


class PlaceStateCandidate(ResponseBody):
    id: int
    name: str


class PlaceState(ResponseBody):
    signup: Signup | None
    swap_offered: bool = Field(description="the caller's place is up for a swap")
    given: Handover | None = Field(description="the caller's open offer of their place")
    offered_to_me: Handover | None = Field(description="a place offered to the caller")
    candidates: list[PlaceStateCandidate] = absent(
        description="whom the caller may hand their place to (GET only; names only)"
    )


class HandoverDecideInput(RequestBody):
    approve: Flag


class ShiftPolicy(RequestBody):
    program_id: int = absent()
    auto_promote: Flag
    offer_hours: Annotated[int, Field(ge=1, le=168)]
    approve_transfers: Flag = absent()
    swaps_follow_waitlist: Flag = absent()
    late_cancel_hours: Annotated[int, Field(ge=0, le=168)] = absent()
    invite_within_days: Annotated[int, Field(ge=1, le=60)] = absent()


ShiftPatch = partial(ShiftInput, "ShiftPatch")
OpportunityPatch = partial(OpportunityInput, "OpportunityPatch")
ShiftPolicyInput = partial(ShiftPolicy, "ShiftPolicyInput")


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


def record_json(r: service.AttendanceRecord) -> dict[str, Any]:
    return {
        "attended": r.attended,
        "no_shows": r.no_shows,
        "late_cancellations": r.late_cancellations,
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
