"""A volunteer's weekly availability and blackout dates, and which shifts fit them.

Blocks are wall-clock times on a weekday in the volunteer's zone (opsuite.wallclock minutes),
blackouts local dates; instants are computed with zoneinfo for the days asked about, so
Saturday 09:00-13:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer. Whether shifts
fit is answered for many people and many shifts in two queries (blocks, blackouts)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Protocol
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from opsuite import clock, spans
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import InvalidInput, NotFound
from opsuite.shifts.models import AvailabilityBlock, Blackout
from opsuite.wallclock import from_minute
from opsuite.web.forms import has_control_character
from opsuite.web.i18n import gettext as _

DAY_MINUTES = 24 * 60
MAX_BLOCKS_PER_DAY = 6
MAX_BLACKOUT_DAYS = 366  # one blackout covers at most a year
MAX_BLACKOUTS = 100  # upcoming ones a person keeps
NOTE_LENGTH = 200


class Timed(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...


@dataclass(frozen=True)
class Window:
    id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class WeeklyBlock:
    weekday: int  # 0 Monday .. 6 Sunday
    start_minute: int
    end_minute: int  # up to 1440 (24:00)


def _check_blocks(blocks: Iterable[WeeklyBlock]) -> list[WeeklyBlock]:
    by_day: dict[int, list[WeeklyBlock]] = defaultdict(list)
    for block in blocks:
        field = f"day{block.weekday}"
        if not 0 <= block.weekday <= 6:
            raise InvalidInput(_("Choose a day from Monday to Sunday."), field="weekday")
        if not 0 <= block.start_minute < DAY_MINUTES or not 0 < block.end_minute <= DAY_MINUTES:
            raise InvalidInput(_("Enter times from 00:00 to 24:00."), field=field)
        if block.end_minute <= block.start_minute:
            raise InvalidInput(_("Each stretch must end after it starts."), field=field)
        by_day[block.weekday].append(block)
    for weekday, day_blocks in by_day.items():
        if len(day_blocks) > MAX_BLOCKS_PER_DAY:
            raise InvalidInput(
                _("At most %(n)s stretches a day.", n=MAX_BLOCKS_PER_DAY), field=f"day{weekday}"
            )
        day_blocks.sort(key=lambda b: b.start_minute)
        for before, after in pairwise(day_blocks):
            if after.start_minute < before.end_minute:
                raise InvalidInput(
                    _("Two stretches on the same day overlap; join them into one."),
                    field=f"day{weekday}",
                )
    return sorted(
        (b for d in by_day.values() for b in d), key=lambda b: (b.weekday, b.start_minute)
    )


async def weekly_blocks(volunteer_id: int) -> list[AvailabilityBlock]:
    return list(await AvailabilityBlock.filter(volunteer_id=volunteer_id))


async def set_weekly_availability(volunteer: User, blocks: list[WeeklyBlock]) -> int:
    """Replace the volunteer's weekly availability (in their zone now); how many stretches.
    Raises InvalidInput (a stretch ending before it starts, overlapping ones, too many)."""
    checked = _check_blocks(blocks)
    async with in_transaction():
        await AvailabilityBlock.filter(volunteer_id=volunteer.id).delete()
        await AvailabilityBlock.bulk_create(
            [
                AvailabilityBlock(
                    volunteer_id=volunteer.id,
                    weekday=b.weekday,
                    start_minute=b.start_minute,
                    end_minute=b.end_minute,
                    timezone=volunteer.timezone,
                )
                for b in checked
            ]
        )
        await record(volunteer, "shifts.availability.changed", volunteer, blocks=len(checked))
    return len(checked)


async def blackouts_of(volunteer_id: int) -> list[Blackout]:
    """The blackouts not yet over, soonest first."""
    today = clock.now().astimezone(UTC).date() - timedelta(days=1)  # a day's slack for zones
    return list(await Blackout.filter(volunteer_id=volunteer_id, last_day__gte=today))


async def add_blackout(volunteer: User, *, first_day: date, last_day: date, note: str) -> Blackout:
    """Days the volunteer cannot come. Raises InvalidInput (the end before the start, more
    than a year, a note too long or with control characters, too many blackouts)."""
    if last_day < first_day:
        raise InvalidInput(_("The last day must not be before the first."), field="last_day")
    if (last_day - first_day).days >= MAX_BLACKOUT_DAYS:
        raise InvalidInput(
            _("A blackout covers at most %(n)s days; add another for more.", n=MAX_BLACKOUT_DAYS),
            field="last_day",
        )
    note = note.strip()
    if len(note) > NOTE_LENGTH or has_control_character(note):
        raise InvalidInput(
            _("Keep the note under %(n)s characters, without control characters.", n=NOTE_LENGTH),
            field="note",
        )
    async with in_transaction():
        if len(await blackouts_of(volunteer.id)) >= MAX_BLACKOUTS:
            raise InvalidInput(_("Remove some blackouts before adding more."), field="first_day")
        blackout = await Blackout.create(
            volunteer_id=volunteer.id,
            first_day=first_day,
            last_day=last_day,
            timezone=volunteer.timezone,
            note=note,
            created_at=clock.now(),
        )
        await record(volunteer, "shifts.blackout.added", blackout)
    return blackout


async def remove_blackout(volunteer: User, blackout_id: int) -> None:
    """Raises NotFound when it is not the volunteer's."""
    blackout = await Blackout.get_or_none(id=blackout_id, volunteer_id=volunteer.id)
    if blackout is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    await blackout.delete()
    await record(volunteer, "shifts.blackout.removed", volunteer, blackout_id=blackout_id)


