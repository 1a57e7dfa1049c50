"""Creating, changing and cancelling a whole meeting (every occurrence of a series)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import InvalidInput
from opsuite.meetings import recurrence
from opsuite.meetings.models import (
    Attendee,
    Meeting,
    MeetingStatus,
    OccurrenceChange,
    Response,
)
from opsuite.meetings.service.invitations import _send_cancel, announce
from opsuite.meetings.service.lookup import _refuse_cancelled, answers_of_meeting, attendees_of
from opsuite.meetings.service.reminders import item_key
from opsuite.meetings.service.validation import AttendeeInput, MeetingInput, validate_meeting
from opsuite.notify.reminders import cancel_for
from opsuite.settings import Settings
from opsuite.web.i18n import gettext as _


def _fields(data: MeetingInput) -> dict[str, Any]:
    return {
        "title": data.title.strip(),
        "description": data.description,
        "timezone": data.timezone,
        "starts_at": data.starts_at.astimezone(ZoneInfo("UTC")),
        "ends_at": data.ends_at.astimezone(ZoneInfo("UTC")),
        "mode": data.mode,
        "location": data.location.strip(),
        "video_url": data.video_url.strip(),
        "agenda": data.agenda,
        "rrule": data.rrule,
        "team_id": data.team_id,
        "program_id": data.program_id,
        "visibility": data.visibility,
        "last_ends_at": recurrence.last_end(
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            timezone=data.timezone,
            rule_text=data.rrule,
        ),
    }


def _new_uid(settings: Settings) -> str:
    host = urlparse(settings.server.base_url).hostname or "opsuite.invalid"
    return f"{secrets.token_hex(16)}@{host}"


async def create_meeting(
    actor: User,
    data: MeetingInput,
    *,
    settings: Settings,
    split_from: Meeting | None = None,
    answers: Mapping[int, Response] | None = None,
) -> Meeting:
    """Book a meeting (the organizer attends) and invite everyone. ``answers``: attendees'
    answers already known (a poll's votes), which the invitations carry. Raises FieldErrors."""
    data = await validate_meeting(data)
    now = clock.now()
    async with in_transaction():
        meeting = await Meeting.create(
            uid=_new_uid(settings),
            organizer=actor,
            created_at=now,
            updated_at=now,
            split_from=split_from,
            **_fields(data),
        )
        await _set_attendees(meeting, data.attendees, keep_answers=False)
        for user_id, response in (answers or {}).items():
            await (
                Attendee.filter(meeting_id=meeting.id, user_id=user_id)
                .exclude(user_id=actor.id)
                .update(response=response, responded_at=now)
            )
        await record(actor, "meetings.meeting.created", meeting, title=meeting.title)
        # Inside the transaction: if an invitation cannot be written, nothing is booked.
        await announce(meeting, settings=settings, to_user_ids=None)
    return meeting


async def _set_attendees(
    meeting: Meeting, wanted: tuple[AttendeeInput, ...], *, keep_answers: bool
) -> tuple[set[int], set[int]]:
    """Make the attendee list ``wanted`` plus the organizer; returns (added, removed) ids."""
    current = {a.user_id: a for a in await Attendee.filter(meeting_id=meeting.id)}
    target = {a.user_id: a.required for a in wanted}
    target[meeting.organizer_id] = True
    removed = set(current) - set(target)
    added = set(target) - set(current)
    if removed:
        await Attendee.filter(meeting_id=meeting.id, user_id__in=list(removed)).delete()
    for user_id in added:
        is_organizer = user_id == meeting.organizer_id
        await Attendee.create(
            meeting=meeting,
            user_id=user_id,
            required=target[user_id],
            response=Response.ACCEPTED if is_organizer else Response.NEEDS_ACTION,
            responded_at=clock.now() if is_organizer else None,
        )
    if not keep_answers:
        # A new time: everyone answers again, for each occurrence too.
        await answers_of_meeting(meeting.id).delete()
    for user_id, row in current.items():
        if user_id not in target:
            continue
        changed = row.required != target[user_id]
        if not keep_answers and user_id != meeting.organizer_id:
            changed = changed or row.response != Response.NEEDS_ACTION
            row.response, row.responded_at = Response.NEEDS_ACTION, None
        if changed:
            row.required = target[user_id]
            await row.save()
    return added, removed


def _timing_changed(meeting: Meeting, data: MeetingInput) -> bool:
    return (
        meeting.starts_at != data.starts_at
        or meeting.ends_at != data.ends_at
        or meeting.rrule != data.rrule
        or meeting.timezone != data.timezone
    )


async def update_meeting(
    actor: User, meeting: Meeting, data: MeetingInput, *, settings: Settings
) -> Meeting:
    """Change the whole meeting (every occurrence). Raises FieldErrors or InvalidInput.

    The time of a meeting or series that has already started cannot change (that would rewrite
    what happened); change this and following occurrences instead.
    """
    data = await validate_meeting(data)
    _refuse_cancelled(meeting)
    timing = _timing_changed(meeting, data)
    if timing and meeting.starts_at <= clock.now():
        message = (
            _("This series has already started; change this and following occurrences instead.")
            if meeting.rrule
            else _("This meeting is in the past; only its notes can change.")
        )
        raise InvalidInput(message, field="start")
    old_attendees = {a.user_id for a in await Attendee.filter(meeting_id=meeting.id)}
    async with in_transaction():
        for name, value in _fields(data).items():
            setattr(meeting, name, value)
        meeting.sequence += 1
        meeting.updated_at = clock.now()
        if timing:
            await _drop_exceptions_off_rule(meeting)
        await meeting.save()
        _added, removed = await _set_attendees(meeting, data.attendees, keep_answers=not timing)
        await record(actor, "meetings.meeting.changed", meeting, sequence=meeting.sequence)
        # Inside the transaction: a change whose mail cannot be written is not half-saved.
        await announce(meeting, settings=settings, to_user_ids=None)
        if removed:
            await _send_cancel(meeting, removed & old_attendees, settings=settings)
    return meeting


async def _drop_exceptions_off_rule(meeting: Meeting) -> None:
    """After the series' time or rule changed, skipped dates and changed occurrences that no
    longer fall on it would point at nothing: drop them."""
    changes = await OccurrenceChange.filter(meeting_id=meeting.id)
    keys = [recurrence.parse_stamp(s) for s in meeting.exdates]
    originals = [d for d in keys if d is not None] + [c.original_start for c in changes]
    if not originals:
        return
    on_rule = (
        set(
            recurrence.original_starts(
                starts_at=meeting.starts_at,
                timezone=meeting.timezone,
                rule_text=meeting.rrule,
                window_start=min(originals),
                window_end=max(originals) + timedelta(seconds=1),
            )
        )
        if max(originals) - min(originals) < recurrence.MAX_WINDOW
        else set()
    )
    meeting.exdates = [s for s in meeting.exdates if recurrence.parse_stamp(s) in on_rule]
    stale = [c.id for c in changes if c.original_start not in on_rule]
    if stale:
        await OccurrenceChange.filter(id__in=stale).delete()


async def cancel_meeting(actor: User, meeting: Meeting, *, settings: Settings) -> None:
    """Cancel the meeting (every occurrence); everyone invited gets a cancellation."""
    _refuse_cancelled(meeting)
    async with in_transaction():
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        meeting.updated_at = clock.now()
        await meeting.save(update_fields=["status", "sequence", "updated_at"])
        await record(actor, "meetings.meeting.cancelled", meeting, title=meeting.title)
        attendees = await attendees_of(meeting)
        await _send_cancel(meeting, {a.user_id for a in attendees}, settings=settings)
        await cancel_for(item_key(meeting))
