"""Inviting the available: a coordinator asks, in one action, the volunteers who could fill a
short shift soon (eligible for the program, with its skills, free then, within their weekly
availability and in no blackout), most reliable first, by email through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict
from opsuite.notify.preferences import defer_for_quiet_hours, preferences_for_many
from opsuite.settings import Settings
from opsuite.shifts import eligibility, notices
from opsuite.shifts.access import authorize_manage_program
from opsuite.shifts.models import (
    ACTIVE_STATUSES,
    AvailabilityBlock,
    Opportunity,
    ProgramShiftPolicy,
    Shift,
    ShiftInvitation,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service.attendance import attendance_records
from opsuite.shifts.service.availability import fitting_shifts
from opsuite.shifts.service.handovers import ids_of
from opsuite.shifts.service.places import counts_for, lock_shift, missing_skills
from opsuite.shifts.service.waitlist import policy_for
from opsuite.web.i18n import gettext as _

INVITES_PER_PLACE = 3  # invitations per open place, at most
PREFERENCE = "shift_invite"  # notify's kind: a person may turn these off


@dataclass(frozen=True)
class Invited:
    invited: int
    open_places: int


def invite_open(shift: Shift, free: int, policy: ProgramShiftPolicy) -> bool:
    """Whether the shift may invite: scheduled, not started, short, and soon enough."""
    now = clock.now()
    return (
        shift.status == ShiftStatus.SCHEDULED
        and free > 0
        and now < shift.starts_at <= now + timedelta(days=policy.invite_within_days)
    )


async def invited_count(shift_id: int) -> int:
    return await ShiftInvitation.filter(shift_id=shift_id).count()


async def invite_candidates(shift: Shift, opportunity: Opportunity) -> list[User]:
    """Who could be invited to ``shift``, most reliable first: a fixed number of queries, and
    the program's own checks (eligibility) only for those who pass every other test."""
    pool = ids_of(
        await AvailabilityBlock.all()
        .distinct()
        .order_by("volunteer_id")  # PostgreSQL: DISTINCT orders by what it selects
        .values_list("volunteer_id", flat=True)
    )
    pool -= ids_of(
        await SignUp.filter(shift_id=shift.id, status__in=ACTIVE_STATUSES).values_list(
            "volunteer_id", flat=True
        )
    )
    pool -= ids_of(
        await ShiftInvitation.filter(shift_id=shift.id).values_list("volunteer_id", flat=True)
    )
    pool -= ids_of(
        await SignUp.filter(
            volunteer_id__in=pool,
            status=SignUpStatus.CONFIRMED,
            shift__status=ShiftStatus.SCHEDULED,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        ).values_list("volunteer_id", flat=True)
    )
    people = [
        p
        for p in await User.filter(id__in=pool, is_active=True)
        if not missing_skills(p, opportunity)
    ]
    fits = await fitting_shifts([p.id for p in people], [shift])
    prefs = await preferences_for_many([p.id for p in people])
    people = [p for p in people if shift.id in fits[p.id] and prefs[p.id].wants(PREFERENCE)]
    records = await attendance_records([p.id for p in people])
    people.sort(key=lambda p: (*records[p.id].sort_key, p.name.lower(), p.id))
    return people


async def invite_available(actor: User, shift_id: int, *, settings: Settings) -> Invited:
    """Email the available, eligible volunteers, at most three per open place, each once per
    shift. Raises NotFound, PermissionDenied, or Conflict (the shift is full, started, or
    further off than the program's invite_within_days)."""
    async with in_transaction():
        shift = await lock_shift(shift_id)
        opportunity = await Opportunity.get(id=shift.opportunity_id)
        await authorize_manage_program(actor, opportunity.program_id)
        policy = await policy_for(opportunity.program_id)
        free = (await counts_for([shift.id]))[shift.id].free(shift.capacity)
        if not invite_open(shift, free, policy):
            raise Conflict(
                _(
                    "Invitations are for shifts with open places that start within %(n)s days.",
                    n=policy.invite_within_days,
                )
            )
        wanted = INVITES_PER_PLACE * free
        chosen: list[User] = []
        for person in await invite_candidates(shift, opportunity):
            if len(chosen) >= wanted:
                break
            if await eligibility.missing_for(person, opportunity.program_id):
                continue
            try:
                await ShiftInvitation.create(
                    shift_id=shift.id, volunteer=person, invited_by=actor, invited_at=clock.now()
                )
            except IntegrityError:  # invited meanwhile by another coordinator
                continue
            chosen.append(person)
        prefs = await preferences_for_many([p.id for p in chosen])
        for person in chosen:
            due = defer_for_quiet_hours(
                clock.now(),
                event_at=shift.starts_at,
                prefs=prefs[person.id],
                timezone=person.timezone,
            )
            await notices.send(
                shift,
                opportunity,
                kind="shift_invite",
                to=person,
                key=f"invite:{person.id}",
                settings=settings,
                due_at=due,
            )
        await record(actor, "shifts.invitations.sent", shift, invited=len(chosen), open=free)
    return Invited(invited=len(chosen), open_places=free)
