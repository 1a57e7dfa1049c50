"""Check-in and check-out, attendance, volunteer hours, their corrections and totals.

Hours count once a coordinator approves them. Every change of minutes by a coordinator is kept
as a correction (who, when, from what to what).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin
from opsuite.errors import Conflict, FieldErrors, InvalidInput, NotFound
from opsuite.people.models import Program
from opsuite.shifts.access import authorize_manage_program, can_manage_program
from opsuite.shifts.models import (
    Attendance,
    HoursCorrection,
    HoursRecord,
    HoursSource,
    HoursStatus,
    Opportunity,
    Shift,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service import refuse
from opsuite.web.i18n import gettext as _

CHECK_IN_EARLY = timedelta(hours=1)  # check-in opens this long before the start
OFFLINE_LIMIT = timedelta(hours=24)  # how old a queued (offline) check-in may be
OFFLINE_SKEW = timedelta(minutes=5)  # a phone's clock may run this far ahead
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class Total:
    volunteer_id: int
    volunteer_name: str
    program_id: int
    program_name: str
    month: str  # YYYY-MM
    approved_minutes: int
    pending_minutes: int


async def _signup_for(actor: User, signup_id: int) -> tuple[SignUp, Shift, Opportunity, bool]:
    signup = await SignUp.get_or_none(id=signup_id).prefetch_related("shift", "volunteer")
    if signup is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    opportunity = await Opportunity.get(id=signup.shift.opportunity_id)
    coordinator = await can_manage_program(actor, opportunity.program_id)
    if signup.volunteer_id != actor.id and not coordinator:
        raise refuse()
    return signup, signup.shift, opportunity, coordinator


def _minutes(start: datetime, end: datetime) -> int:
    return round((end - start).total_seconds() / 60)


async def _set_hours(
    actor: User, signup: SignUp, shift: Shift, opportunity: Opportunity, minutes: int
) -> HoursRecord:
    """Create or update the shift's hours record (a change by someone else is a correction)."""
    existing = await HoursRecord.get_or_none(signup_id=signup.id)
    if existing is None:
        return await HoursRecord.create(
            volunteer_id=signup.volunteer_id,
            program_id=opportunity.program_id,
            signup=signup,
            source=HoursSource.SHIFT,
            work_date=shift.starts_at.astimezone(ZoneInfo(shift.timezone)).date(),
            minutes=minutes,
            created_at=clock.now(),
        )
    if existing.minutes != minutes:
        await HoursCorrection.create(
            record=existing,
            changed_by=actor,
            changed_at=clock.now(),
            from_minutes=existing.minutes,
            to_minutes=minutes,
            note=_("Check-in times changed"),
        )
        existing.minutes = minutes
    if existing.status == HoursStatus.REJECTED:
        existing.status = HoursStatus.PENDING
    await existing.save()
    return existing


def when_it_happened(at: datetime | None) -> datetime:
    """The moment a check-in or check-out happened: now, or the time a phone recorded while it
    had no signal and sends later (a queued action), within a day back and a little ahead.
    Raises InvalidInput."""
    now = clock.now()
    if at is None:
        return now
    if at.tzinfo is None:
        raise InvalidInput(_("The time must include its offset from UTC."), field="happened_at")
    if at > now + OFFLINE_SKEW or at < now - OFFLINE_LIMIT:
        raise InvalidInput(
            _("A queued check-in or check-out must be from the last 24 hours."), field="happened_at"
        )
    return min(at, now)


async def own_signup_id(volunteer: User, shift_id: int) -> int:
    """The volunteer's own sign-up on a shift, for a check-in or check-out that names none.
    Raises InvalidInput when they have none."""
    signup = await SignUp.get_or_none(shift_id=shift_id, volunteer_id=volunteer.id)
    if signup is None:
        raise InvalidInput(_("You are not signed up for this shift."))
    return signup.id


async def check_in(actor: User, signup_id: int, *, at: datetime | None = None) -> SignUp:
    """The volunteer (or a coordinator) checks in, now or at the moment a phone recorded
    offline. Raises NotFound, PermissionDenied, Conflict, InvalidInput."""
    signup, shift, _opportunity, _coordinator = await _signup_for(actor, signup_id)
    if signup.status != SignUpStatus.CONFIRMED or shift.is_cancelled:
        raise Conflict(_("Only people confirmed on a scheduled shift can check in."))
    now = when_it_happened(at)
    if now < shift.starts_at - CHECK_IN_EARLY:
        raise Conflict(_("Check-in opens an hour before the shift starts. Come back then."))
    if signup.checked_in_at is not None:
        raise Conflict(_("Already checked in."))
    signup.checked_in_at = now
    await signup.save(update_fields=["checked_in_at"])
    await record(actor, "shifts.attendance.checked_in", signup, shift_id=shift.id)
    return signup


