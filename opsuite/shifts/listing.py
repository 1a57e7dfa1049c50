"""What volunteers and coordinators list: open shifts a page at a time or as calendar entries,
a shift's roster, and a volunteer's own shifts with their waitlist places."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q

from opsuite import clock
from opsuite.auth.models import User
from opsuite.shifts.access import authorize_manage_program
from opsuite.shifts.models import (
    ACTIVE_STATUSES,
    QUEUED_STATUSES,
    Opportunity,
    Shift,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from opsuite.shifts.service import Counts, counts_for
from opsuite.shifts.service.availability import Window, fitting_shifts, own_fits
from opsuite.web.calendar import Entry
from opsuite.web.i18n import gettext as _

CALENDAR_LIMIT = 500  # shifts a calendar window draws; a month of a busy program fits


@dataclass(frozen=True)
class ShiftCard:
    shift: Shift  # with .opportunity and its .program
    counts: Counts
    fits: bool | None = None  # within the viewer's availability; None: they set none

    @property
    def free(self) -> int:
        return self.counts.free(self.shift.capacity)


@dataclass(frozen=True)
class RosterEntry:
    signup: SignUp  # with .volunteer
    position: int | None


@dataclass(frozen=True)
class Roster:
    shift: Shift
    opportunity: Opportunity
    confirmed: list[RosterEntry]
    queue: list[RosterEntry]
    gone: list[RosterEntry]


@dataclass(frozen=True)
class ShiftFilters:
    program_id: int | None = None
    start: datetime | None = None  # UTC; default now
    end: datetime | None = None
    skill: str = ""
    remote: bool | None = None
    opportunity_id: int | None = None
    fits_availability: bool = False  # only shifts within the viewer's availability


async def list_open_shifts(
    viewer: User | None, filters: ShiftFilters, *, limit: int = 200
) -> list[ShiftCard]:
    """The first ``limit`` upcoming shifts the viewer may see (see ``open_shifts``)."""
    cards, _total = await open_shifts(viewer, filters, offset=0, limit=limit)
    return cards


async def open_shifts(
    viewer: User | None, filters: ShiftFilters, *, offset: int, limit: int
) -> tuple[list[ShiftCard], int]:
    """One page of the upcoming scheduled shifts the viewer may see (public ones without an
    account), soonest first, with their counts, and how many there are in all; a few queries
    whatever their number."""
    start = filters.start or clock.now()
    query = Shift.filter(
        status=ShiftStatus.SCHEDULED,
        ends_at__gt=max(start, clock.now()),
        opportunity__is_active=True,
        opportunity__program__is_active=True,
    )
    if filters.end is not None:
        query = query.filter(starts_at__lt=filters.end)
    if viewer is None:
        query = query.filter(opportunity__is_public=True)
    if filters.program_id is not None:
        query = query.filter(opportunity__program_id=filters.program_id)
    if filters.remote is not None:
        query = query.filter(opportunity__is_remote=filters.remote)
    if filters.opportunity_id is not None:
        query = query.filter(opportunity_id=filters.opportunity_id)
    query = query.order_by("starts_at", "id")
    if filters.fits_availability and viewer is not None:
        # Like skills: match over ids and times only, so the page and the total agree.
        windows = [
            Window(int(i), s, e)
            for i, s, e in await query.values_list("id", "starts_at", "ends_at")
        ]
        fitting = (await fitting_shifts([viewer.id], windows))[viewer.id]
        query = Shift.filter(id__in=[w.id for w in windows if w.id in fitting]).order_by(
            "starts_at", "id"
        )
    if filters.skill:
        # Skills are a JSON list on the opportunity: match them here, over ids and skills only,
        # so the page and the total count the same shifts.
        wanted = filters.skill.strip().lower()
        rows = await query.values_list("id", "opportunity__required_skills")
        ids = [
            int(shift_id)
            for shift_id, skills in rows
            if any(wanted in str(k).lower() for k in (skills or []))
        ]
        total, page_ids = len(ids), ids[offset : offset + limit]
        query = Shift.filter(id__in=page_ids).order_by("starts_at", "id")
    else:
        total = await query.count()
        query = query.offset(offset).limit(limit)
    shifts = await query.prefetch_related("opportunity__program")
    counts = await counts_for([s.id for s in shifts])
    fits = await own_fits(viewer.id, shifts) if viewer is not None and shifts else None
    return [
        ShiftCard(s, counts[s.id], None if fits is None else s.id in fits) for s in shifts
    ], total


async def roster(actor: User, shift: Shift) -> Roster:
    """Who is on a shift, waiting, or gone, with contact details (coordinators only)."""
    opportunity = await Opportunity.get(id=shift.opportunity_id)
    await authorize_manage_program(actor, opportunity.program_id)
    signups = await SignUp.filter(shift_id=shift.id).prefetch_related("volunteer", "hours")
    confirmed, queue, gone = [], [], []
    position = 0
    now = clock.now()
    for signup in signups:  # ordered by queued_at, id: the waitlist order
        if signup.hold_expires_at is not None and signup.hold_expires_at <= now:
            gone.append(RosterEntry(signup, None))  # released by the next job run
        elif signup.status in (SignUpStatus.CONFIRMED, SignUpStatus.HELD):
            confirmed.append(RosterEntry(signup, None))
        elif signup.status in QUEUED_STATUSES:
            position += 1
            queue.append(RosterEntry(signup, position))
        else:
            gone.append(RosterEntry(signup, None))
    confirmed.sort(key=lambda e: e.signup.volunteer.name.lower())
    return Roster(shift, opportunity, confirmed, queue, gone)


@dataclass(frozen=True)
class MyShift:
    signup: SignUp  # with .shift.opportunity.program
    position: int | None


async def my_shifts(volunteer: User) -> tuple[list[MyShift], list[MyShift]]:
    """(upcoming, past) sign-ups of one volunteer, with waitlist positions."""
    signups = await SignUp.filter(
        Q(status__in=ACTIVE_STATUSES), volunteer_id=volunteer.id
    ).prefetch_related("shift__opportunity__program", "hours")
    shift_ids = [s.shift_id for s in signups if s.status in QUEUED_STATUSES]
    queued = await SignUp.filter(shift_id__in=shift_ids, status__in=QUEUED_STATUSES).values_list(
        "shift_id", "queued_at", "id"
    )
    now = clock.now()
    upcoming: list[MyShift] = []
    past: list[MyShift] = []
    for signup in sorted(signups, key=lambda s: (s.shift.starts_at, s.id)):  # id: stable pages
        position = None
        if signup.status in QUEUED_STATUSES:
            mine = (signup.queued_at, signup.id)
            position = 1 + sum(
                1 for sid, at, i in queued if sid == signup.shift_id and (at, i) < mine
            )
        if signup.shift.ends_at > now:
            upcoming.append(MyShift(signup, position))
        elif signup.status == SignUpStatus.CONFIRMED:
            past.append(MyShift(signup, None))
    past.reverse()
    return upcoming, past


async def calendar_entries(
    viewer: User | None, start: datetime, end: datetime, *, program_id: int | None = None
) -> list[Entry]:
    """The open shifts of [start, end) the viewer may see as calendar entries, each saying how
    many places are free, and the viewer's own sign-ups marked as theirs."""
    filters = ShiftFilters(program_id=program_id, start=start, end=end)
    cards = await list_open_shifts(viewer, filters, limit=CALENDAR_LIMIT)
    mine: dict[int, str] = {}
    if viewer is not None and cards:
        rows = await SignUp.filter(
            volunteer_id=viewer.id,
            status__in=ACTIVE_STATUSES,
            shift_id__in=[c.shift.id for c in cards],
        ).values_list("shift_id", "status")
        mine = {int(shift_id): str(status) for shift_id, status in rows}
    entries = []
    for card in cards:
        shift = card.shift
        if shift.id in mine:
            detail = (
                _("You are signed up")
                if mine[shift.id] == SignUpStatus.CONFIRMED
                else _("You are on the waitlist")
            )
        elif card.free:
            detail = _("%(n)s of %(total)s places free", n=card.free, total=shift.capacity)
        else:
            detail = _("Full — waitlist open")
        entries.append(
            Entry(
                start=shift.starts_at,
                end=shift.ends_at,
                title=shift.opportunity.title,
                href=f"/shifts/{shift.id}",
                kind="mine" if shift.id in mine else "shift",
                label=_("Shift"),
                detail=f"{shift.opportunity.program.name} · {detail}",
            )
        )
    return entries
