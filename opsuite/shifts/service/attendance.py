"""Volunteers' attendance records: shifts attended, no-shows and late cancellations, for
coordinators (the roster, inviting the most reliable first) and the no-show report.

One rule decides each sign-up's outcome (``outcome_of``), so the record on the roster and the
report count the same things:
- attended: checked in, marked attended, or hours for the shift approved;
- no-show: marked no-show, or confirmed on a shift that ended with none of the above;
- late cancellation: a confirmed place given up within the program's ``late_cancel_hours``;
sign-ups on cancelled shifts count for nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from opsuite import clock
from opsuite.shifts.models import (
    Attendance,
    HoursRecord,
    HoursStatus,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)


class Outcome(StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    LATE_CANCELLATION = "late_cancellation"


@dataclass(frozen=True)
class AttendanceRecord:
    attended: int = 0
    no_shows: int = 0
    late_cancellations: int = 0

    @property
    def misses(self) -> int:
        return self.no_shows + self.late_cancellations

    @property
    def sort_key(self) -> tuple[float, int]:
        """Most reliable first: the smallest share of missed places, then the most attended
        (so a newcomer comes after people who always came)."""
        total = self.attended + self.misses
        return (self.misses / total if total else 0.0, -self.attended)


FIELDS = (
    "id",
    "volunteer_id",
    "status",
    "attendance",
    "checked_in_at",
    "cancelled_late",
    "shift__starts_at",
    "shift__ends_at",
    "shift__status",
    "shift__opportunity__program_id",
)


def outcome_of(row: dict[str, Any], *, approved: set[int], now: datetime) -> Outcome | None:
    """What one sign-up (a ``values(*FIELDS)`` row) counts as; None for nothing (yet)."""
    if row["shift__status"] == ShiftStatus.CANCELLED:
        return None
    if row["status"] == SignUpStatus.CANCELLED:
        return Outcome.LATE_CANCELLATION if row["cancelled_late"] else None
    if row["status"] != SignUpStatus.CONFIRMED:
        return None
    if row["attendance"] == Attendance.NO_SHOW:
        return Outcome.NO_SHOW
    if (
        row["attendance"] == Attendance.ATTENDED
        or row["checked_in_at"] is not None
        or row["id"] in approved
    ):
        return Outcome.ATTENDED
    return Outcome.NO_SHOW if row["shift__ends_at"] <= now else None


async def _approved(signup_ids: list[int]) -> set[int]:
    rows = await HoursRecord.filter(
        signup_id__in=signup_ids, status=HoursStatus.APPROVED
    ).values_list("signup_id", flat=True)
    return {int(str(r)) for r in rows if r is not None}


async def outcomes(**filters: Any) -> list[tuple[dict[str, Any], Outcome]]:
    """The counted sign-ups matching ``filters`` with their outcomes, in two queries."""
    rows = await SignUp.filter(
        status__in=(SignUpStatus.CONFIRMED, SignUpStatus.CANCELLED), **filters
    ).values(*FIELDS)
    approved = await _approved([r["id"] for r in rows])
    now = clock.now()
    found = []
    for row in rows:
        outcome = outcome_of(row, approved=approved, now=now)
        if outcome is not None:
            found.append((row, outcome))
    return found


async def attendance_records(volunteer_ids: list[int]) -> dict[int, AttendanceRecord]:
    """Each person's record over all programs, in two queries whatever their number."""
    counts: dict[int, dict[Outcome, int]] = defaultdict(lambda: defaultdict(int))
    if volunteer_ids:
        for row, outcome in await outcomes(volunteer_id__in=volunteer_ids):
            counts[row["volunteer_id"]][outcome] += 1
    return {
        v: AttendanceRecord(
            attended=counts[v][Outcome.ATTENDED],
            no_shows=counts[v][Outcome.NO_SHOW],
            late_cancellations=counts[v][Outcome.LATE_CANCELLATION],
        )
        for v in volunteer_ids
    }
