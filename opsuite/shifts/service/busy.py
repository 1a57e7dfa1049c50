"""When volunteers are busy on shifts, for other areas (meetings' conflicts and find-a-time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opsuite.shifts.models import (
    ShiftStatus,
    SignUp,
    SignUpStatus,
)


@dataclass(frozen=True)
class BusyShift:
    volunteer_id: int
    starts_at: datetime
    ends_at: datetime
    title: str


async def confirmed_shifts_between(
    volunteer_ids: list[int], start: datetime, end: datetime
) -> list[BusyShift]:
    """Shifts these people are confirmed on that overlap [start, end), in one query: for
    other areas that need to know when volunteers are busy (meetings' conflicts and
    find-a-time), wired in app.wire_peers so areas do not import each other."""
    rows = await SignUp.filter(
        volunteer_id__in=volunteer_ids,
        status=SignUpStatus.CONFIRMED,
        shift__status=ShiftStatus.SCHEDULED,
        shift__starts_at__lt=end,
        shift__ends_at__gt=start,
    ).prefetch_related("shift__opportunity")
    return [
        BusyShift(r.volunteer_id, r.shift.starts_at, r.shift.ends_at, r.shift.opportunity.title)
        for r in rows
    ]
