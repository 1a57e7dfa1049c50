"""What every change to a shift's places stands on: locking the shift, counting its
places, and the checks (open, skills, overlaps) run before anyone takes one.

Capacity is never exceeded: every change to a shift's sign-ups runs in one transaction that
first locks the shift row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: an UPDATE of the row,
which takes the single writer lock before anything is counted), then counts and writes.
Locks are always taken shift first, then people, so two changes never wait on each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise import connections
from tortoise.expressions import Q
from tortoise.functions import Count

from opsuite import clock, db
from opsuite.auth.models import User
from opsuite.errors import Conflict, NotFound, PermissionDenied
from opsuite.shifts.access import can_manage_program
from opsuite.shifts.models import (
    ACTIVE_STATUSES,
    QUEUED_STATUSES,
    Opportunity,
    Shift,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from opsuite.web.i18n import gettext as _


class ShiftFullError(Conflict):
    pass


class AlreadySignedUpError(Conflict):
    pass


class OverlapError(Conflict):
    pass


class MissingSkillsError(Conflict):
    pass


@dataclass(frozen=True)
class Counts:
    confirmed: int
    offered: int
    waiting: int
    held: int = 0  # newcomers' places, unconfirmed until their emailed link is used

    @property
    def taken(self) -> int:
        return self.confirmed + self.offered + self.held

    def free(self, capacity: int) -> int:
        return max(0, capacity - self.taken)


def unexpired_hold() -> Q:
    """Sign-ups still standing: no newcomer's hold, or one that has not run out. A hold that
    ran out stops counting at once, before the release job gets to it."""
    return Q(hold_expires_at=None) | Q(hold_expires_at__gt=clock.now())


# --- locking and counting -----------------------------------------------------------------------


async def lock_shift(shift_id: int) -> Shift:
    """The shift, locked for the rest of the current transaction. Raises NotFound."""
    # One statement takes the row lock (PostgreSQL) or the write lock (SQLite), bumps the
    # revision and returns the row: every sign-up of a rush waits here, and each round trip
    # held under the lock is paid by all who queue behind it. The id is a checked int, so it
    # is written into the statement. (Tortoise reads rows back from a statement that starts
    # with UPDATE only on SQLite; on PostgreSQL the UPDATE goes in a WITH.)
    table = Shift._meta.db_table
    bump = f'UPDATE "{table}" SET "revision" = "revision" + 1 WHERE "id" = {int(shift_id)}'  # noqa: S608  # nosec B608
    bump += " RETURNING *"
    sql = f"WITH bumped AS ({bump}) SELECT * FROM bumped" if db.is_postgres() else bump  # noqa: S608  # nosec B608
    rows: list[Shift] = await Shift.raw(sql)
    if not rows:
        raise NotFound(_("There is nothing at this address. Check the link."))
    shift: Shift = rows[0]
    return shift


async def counts_for(shift_ids: list[int]) -> dict[int, Counts]:
    """Confirmed, offered and waiting per shift, in one query."""
    rows = (
        await SignUp.filter(unexpired_hold(), shift_id__in=shift_ids, status__in=ACTIVE_STATUSES)
        .annotate(n=Count("id"))
        .group_by("shift_id", "status")
        .values("shift_id", "status", "n")
    )
    found: dict[int, dict[str, int]] = {sid: {} for sid in shift_ids}
    for row in rows:
        found[row["shift_id"]][str(row["status"])] = row["n"]
    return {
        sid: Counts(
            c.get(SignUpStatus.CONFIRMED, 0),
            c.get(SignUpStatus.OFFERED, 0),
            c.get(SignUpStatus.WAITLISTED, 0),
            c.get(SignUpStatus.HELD, 0),
        )
        for sid, c in found.items()
    }


async def waitlist_position(signup: SignUp) -> int | None:
    """1 for the first in line (an open offer counts as being in line)."""
    if signup.status not in QUEUED_STATUSES:
        return None
    # Counted by the database: fetching everyone ahead made a rush onto a long waitlist
    # quadratic (the 180th in line read 179 rows).
    ahead = await SignUp.filter(
        Q(queued_at__lt=signup.queued_at) | Q(queued_at=signup.queued_at, id__lt=signup.id),
        shift_id=signup.shift_id,
        status__in=QUEUED_STATUSES,
    ).count()
    return 1 + ahead


@dataclass(frozen=True)
class PlaceChecks:
    """What taking a place on a locked shift needs to know, read in one statement."""

    existing_id: int | None  # the person's sign-up row on this shift, whatever its status
    overlap_id: int | None  # another scheduled shift they are confirmed on at the same time
    counts: Counts


# {p}1 the shift's end, {p}2 its start, {p}3 now. The shift and person ids are checked ints,
# written into the statement. One round trip under the shift lock instead of three (the
# sign-up row, the overlap and the counts): every sign-up of a rush waits for the one ahead.
_CHECKS_SQL = """
SELECT e.existing_id, e.overlap_id, g.status, g.n FROM (
  SELECT
    (SELECT id FROM shift_signups WHERE shift_id = {shift} AND volunteer_id = {person})
      AS existing_id,
    (SELECT s.shift_id FROM shift_signups s JOIN shifts h ON h.id = s.shift_id
      WHERE s.volunteer_id = {person} AND s.status = '{confirmed}' AND h.status = '{scheduled}'
        AND h.starts_at < {p}1 AND h.ends_at > {p}2 AND s.shift_id <> {shift}
      ORDER BY s.id LIMIT 1) AS overlap_id
) e LEFT JOIN (
  SELECT status, COUNT(id) AS n FROM shift_signups
  WHERE shift_id = {shift} AND status IN ({active})
    AND (hold_expires_at IS NULL OR hold_expires_at > {p}3)
  GROUP BY status
) g ON 1 = 1
"""


async def place_checks(shift: Shift, person_id: int) -> PlaceChecks:
    """The person's row on ``shift``, an overlapping shift of theirs, and the shift's counts
    (as ``find_overlap`` and ``counts_for`` give them), in one query."""
    p = "$" if db.is_postgres() else "?"
    sql = _CHECKS_SQL.format(
        p=p,
        shift=int(shift.id),
        person=int(person_id),
        confirmed=SignUpStatus.CONFIRMED.value,
        scheduled=ShiftStatus.SCHEDULED.value,
        active=", ".join(f"'{status.value}'" for status in ACTIVE_STATUSES),
    )
    values = [db.db_time(shift.ends_at), db.db_time(shift.starts_at), db.db_time(clock.now())]
    rows = await connections.get("default").execute_query_dict(sql, values)
    found = {str(row["status"]): int(row["n"]) for row in rows if row["status"] is not None}
    first = rows[0]
    return PlaceChecks(
        int(first["existing_id"]) if first["existing_id"] is not None else None,
        int(first["overlap_id"]) if first["overlap_id"] is not None else None,
        Counts(
            found.get(SignUpStatus.CONFIRMED, 0),
            found.get(SignUpStatus.OFFERED, 0),
            found.get(SignUpStatus.WAITLISTED, 0),
            found.get(SignUpStatus.HELD, 0),
        ),
    )


def overlap_error(volunteer: User) -> OverlapError:
    return OverlapError(
        _(
            "%(name)s already has a shift at that time. Cancel that one first, or choose "
            "another shift.",
            name=volunteer.name,
        ),
        field="shift",
    )


# --- checks ---------------------------------------------------------------------------------


def missing_skills(volunteer: User, opportunity: Opportunity) -> list[str]:
    have = {s.strip().lower() for s in volunteer.skills}
    return [s for s in opportunity.required_skills if s.strip().lower() not in have]


def check_open(shift: Shift) -> None:
    """Raises Conflict for a cancelled or started shift."""
    if shift.is_cancelled:
        raise Conflict(_("This shift was cancelled."))
    if shift.starts_at <= clock.now():
        raise Conflict(_("This shift has already started."))


async def find_overlap(volunteer_id: int, shift: Shift) -> Shift | None:
    """Another scheduled shift the volunteer holds a place on at the same time."""
    row = (
        await SignUp.filter(
            volunteer_id=volunteer_id,
            status=SignUpStatus.CONFIRMED,
            shift__status=ShiftStatus.SCHEDULED,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(shift_id=shift.id)
        .prefetch_related("shift")
        .first()
    )
    return row.shift if row is not None else None


async def _check_overlap(volunteer: User, shift: Shift) -> None:
    if await find_overlap(volunteer.id, shift) is not None:
        raise overlap_error(volunteer)


def _skills_error(missing: list[str]) -> MissingSkillsError:
    return MissingSkillsError(
        _(
            "This shift needs these skills: %(skills)s. If you have them, add them to your "
            "profile; otherwise choose another shift.",
            skills=", ".join(missing),
        ),
        field="skills",
    )


async def _lock_person(volunteer: User) -> None:
    if db.is_postgres():  # two sign-ups by one person at once must not both pass the overlap check
        await User.filter(id=volunteer.id).select_for_update().get()


async def _opportunity(shift: Shift) -> Opportunity:
    return await Opportunity.get(id=shift.opportunity_id)


async def is_coordinator(user: User | None, shift: Shift) -> bool:
    opportunity = await _opportunity(shift)
    return await can_manage_program(user, opportunity.program_id)


def refuse() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do that."))
