"""Reminders through notify: one per attendee per occurrence in the coming weeks, re-planned
daily for recurring series."""

from __future__ import annotations

from datetime import timedelta

from opsuite import clock
from opsuite.meetings.models import Meeting, MeetingStatus, Response
from opsuite.meetings.occurrences import expand_meeting
from opsuite.meetings.service.lookup import (
    answer_for,
    answers_by_occurrence,
    attendees_of,
    changes_of,
)
from opsuite.notify.reminders import Reminder, cancel_for, schedule_for
from opsuite.settings import Settings

REMINDER_HORIZON = timedelta(weeks=4)


def item_key(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}"


async def plan_reminders(meeting: Meeting, *, settings: Settings) -> int:
    """One "meeting" reminder per attendee per occurrence they have not declined, in the
    coming weeks. Recurring series are re-planned daily by ``extend_series_reminders`` as the
    horizon moves."""
    if meeting.is_cancelled:
        return await cancel_for(item_key(meeting))
    now = clock.now()
    changes = await changes_of(meeting)
    upcoming = expand_meeting(meeting, changes, now, now + REMINDER_HORIZON)
    attendees = await attendees_of(meeting)
    answers = (await answers_by_occurrence([meeting.id]))[meeting.id] if meeting.rrule else {}
    reminders = [
        Reminder(
            recipient=a.user,
            kind="meeting",
            template="meeting_reminder",
            starts_at=o.start,
            context={
                "meeting": meeting,
                "title": o.title,
                "start": o.start,
                "end": o.end,
                "location": o.location,
                "link": f"/meetings/{meeting.id}",
            },
            timezone=meeting.timezone,
        )
        for o in upcoming
        if o.start > now
        for a in attendees
        # Not to those who declined this occurrence (or the series, unless they said yes
        # to this one).
        if answer_for(a, o.original_start, answers) != Response.DECLINED
    ]
    return await schedule_for(item_key(meeting), reminders, settings=settings)


async def extend_series_reminders(*, settings: Settings) -> int:
    """The daily job: re-plan every live recurring meeting, so a weekly meeting keeps its
    reminders beyond the first weeks. Returns how many series were planned."""
    series = await Meeting.exclude(status=MeetingStatus.CANCELLED).exclude(rrule="")
    for meeting in series:
        await plan_reminders(meeting, settings=settings)
    return len(series)
