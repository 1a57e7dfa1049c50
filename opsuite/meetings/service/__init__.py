"""Meetings: create, change (whole series, one occurrence, this and following), skip, cancel,
RSVP and minutes. Every change bumps SEQUENCE, mails invitations (or cancellations) to
everyone affected and re-plans the meeting's reminders through notify.

One module per topic; the names are re-exported here so ``from opsuite.meetings.service import x``
and ``service.x`` keep working."""

from __future__ import annotations

from opsuite.meetings.service.answers import (
    OccurrenceAnswers,
    respond_to_occurrence,
    summarize,
)
from opsuite.meetings.service.invitations import (
    announce,
    page_url,
)
from opsuite.meetings.service.lookup import (
    ByOccurrence,
    answer_for,
    answers_by_occurrence,
    attendees_of,
    can_edit,
    can_see,
    changes_of,
    get_meeting,
    meeting_for,
    meeting_to_edit,
    team_ids_of,
)
from opsuite.meetings.service.meetings import (
    cancel_meeting,
    create_meeting,
    update_meeting,
)
from opsuite.meetings.service.reminders import (
    REMINDER_HORIZON,
    extend_series_reminders,
    item_key,
    plan_reminders,
)
from opsuite.meetings.service.rsvp import (
    get_attendee,
    is_valid_rsvp,
    respond,
    rsvp_signature,
    rsvp_url,
)
from opsuite.meetings.service.series import (
    find_occurrence,
    save_minutes,
    skip_occurrence,
    update_following,
    update_occurrence,
)
from opsuite.meetings.service.validation import (
    MAX_ID,
    AttendeeInput,
    MeetingInput,
    OccurrenceInput,
    check_place,
    check_text,
    validate_meeting,
)

__all__ = [
    "MAX_ID",
    "REMINDER_HORIZON",
    "AttendeeInput",
    "ByOccurrence",
    "MeetingInput",
    "OccurrenceAnswers",
    "OccurrenceInput",
    "announce",
    "answer_for",
    "answers_by_occurrence",
    "attendees_of",
    "can_edit",
    "can_see",
    "cancel_meeting",
    "changes_of",
    "check_place",
    "check_text",
    "create_meeting",
    "extend_series_reminders",
    "find_occurrence",
    "get_attendee",
    "get_meeting",
    "is_valid_rsvp",
    "item_key",
    "meeting_for",
    "meeting_to_edit",
    "page_url",
    "plan_reminders",
    "respond",
    "respond_to_occurrence",
    "rsvp_signature",
    "rsvp_url",
    "save_minutes",
    "skip_occurrence",
    "summarize",
    "team_ids_of",
    "update_following",
    "update_meeting",
    "update_occurrence",
    "validate_meeting",
]
