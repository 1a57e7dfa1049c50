"""Builders for meetings, made through the meetings service like real data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from opsuite.auth.models import Role, User
from opsuite.meetings.models import Meeting
from opsuite.meetings.service import AttendeeInput, MeetingInput, create_meeting
from opsuite.settings import Settings
from tests.factories.auth import make_user


def meeting_input(
    *,
    starts_at: datetime,
    minutes: int = 60,
    attendees: Iterable[User] = (),
    optional: Iterable[User] = (),
    **overrides: Any,
) -> MeetingInput:
    values: dict[str, Any] = {
        "title": "Weekly sync",
        "timezone": "Europe/London",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "mode": "in_person",
        "location": "Room 1",
        "attendees": tuple(AttendeeInput(u.id, True) for u in attendees)
        + tuple(AttendeeInput(u.id, False) for u in optional),
    }
    values.update(overrides)
    return MeetingInput(**values)


async def make_meeting(
    *,
    settings: Settings,
    organizer: User | None = None,
    starts_at: datetime,
    **overrides: Any,
) -> Meeting:
    """A meeting booked by ``organizer`` (a new staff member if none is given)."""
    organizer = organizer or await make_user(Role.STAFF)
    return await create_meeting(
        organizer, meeting_input(starts_at=starts_at, **overrides), settings=settings
    )
