"""Meetings (one-off or a recurring series), changed occurrences, attendees and polls.

A recurring meeting is one row with an RFC 5545 rule; ``starts_at`` is its first occurrence
and the rule is expanded in ``timezone`` so 10:00 stays 10:00 across daylight-saving changes.
Skipped dates (EXDATE) and changed occurrences (RECURRENCE-ID) are keyed by the occurrence's
original start instant in UTC.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from opsuite.auth.models import User
    from opsuite.people.models import Program, Team


class Mode(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Visibility(StrEnum):
    """Who sees a meeting's title, agenda, video link and minutes (everyone else sees "busy").

    The organiser, the attendees and admins always see it; volunteers only ever see the
    meetings they attend. The rule itself is ``opsuite.meetings.access.visible_meetings``."""

    ORGANISATION = "organisation"  # every staff member
    TEAM = "team"  # the teams of the organiser and of the meeting, and who runs them
    ATTENDEES = "attendees"  # the organiser and the people invited only


class Response(StrEnum):
    NEEDS_ACTION = "needs_action"
    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"


class Meeting(Model):
    """A meeting or a recurring series of meetings."""

    id = fields.IntField(primary_key=True)
    uid = fields.CharField(max_length=255, unique=True)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    organizer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="organized_meetings", on_delete=fields.CASCADE
    )
    organizer_id: int
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="meetings", null=True, on_delete=fields.SET_NULL
    )
    team_id: int | None
    program: fields.ForeignKeyNullableRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="meetings", null=True, on_delete=fields.SET_NULL
    )
    program_id: int | None
    timezone = fields.CharField(max_length=64)
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    # The end of the last occurrence (None: the series has no end); lets a window query skip
    # series that finished long ago.
    last_ends_at = fields.DatetimeField(null=True)
    mode = fields.CharEnumField(Mode, max_length=16, default=Mode.IN_PERSON)
    location = fields.CharField(max_length=300, default="")
    video_url = fields.CharField(max_length=500, default="")
    agenda = fields.TextField(default="")
    minutes = fields.TextField(default="")
    rrule = fields.CharField(max_length=500, default="")
    exdates: fields.JSONField[list[str]] = fields.JSONField(default=list)
    status = fields.CharEnumField(MeetingStatus, max_length=16, default=MeetingStatus.SCHEDULED)
    visibility = fields.CharEnumField(Visibility, max_length=16, default=Visibility.TEAM)
    sequence = fields.IntField(default=0)
    split_from: fields.ForeignKeyNullableRelation[Meeting] = fields.ForeignKeyField(
        "models.Meeting", related_name="continued_by", null=True, on_delete=fields.SET_NULL
    )
    split_from_id: int | None
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    attendees: fields.ReverseRelation[Attendee]
    overrides: fields.ReverseRelation[OccurrenceChange]

    class Meta:
        table = "meetings"

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


class OccurrenceChange(Model):
    """One occurrence of a series moved or edited (published with RECURRENCE-ID)."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "models.Meeting", related_name="overrides", on_delete=fields.CASCADE
    )
    meeting_id: int
    original_start = fields.DatetimeField()
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    title = fields.CharField(max_length=200, default="")
    location = fields.CharField(max_length=300, default="")
    agenda = fields.TextField(default="")
    minutes = fields.TextField(default="")
    sequence = fields.IntField(default=0)

    class Meta:
        table = "meeting_occurrence_changes"
        unique_together = (("meeting", "original_start"),)


class Attendee(Model):
    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "models.Meeting", related_name="attendees", on_delete=fields.CASCADE
    )
    meeting_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="meeting_attendances", on_delete=fields.CASCADE
    )
    user_id: int
    required = fields.BooleanField(default=True)
    response = fields.CharEnumField(Response, max_length=16, default=Response.NEEDS_ACTION)
    responded_at = fields.DatetimeField(null=True)

    occurrence_answers: fields.ReverseRelation[OccurrenceAnswer]

    class Meta:
        table = "meeting_attendees"
        unique_together = (("meeting", "user"),)


class OccurrenceAnswer(Model):
    """An attendee's answer for one occurrence of a series, where it differs from their answer
    to the whole series (published as that occurrence's RECURRENCE-ID and PARTSTAT)."""

    id = fields.IntField(primary_key=True)
    attendee: fields.ForeignKeyRelation[Attendee] = fields.ForeignKeyField(
        "models.Attendee", related_name="occurrence_answers", on_delete=fields.CASCADE
    )
    attendee_id: int
    original_start = fields.DatetimeField()
    response = fields.CharEnumField(Response, max_length=16)
    responded_at = fields.DatetimeField()

    class Meta:
        table = "meeting_occurrence_answers"
        unique_together = (("attendee", "original_start"),)


class PollStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    CLOSED = "closed"


class Vote(StrEnum):
    YES = "yes"
    IF_NEED_BE = "if_need_be"
    NO = "no"


class Poll(Model):
    """Candidate times for a meeting that invitees vote on before it is booked."""

    id = fields.IntField(primary_key=True)
    organizer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="meeting_polls", on_delete=fields.CASCADE
    )
    organizer_id: int
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    timezone = fields.CharField(max_length=64)
    duration_minutes = fields.IntField()
    mode = fields.CharEnumField(Mode, max_length=16, default=Mode.IN_PERSON)
    location = fields.CharField(max_length=300, default="")
    video_url = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(PollStatus, max_length=16, default=PollStatus.OPEN)
    meeting: fields.ForeignKeyNullableRelation[Meeting] = fields.ForeignKeyField(
        "models.Meeting", related_name="polls", null=True, on_delete=fields.SET_NULL
    )
    meeting_id: int | None
    created_at = fields.DatetimeField()

    slots: fields.ReverseRelation[PollSlot]
    invitees: fields.ReverseRelation[PollInvitee]

    class Meta:
        table = "meeting_polls"


class PollSlot(Model):
    id = fields.IntField(primary_key=True)
    poll: fields.ForeignKeyRelation[Poll] = fields.ForeignKeyField(
        "models.Poll", related_name="slots", on_delete=fields.CASCADE
    )
    poll_id: int
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()

    class Meta:
        table = "meeting_poll_slots"


class PollInvitee(Model):
    id = fields.IntField(primary_key=True)
    poll: fields.ForeignKeyRelation[Poll] = fields.ForeignKeyField(
        "models.Poll", related_name="invitees", on_delete=fields.CASCADE
    )
    poll_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="meeting_poll_invitations", on_delete=fields.CASCADE
    )
    user_id: int
    required = fields.BooleanField(default=True)

    class Meta:
        table = "meeting_poll_invitees"
        unique_together = (("poll", "user"),)


class PollVote(Model):
    id = fields.IntField(primary_key=True)
    slot: fields.ForeignKeyRelation[PollSlot] = fields.ForeignKeyField(
        "models.PollSlot", related_name="votes", on_delete=fields.CASCADE
    )
    slot_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="meeting_poll_votes", on_delete=fields.CASCADE
    )
    user_id: int
    answer = fields.CharEnumField(Vote, max_length=16)

    class Meta:
        table = "meeting_poll_votes"
        unique_together = (("slot", "user"),)
