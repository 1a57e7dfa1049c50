"""Opportunities, shifts and series: creating, editing (this shift, this and following, all),
cancelling, and messages to everyone on a shift. Lists and rosters are in ``listing``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, FieldErrors, InvalidInput, NotFound
from opsuite.people.models import Program
from opsuite.settings import Settings
from opsuite.shifts import notices, recurrence
from opsuite.shifts.access import authorize_manage_program
from opsuite.shifts.models import (
    ACTIVE_STATUSES,
    OPEN_HANDOVER,
    HandoverStatus,
    Opportunity,
    Shift,
    ShiftHandover,
    ShiftSeries,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service import counts_for, find_overlap, lock_shift
from opsuite.wallclock import from_minute, to_minute
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone

MAX_CAPACITY = 10_000
MAX_SHIFT = timedelta(hours=24)


class EditScope(StrEnum):
    THIS = "this"
    FOLLOWING = "following"
    ALL = "all"


@dataclass(frozen=True)
class OpportunityInput:
    title: str
    description: str = ""
    location: str = ""
    is_remote: bool = False
    required_skills: tuple[str, ...] = ()
    minimum_age: int | None = None
    training_note: str = ""
    is_public: bool = False


@dataclass(frozen=True)
class ShiftInput:
    day: date
    start: time
    end: time  # at or before start: the next morning
    timezone: str
    capacity: int
    location: str = ""
    notes: str = ""
    lead_id: int | None = None


# --- opportunities ---------------------------------------------------------------------------


def _opportunity_errors(data: OpportunityInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.title.strip() or len(data.title) > 120:
        errors["title"] = _("Enter a title of at most 120 characters.")
    if data.minimum_age is not None and not 0 <= data.minimum_age <= 120:
        errors["minimum_age"] = _("Enter an age between 0 and 120.")
    if len(data.required_skills) > 30 or any(len(s) > 60 for s in data.required_skills):
        errors["required_skills"] = _("At most 30 skills of at most 60 characters each.")
    return errors


def _opportunity_values(data: OpportunityInput) -> dict[str, Any]:
    return {
        "title": data.title.strip(),
        "description": data.description.strip(),
        "location": data.location.strip(),
        "is_remote": data.is_remote,
        "required_skills": [s.strip() for s in data.required_skills if s.strip()],
        "minimum_age": data.minimum_age,
        "training_note": data.training_note.strip(),
        "is_public": data.is_public,
    }


async def create_opportunity(actor: User, program_id: int, data: OpportunityInput) -> Opportunity:
    """Raises PermissionDenied (not running the program) or FieldErrors."""
    await authorize_manage_program(actor, program_id)
    errors = _opportunity_errors(data)
    if errors:
        raise FieldErrors(errors)
    opportunity = await Opportunity.create(
        program_id=program_id, created_at=clock.now(), **_opportunity_values(data)
    )
    await record(actor, "shifts.opportunity.created", opportunity, title=opportunity.title)
    return opportunity


async def update_opportunity(
    actor: User, opportunity: Opportunity, data: OpportunityInput, *, is_active: bool = True
) -> Opportunity:
    await authorize_manage_program(actor, opportunity.program_id)
    errors = _opportunity_errors(data)
    if errors:
        raise FieldErrors(errors)
    opportunity.update_from_dict({**_opportunity_values(data), "is_active": is_active})
    await opportunity.save()
    await record(actor, "shifts.opportunity.updated", opportunity)
    return opportunity


async def get_opportunity(opportunity_id: int) -> Opportunity:
    found = await Opportunity.get_or_none(id=opportunity_id).prefetch_related("program")
    if found is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    return found


def _opportunities(viewer: User | None, program_id: int | None) -> QuerySet[Opportunity]:
    query = Opportunity.filter(is_active=True, program__is_active=True)
    if viewer is None:
        query = query.filter(is_public=True)
    if program_id is not None:
        query = query.filter(program_id=program_id)
    return query.order_by("title", "id")


async def list_opportunities(
    viewer: User | None, *, program_id: int | None = None
) -> list[Opportunity]:
    return await _opportunities(viewer, program_id).prefetch_related("program")


async def opportunities_page(
    viewer: User | None, *, program_id: int | None, offset: int, limit: int
) -> tuple[list[Opportunity], int]:
    """One page of the active opportunities the viewer may see, by title, and how many in all."""
    query = _opportunities(viewer, program_id)
    total = await query.count()
    return await query.offset(offset).limit(limit).prefetch_related("program"), total


async def managed_programs(actor: User) -> list[Program]:
    """The active programs ``actor`` may manage (the one rule: people.access)."""
    from opsuite.people import access

    return await access.managed_programs(actor)


# --- shifts ---------------------------------------------------------------------------------


async def _shift_errors(data: ShiftInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not is_timezone(data.timezone):
        errors["timezone"] = _(
            "Unknown time zone; choose one such as Asia/Shanghai or Europe/London."
        )
    if not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Enter a capacity between 1 and %(n)s.", n=MAX_CAPACITY)
    if len(data.location) > 200:
        errors["location"] = _("At most %(n)s characters, please.", n=200)
    if data.lead_id is not None and not await User.filter(id=data.lead_id, is_active=True).exists():
        errors["lead_id"] = _("Choose from the list.")
    return errors


def _times(data: ShiftInput, day: date | None = None) -> tuple[datetime, datetime]:
    return recurrence.place(day or data.day, data.start, data.end, data.timezone)


def _shift_values(data: ShiftInput) -> dict[str, Any]:
    return {
        "capacity": data.capacity,
        "location": data.location.strip(),
        "notes": data.notes.strip(),
        "lead_id": data.lead_id,
    }


async def create_shift(actor: User, opportunity: Opportunity, data: ShiftInput) -> Shift:
    """One shift. Raises PermissionDenied or FieldErrors (a start in the past among them)."""
    await authorize_manage_program(actor, opportunity.program_id)
    errors = await _shift_errors(data)
    if errors:
        raise FieldErrors(errors)
    starts_at, ends_at = _times(data)
    if starts_at <= clock.now():
        raise FieldErrors({"day": _("Choose a start in the future.")})
    shift = await Shift.create(
        opportunity=opportunity,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=data.timezone,
        created_at=clock.now(),
        **_shift_values(data),
    )
    await record(actor, "shifts.shift.created", shift, opportunity_id=opportunity.id)
    return shift


async def create_series(
    actor: User, opportunity: Opportunity, data: ShiftInput, *, rule: str
) -> ShiftSeries:
    """Shifts repeating by an RRULE from ``data.day``, at ``data.start`` local time in the
    series' zone. Raises PermissionDenied or FieldErrors (including the rule, as "rrule")."""
    await authorize_manage_program(actor, opportunity.program_id)
    errors = await _shift_errors(data)
    try:
        canonical = recurrence.check_rule(rule, data.day)
    except InvalidInput as exc:
        errors["rrule"] = exc.message
    if errors:
        raise FieldErrors(errors)
    start_local, end_local = _times(data)
    duration = int((end_local - start_local).total_seconds() // 60)
    now = clock.now()
    async with in_transaction():
        series = await ShiftSeries.create(
            opportunity=opportunity,
            rrule=canonical,
            timezone=data.timezone,
            first_date=data.day,
            start_minute=to_minute(data.start),
            duration_minutes=duration,
            created_at=now,
        )
        occurrences = recurrence.expand(
            canonical,
            first_day=data.day,
            start=data.start,
            end=data.end,
            zone=data.timezone,
            exdates=set(),
        )
        future = [o for o in occurrences if o.starts_at > now]
        if not future:
            raise FieldErrors({"rrule": _("The rule gives no dates; check the end date.")})
        await Shift.bulk_create(
            [
                Shift(
                    opportunity=opportunity,
                    series=series,
                    occurrence_date=o.day,
                    starts_at=o.starts_at,
                    ends_at=o.ends_at,
                    timezone=data.timezone,
                    created_at=now,
                    **_shift_values(data),
                )
                for o in future
            ]
        )
        await record(actor, "shifts.series.created", series, rule=canonical, count=len(future))
    return series


async def get_shift(shift_id: int) -> Shift:
    """The shift with its opportunity and program. Raises NotFound."""
    found = await Shift.get_or_none(id=shift_id).prefetch_related(
        "opportunity__program", "lead", "series"
    )
    if found is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    return found


def series_end_time(series: ShiftSeries) -> time:
    start = from_minute(series.start_minute)
    end = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=series.duration_minutes)
    return end.time()


