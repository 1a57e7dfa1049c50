"""A weekly meeting keeps reminding its attendees beyond the first weeks: the daily job moves
the reminder horizon on."""

from __future__ import annotations

from datetime import timedelta

from opsuite import clock
from opsuite.meetings.service import extend_series_reminders
from opsuite.notify.models import Notification, NotificationStatus
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting


async def pending_reminder_days(meeting) -> list[str]:
    rows = await Notification.filter(
        item_key__startswith=f"meeting:{meeting.id}",
        kind="meeting_reminder",
        status=NotificationStatus.PENDING,
    )
    return sorted({r.due_at.date().isoformat() for r in rows})


async def test_the_daily_job_plans_reminders_for_weeks_beyond_the_first_month(
    settings, frozen_clock
):
    staff = await make_user("staff")
    first = frozen_clock + timedelta(days=1, hours=1)
    meeting = await make_meeting(
        settings=settings, starts_at=first, attendees=[staff], rrule="FREQ=WEEKLY;COUNT=10"
    )
    planned = await pending_reminder_days(meeting)
    assert len(planned) == 4  # four weeks ahead

    clock.advance(timedelta(weeks=5))
    assert await extend_series_reminders(settings=settings) == 1
    later = await pending_reminder_days(meeting)
    assert later
    assert max(later) > max(planned)
    assert all(day >= clock.now().date().isoformat() for day in later)
