"""The meetings JSON API's shapes: a meeting, an occurrence and an attendee as JSON, the request
and response schemas shown in the API docs, and reading instants and ids out of a request body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from opsuite.errors import InvalidInput
from opsuite.meetings.models import (
    Attendee,
    Meeting,
    MeetingStatus,
    Mode,
    PollStatus,
    Response,
    Visibility,
    Vote,
)
from opsuite.meetings.occurrences import Occurrence
from opsuite.meetings.recurrence import stamp
from opsuite.meetings.service import ByOccurrence, OccurrenceAnswers
from opsuite.web.i18n import gettext as _
from opsuite.web.typed import DateText, DateTimeText, RequestBody, ResponseBody, TimeText, absent


class MeetingInput(RequestBody):
    title: str
    description: str = absent()
    date: DateText
    start_time: TimeText
    end_time: TimeText
    timezone: str
    mode: Mode = absent(description="in_person when left out")
    location: str = absent()
    video_url: str = absent()
    agenda: str = absent()
    repeat: str = absent()
    repeat_until: str = absent()
    repeat_count: int | str = absent()
    rrule: str = absent()
    team: int | str = absent()
    program: int | str = absent()
    visibility: Visibility = absent()
    required: list[int | str] = absent()
    optional: list[int | str] = absent()


class OccurrenceJson(ResponseBody):
    meeting_id: int
    occurrence: str
    title: str
    start: DateTimeText
    end: DateTimeText
    location: str
    changed: bool
    private: bool = absent()


class Meetings(ResponseBody):
    items: list[OccurrenceJson]


class ConflictsConflict(ResponseBody):
    user_id: int
    kind: str
    start: str
    end: str
    label: str


class Conflicts(ResponseBody):
    conflicts: list[ConflictsConflict]


class FindInput(RequestBody):
    required: list[int | str]
    optional: list[int | str] = absent()
    duration: Annotated[int, Field(ge=1)]
    from_date: DateText
    to_date: DateText


class SlotsSlotPeople(ResponseBody):
    user_id: int
    required: bool
    free: bool
    outside_hours: bool = absent()
    outside_core: bool = absent()
    local_start: str
    local_end: str = absent()


class SlotsSlot(ResponseBody):
    start: str
    end: str
    missing_optional: int
    in_core_hours: bool = absent()
    people: list[SlotsSlotPeople]


class Slots(ResponseBody):
    slots: list[SlotsSlot]


class MeetingAttendee(ResponseBody):
    user_id: int
    name: str
    timezone: str
    required: bool
    response: Response


class MeetingOccurrenceAnswer(ResponseBody):
    occurrence: str
    user_id: int
    response: Response


class MeetingJson(ResponseBody):
    id: int
    uid: str
    title: str
    description: str = absent()
    organizer_id: int = absent()
    team_id: int | None = None
    program_id: int | None = None
    timezone: str
    starts_at: DateTimeText
    ends_at: DateTimeText
    mode: Mode = absent()
    location: str = absent()
    video_url: str = absent()
    agenda: str = absent()
    minutes: str = absent()
    rrule: str = absent()
    exdates: list[str] = absent()
    status: MeetingStatus
    visibility: Visibility = absent()
    sequence: int = absent()
    attendees: list[MeetingAttendee]
    occurrence_answers: list[MeetingOccurrenceAnswer] = absent()


class OccurrenceAnswer(ResponseBody):
    user_id: int
    response: Response
    own: bool


class OccurrenceAnswersJson(OccurrenceJson):
    minutes: str
    answers: list[OccurrenceAnswer]
    counts: dict[str, int]


class MinutesInput(RequestBody):
    minutes: str
    occurrence: str = absent()


class MeetingRsvpInput(RequestBody):
    response: Literal["accepted", "tentative", "declined"]
    occurrence: str = absent()


class PollInputSlot(RequestBody):
    start: str
    end: str


class PollInput(RequestBody):
    title: str
    description: str = absent()
    mode: Mode = absent()
    location: str = absent()
    video_url: str = absent()
    slots: list[PollInputSlot]
    required: list[int | str]
    optional: list[int | str] = absent()


class PollSlot(PollInputSlot):
    id: int
    local_start: str = absent()
    outside_hours: bool
    mine: str = absent()
    yes: int
    if_need_be: int
    no: int


class Poll(ResponseBody):
    id: int
    title: str
    status: PollStatus
    meeting_id: int | None = None
    slots: list[PollSlot]


class MeetingPollVotesInput(RequestBody):
    votes: dict[str, Vote]


class MeetingPollDecideInput(RequestBody):
    slot_id: int


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