def _local(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute >= DAY_MINUTES:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return datetime.combine(day, from_minute(minute), tzinfo=zone).astimezone(UTC)


def available_spans(
    blocks: list[AvailabilityBlock], blackouts: list[Blackout], start: datetime, end: datetime
) -> list[spans.Span]:
    """One person's available time within [start, end) as merged UTC spans."""
    found: list[spans.Span] = []
    for zone_name in {b.timezone for b in blocks}:
        zone = ZoneInfo(zone_name)
        day = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date()
        in_zone = [b for b in blocks if b.timezone == zone_name]
        while day <= last:
            for b in in_zone:
                if b.weekday == day.weekday():
                    found.append(
                        (_local(day, b.start_minute, zone), _local(day, b.end_minute, zone))
                    )
            day += timedelta(days=1)
    cuts = [
        (
            _local(b.first_day, 0, ZoneInfo(b.timezone)),
            _local(b.last_day, DAY_MINUTES, ZoneInfo(b.timezone)),
        )
        for b in blackouts
    ]
    return spans.subtract(spans.merge(found), cuts)


async def fitting_shifts(volunteer_ids: list[int], shifts: Sequence[Timed]) -> dict[int, set[int]]:
    """For each person, the ids of the shifts wholly within their weekly availability and in
    no blackout; two queries whatever the numbers."""
    if not volunteer_ids or not shifts:
        return {v: set() for v in volunteer_ids}
    start = min(s.starts_at for s in shifts)
    end = max(s.ends_at for s in shifts)
    blocks: dict[int, list[AvailabilityBlock]] = defaultdict(list)
    for block in await AvailabilityBlock.filter(volunteer_id__in=volunteer_ids):
        blocks[block.volunteer_id].append(block)
    blackouts: dict[int, list[Blackout]] = defaultdict(list)
    for blackout in (
        []
        if not blocks
        else await Blackout.filter(
            volunteer_id__in=list(blocks),
            last_day__gte=start.date() - timedelta(days=1),
            first_day__lte=end.date() + timedelta(days=1),
        )
    ):
        blackouts[blackout.volunteer_id].append(blackout)
    fits: dict[int, set[int]] = {v: set() for v in volunteer_ids}
    for volunteer_id, own in blocks.items():
        free = available_spans(own, blackouts[volunteer_id], start, end)
        fits[volunteer_id] = {s.id for s in shifts if spans.covers(free, s.starts_at, s.ends_at)}
    return fits


async def own_fits(volunteer_id: int, shifts: Sequence[Timed]) -> set[int] | None:
    """The shifts that fit one person, or None when they have set no availability."""
    fits = await fitting_shifts([volunteer_id], shifts)
    if not fits[volunteer_id] and not await AvailabilityBlock.exists(volunteer_id=volunteer_id):
        return None
    return fits[volunteer_id]
