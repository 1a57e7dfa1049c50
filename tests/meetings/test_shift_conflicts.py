"""A volunteer's confirmed shift is busy time for meetings: it shows as a conflict, and
find-a-time works around it."""

from __future__ import annotations

from datetime import timedelta

from opsuite.app import register_areas
from opsuite.meetings.availability import conflicts, find_a_time
from opsuite.shifts.service import sign_up
from tests.factories.shifts import make_shift, make_volunteer


async def test_a_confirmed_shift_is_a_conflict_and_find_a_time_avoids_it(settings, frozen_clock):
    register_areas()
    volunteer = await make_volunteer(timezone="Europe/London")
    day = (frozen_clock + timedelta(days=2)).replace(hour=8, minute=0)  # 08:00 London (UTC)
    shift = await make_shift(
        starts_at=day + timedelta(hours=2), hours=3, timezone="Europe/London"
    )  # 10:00-13:00
    await sign_up(volunteer, shift.id, settings=settings)

    found = await conflicts(
        [volunteer], [(day + timedelta(hours=3), day + timedelta(hours=4))], viewer=volunteer
    )
    assert [(c.kind, c.start, c.end) for c in found[volunteer.id]] == [
        ("shift", shift.starts_at, shift.ends_at)
    ]

    slots = await find_a_time(
        [(volunteer, True)],
        duration=timedelta(hours=1),
        start=day,
        end=day + timedelta(hours=12),
        limit=20,
    )
    assert slots
    for slot in slots:
        assert slot.end <= shift.starts_at or slot.start >= shift.ends_at