async def check_out(actor: User, signup_id: int, *, at: datetime | None = None) -> HoursRecord:
    """Check out (now, or when a phone recorded it offline); the hours between check-in and
    then wait for a coordinator's approval. Raises Conflict when nobody checked in."""
    signup, shift, opportunity, _coordinator = await _signup_for(actor, signup_id)
    if signup.checked_in_at is None:
        raise Conflict(_("Check in first: a check-out needs a check-in before it."))
    if signup.checked_out_at is not None:
        raise Conflict(_("Already checked out."))
    now = when_it_happened(at)
    if now <= signup.checked_in_at:
        raise Conflict(_("The check-out must come after the check-in."))
    async with in_transaction():
        signup.checked_out_at = now
        signup.attendance = Attendance.ATTENDED
        await signup.save(update_fields=["checked_out_at", "attendance"])
        hours = await _set_hours(
            actor, signup, shift, opportunity, _minutes(signup.checked_in_at, now)
        )
        await record(actor, "shifts.attendance.checked_out", signup, minutes=hours.minutes)
    return hours


async def mark_attendance(
    actor: User,
    signup_id: int,
    attendance: Attendance,
    *,
    checked_in_at: datetime | None = None,
    checked_out_at: datetime | None = None,
) -> SignUp:
    """A coordinator marks someone attended (optionally with times; otherwise the shift's own
    length counts) or a no-show. Raises PermissionDenied, InvalidInput or Conflict."""
    signup, shift, opportunity, coordinator = await _signup_for(actor, signup_id)
    if not coordinator:
        raise refuse()
    if signup.status != SignUpStatus.CONFIRMED:
        raise Conflict(_("Only people confirmed on the shift have an attendance."))
    if shift.starts_at > clock.now():
        raise Conflict(_("Attendance can be marked once the shift has started."))
    if (checked_in_at is None) != (checked_out_at is None):
        raise InvalidInput(_("Give both the check-in and the check-out."), field="checked_out_at")
    if checked_in_at is not None and checked_out_at is not None:
        if checked_out_at <= checked_in_at:
            raise InvalidInput(
                _("The check-out must come after the check-in."), field="checked_out_at"
            )
        if _minutes(checked_in_at, checked_out_at) > MAX_MINUTES:
            raise InvalidInput(_("A shift lasts at most 24 hours."), field="checked_out_at")
    async with in_transaction():
        signup.attendance = attendance
        if attendance == Attendance.ATTENDED:
            if checked_in_at is not None and checked_out_at is not None:
                signup.checked_in_at, signup.checked_out_at = checked_in_at, checked_out_at
            start = signup.checked_in_at or shift.starts_at
            end = signup.checked_out_at or shift.ends_at
            await _set_hours(actor, signup, shift, opportunity, _minutes(start, end))
        else:
            signup.checked_in_at = signup.checked_out_at = None
            await HoursRecord.filter(signup_id=signup.id).update(
                status=HoursStatus.REJECTED, decided_by_id=actor.id, decided_at=clock.now()
            )
        await signup.save()
        await record(actor, f"shifts.attendance.{attendance}", signup, shift_id=shift.id)
    return signup


async def log_offsite_hours(
    volunteer: User, *, program_id: int, work_date: date, minutes: int, description: str
) -> HoursRecord:
    """A volunteer logs work done away from a shift, for a coordinator to approve.
    Raises FieldErrors."""
    errors: dict[str, str] = {}
    if not await Program.filter(id=program_id, is_active=True).exists():
        errors["program_id"] = _("Choose from the list.")
    today = clock.now().astimezone(ZoneInfo(volunteer.timezone)).date()
    if work_date > today:
        errors["work_date"] = _("Log hours for today or earlier.")
    if not 1 <= minutes <= MAX_MINUTES:
        errors["minutes"] = _("Enter between 1 and %(n)s minutes.", n=MAX_MINUTES)
    if not description.strip() or len(description) > 500:
        errors["description"] = _("Say what you did, in at most 500 characters.")
    if errors:
        raise FieldErrors(errors)
    entry = await HoursRecord.create(
        volunteer=volunteer,
        program_id=program_id,
        source=HoursSource.OFFSITE,
        work_date=work_date,
        minutes=minutes,
        description=description.strip(),
        created_at=clock.now(),
    )
    await record(volunteer, "shifts.hours.logged", entry, minutes=minutes)
    return entry