async def _affected(shift: Shift, scope: EditScope) -> list[Shift]:
    if scope == EditScope.THIS or shift.series_id is None:
        return [shift]
    query = Shift.filter(series_id=shift.series_id, status=ShiftStatus.SCHEDULED)
    if scope == EditScope.FOLLOWING:
        query = query.filter(occurrence_date__gte=shift.occurrence_date)
    else:
        query = query.filter(starts_at__gt=clock.now())
    return list(await query.order_by("id"))


async def _split_series(shift: Shift, data: ShiftInput) -> ShiftSeries:
    """ "This and following": the old series ends before this date, a new one starts here."""
    old = await ShiftSeries.get(id=shift.series_id)
    day = shift.occurrence_date or shift.starts_at.astimezone(ZoneInfo(shift.timezone)).date()
    new_rule = old.rrule
    if "COUNT=" in new_rule:
        rows = await Shift.filter(series_id=old.id).values("occurrence_date")
        last: date = max(row["occurrence_date"] for row in rows)
        parts = recurrence.rule_parts(new_rule)
        parts.pop("COUNT")
        parts["UNTIL"] = last.strftime("%Y%m%dT235959")
        new_rule = recurrence.join_parts(parts)
    start_at, end_at = _times(data, day)
    new = await ShiftSeries.create(
        opportunity_id=old.opportunity_id,
        rrule=new_rule,
        timezone=old.timezone,
        first_date=day,
        start_minute=to_minute(data.start),
        duration_minutes=int((end_at - start_at).total_seconds() // 60),
        exdates=[d for d in old.exdates if d >= day.isoformat()],
        created_at=clock.now(),
    )
    old.rrule = recurrence.until_before(old.rrule, day)
    old.exdates = [d for d in old.exdates if d < day.isoformat()]
    await old.save()
    await Shift.filter(series_id=old.id, occurrence_date__gte=day).update(series_id=new.id)
    return new


async def update_shift(
    actor: User, shift: Shift, data: ShiftInput, *, scope: EditScope, settings: Settings
) -> list[Shift]:
    """Change one shift, it and the rest of its series, or every upcoming shift of the series.

    Times are wall-clock in the shift's zone, applied to each shift's own date. Raises
    PermissionDenied, FieldErrors, or Conflict when a capacity would fall below the people
    already signed up (nothing changes then)."""
    opportunity = await Opportunity.get(id=shift.opportunity_id)
    await authorize_manage_program(actor, opportunity.program_id)
    errors = await _shift_errors(data)
    if errors:
        raise FieldErrors(errors)
    if shift.is_cancelled:
        raise Conflict(_("This shift was cancelled."))
    async with in_transaction():
        targets = await _affected(shift, scope)
        locked = [await lock_shift(t.id) for t in targets]
        counts = await counts_for([t.id for t in locked])
        for target in locked:
            held = counts[target.id].taken
            if data.capacity < held:
                raise Conflict(
                    _(
                        "%(n)s people already hold a place on the shift of %(day)s; the "
                        "capacity cannot go below that.",
                        n=held,
                        day=target.starts_at.astimezone(ZoneInfo(target.timezone)).date(),
                    ),
                    field="capacity",
                )
        if scope == EditScope.FOLLOWING and shift.series_id is not None:
            new_series = await _split_series(shift, data)
            for target in locked:
                target.series_id = new_series.id
        elif scope == EditScope.ALL and shift.series_id is not None:
            start_at, end_at = _times(data)
            await ShiftSeries.filter(id=shift.series_id).update(
                start_minute=to_minute(data.start),
                duration_minutes=int((end_at - start_at).total_seconds() // 60),
            )
        for target in locked:
            day = data.day if scope == EditScope.THIS else _local_day(target)
            starts_at, ends_at = _times(data, day)
            moved = (starts_at, ends_at) != (target.starts_at, target.ends_at)
            if moved and starts_at <= clock.now():
                raise FieldErrors({"day": _("Choose a start in the future.")})
            target.update_from_dict(
                {"starts_at": starts_at, "ends_at": ends_at, **_shift_values(data)}
            )
            if scope == EditScope.THIS and target.series_id is not None:
                target.is_detached = True
            await target.save()
            if moved:
                await _tell_moved(target, opportunity, settings)
            await notices.reschedule(target, opportunity, settings=settings)
        await record(actor, "shifts.shift.updated", shift, scope=str(scope), count=len(locked))
    return locked


def _local_day(shift: Shift) -> date:
    return shift.occurrence_date or shift.starts_at.astimezone(ZoneInfo(shift.timezone)).date()


async def _tell_moved(shift: Shift, opportunity: Opportunity, settings: Settings) -> None:
    people = await SignUp.filter(shift_id=shift.id, status=SignUpStatus.CONFIRMED).prefetch_related(
        "volunteer"
    )
    for signup in people:
        # The new time is checked against their other shifts again: the email names the one
        # it now overlaps, so they can choose which to give up.
        overlap = await find_overlap(signup.volunteer_id, shift)
        other = await Opportunity.get(id=overlap.opportunity_id) if overlap else None
        await notices.send(
            shift,
            opportunity,
            kind="shift_changed",
            to=signup.volunteer,
            key=f"moved:{signup.id}:{shift.starts_at:%Y%m%dT%H%M}",
            settings=settings,
            calendar="PUBLISH",
            overlap=overlap,
            overlap_title=other.title if other else "",
        )


async def double_booked(shift: Shift) -> list[str]:
    """Names of the people confirmed on the shift who hold another shift at the same time
    (after a move), for the coordinator's page."""
    people = await SignUp.filter(shift_id=shift.id, status=SignUpStatus.CONFIRMED).prefetch_related(
        "volunteer"
    )
    return sorted([s.volunteer.name for s in people if await find_overlap(s.volunteer_id, shift)])


async def cancel_shift(actor: User, shift: Shift, *, reason: str, settings: Settings) -> Shift:
    """Cancel one shift (a series keeps its other dates): everyone on it or waiting is told
    and their reminders are withdrawn. Raises PermissionDenied or Conflict."""
    opportunity = await Opportunity.get(id=shift.opportunity_id)
    await authorize_manage_program(actor, opportunity.program_id)
    if len(reason) > 1000:
        raise FieldErrors({"reason": _("At most %(n)s characters, please.", n=1000)})
    async with in_transaction():
        shift = await lock_shift(shift.id)
        if shift.is_cancelled:
            raise Conflict(_("This shift was cancelled."))
        if shift.ends_at <= clock.now():
            raise Conflict(_("This shift is over; it can no longer be cancelled."))
        shift.status = ShiftStatus.CANCELLED
        shift.cancelled_at = clock.now()
        await shift.save()
        await ShiftHandover.filter(shift_id=shift.id, status__in=OPEN_HANDOVER).update(
            status=HandoverStatus.WITHDRAWN
        )
        if shift.series_id is not None:
            series = await ShiftSeries.get(id=shift.series_id)
            series.exdates = sorted({*series.exdates, _local_day(shift).isoformat()})
            await series.save(update_fields=["exdates"])
        people = await SignUp.filter(
            shift_id=shift.id, status__in=ACTIVE_STATUSES
        ).prefetch_related("volunteer")
        for signup in people:
            await notices.send(
                shift,
                opportunity,
                kind="shift_cancelled",
                to=signup.volunteer,
                key=f"cancelled:{signup.id}",
                settings=settings,
                calendar="CANCEL",
                reason=reason.strip(),
            )
        await notices.reschedule(shift, opportunity, settings=settings)
        await record(actor, "shifts.shift.cancelled", shift, told=len(people))
    return shift


async def message_shift(
    actor: User, shift: Shift, *, subject: str, body: str, settings: Settings
) -> int:
    """Email everyone confirmed on a shift. Returns how many. Raises PermissionDenied or
    FieldErrors."""
    opportunity = await Opportunity.get(id=shift.opportunity_id)
    await authorize_manage_program(actor, opportunity.program_id)
    errors: dict[str, str] = {}
    if not subject.strip() or len(subject) > 150:
        errors["subject"] = _("Enter a subject of at most 150 characters.")
    if not body.strip() or len(body) > 5000:
        errors["body"] = _("Enter a message of at most 5000 characters.")
    if errors:
        raise FieldErrors(errors)
    people = await SignUp.filter(shift_id=shift.id, status=SignUpStatus.CONFIRMED).prefetch_related(
        "volunteer"
    )
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
    for signup in people:
        await notices.send(
            shift,
            opportunity,
            kind="shift_message",
            to=signup.volunteer,
            key=f"message:{stamp}:{signup.volunteer_id}",
            settings=settings,
            sender=actor,
            subject=subject.strip(),
            body=body.strip(),
        )
    await record(
        actor,
        "shifts.shift.messaged",
        shift,
        recipients=len(people),
        subject=subject.strip(),
        body=body.strip(),
    )
    return len(people)
