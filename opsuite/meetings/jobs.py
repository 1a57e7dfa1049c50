"""Scheduled work of the meetings area."""

from __future__ import annotations

from opsuite.areas import Job, every
from opsuite.meetings import service
from opsuite.meetings.models import Meeting
from opsuite.settings import Settings
from opsuite.web.i18n import lazy_gettext

JOBS = (
    Job(
        "meetings.extend_reminders",
        lazy_gettext("Plan reminders for repeating meetings"),
        every(hours=24),
        lambda settings: service.extend_series_reminders(settings=settings),
    ),
)


async def replan_meeting(meeting_id: int, settings: Settings) -> int:
    """Re-plan one meeting's reminders (a person's notification choices changed)."""
    meeting = await Meeting.get_or_none(id=meeting_id)
    if meeting is None:
        return 0
    return await service.plan_reminders(meeting, settings=settings)