async def get_hours(actor: User, record_id: int) -> HoursRecord:
    """A record the actor may decide on. Raises NotFound or PermissionDenied."""
    entry = await HoursRecord.get_or_none(id=record_id).prefetch_related("volunteer", "program")
    if entry is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    await authorize_manage_program(actor, entry.program_id)
    return entry


async def correct_hours(actor: User, record_id: int, *, minutes: int, note: str) -> HoursRecord:
    """A coordinator changes the minutes; the change is kept. Raises FieldErrors."""
    entry = await get_hours(actor, record_id)
    if not 0 <= minutes <= MAX_MINUTES:
        raise FieldErrors({"minutes": _("Enter between 0 and %(n)s minutes.", n=MAX_MINUTES)})
    if len(note) > 500:
        raise FieldErrors({"note": _("At most %(n)s characters, please.", n=500)})
    async with in_transaction():
        await HoursCorrection.create(
            record=entry,
            changed_by=actor,
            changed_at=clock.now(),
            from_minutes=entry.minutes,
            to_minutes=minutes,
            note=note.strip(),
        )
        before, entry.minutes = entry.minutes, minutes
        await entry.save(update_fields=["minutes"])
        await record(actor, "shifts.hours.corrected", entry, before=before, after=minutes)
    return entry


async def decide_hours(actor: User, record_id: int, *, approve: bool) -> HoursRecord:
    entry = await get_hours(actor, record_id)
    if entry.volunteer_id == actor.id and not is_admin(actor):
        raise Conflict(_("Someone else has to approve your own hours."))
    entry.status = HoursStatus.APPROVED if approve else HoursStatus.REJECTED
    entry.decided_by = actor
    entry.decided_at = clock.now()
    await entry.save(update_fields=["status", "decided_by_id", "decided_at"])
    await record(actor, f"shifts.hours.{entry.status}", entry, minutes=entry.minutes)
    return entry


async def pending_hours(actor: User) -> list[HoursRecord]:
    """Hours waiting for approval in programs the actor runs (admins: all)."""
    rows, _total = await pending_hours_page(actor, offset=0, limit=None)
    return rows


async def pending_hours_page(
    actor: User, *, offset: int, limit: int | None
) -> tuple[list[HoursRecord], int]:
    """One page of the hours waiting for approval in programs the actor runs (admins: all),
    oldest work day first, and how many wait in all (limit None: every one)."""
    from opsuite.shifts.planning import managed_programs

    program_ids = [p.id for p in await managed_programs(actor)]
    query = HoursRecord.filter(status=HoursStatus.PENDING, program_id__in=program_ids)
    total = await query.count()
    page = query.order_by("work_date", "id").offset(offset)
    if limit is not None:
        page = page.limit(limit)
    rows = await page.prefetch_related(
        "volunteer", "program", "signup__shift", "corrections__changed_by"
    )
    return list(rows), total


async def totals(
    *, volunteer_id: int | None = None, program_ids: list[int] | None = None
) -> list[Total]:
    """Minutes per volunteer, program and month (approved, and still pending)."""
    query = HoursRecord.filter(status__in=(HoursStatus.APPROVED, HoursStatus.PENDING))
    if volunteer_id is not None:
        query = query.filter(volunteer_id=volunteer_id)
    if program_ids is not None:
        query = query.filter(program_id__in=program_ids)
    rows = await query.values(
        "volunteer_id",
        "volunteer__name",
        "program_id",
        "program__name",
        "work_date",
        "status",
        "minutes",
    )
    sums: dict[tuple[int, str, int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        key = (
            row["volunteer_id"],
            row["volunteer__name"],
            row["program_id"],
            row["program__name"],
            row["work_date"].strftime("%Y-%m"),
        )
        sums[key][0 if row["status"] == HoursStatus.APPROVED else 1] += row["minutes"]
    return [
        Total(vid, vname, pid, pname, month, approved, pending)
        for (vid, vname, pid, pname, month), (approved, pending) in sorted(
            # the ids last, so two people or programs of one name keep one order across pages
            sums.items(),
            key=lambda kv: (kv[0][4], kv[0][1].lower(), kv[0][3].lower(), kv[0][0], kv[0][2]),
        )
    ]


async def hours_records_page(
    volunteer_id: int, *, offset: int, limit: int
) -> tuple[list[HoursRecord], int]:
    """One page of a volunteer's hours records, newest work day first, and how many there are."""
    query = HoursRecord.filter(volunteer_id=volunteer_id)
    total = await query.count()
    # the id last: several records of one day keep one order, so pages never overlap
    rows = await query.order_by("-work_date", "-id").offset(offset).limit(limit)
    return list(rows), total


def approved_sum(rows: list[Total]) -> int:
    return sum(t.approved_minutes for t in rows)
