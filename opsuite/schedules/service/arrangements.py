"""Work arrangements: validation, saving (with history), proposals and their decisions, and
turning an arrangement into the pattern expansion reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import cast

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, FieldErrors, NotFound
from opsuite.schedules.expansion import (
    Block,
    Pattern,
)
from opsuite.schedules.models import (
    Arrangement,
    ArrangementBlock,
    ArrangementKind,
    ArrangementStatus,
    Location,
)
from opsuite.wallclock import to_minute
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone


@dataclass(frozen=True)
class BlockInput:
    weekday: int
    start: time
    end: time
    location: str = Location.OFFICE
    office_id: int | None = None


@dataclass(frozen=True)
class ArrangementInput:
    kind: str
    valid_from: date
    timezone: str
    blocks: tuple[BlockInput, ...]
    office_id: int | None = None
    core: tuple[time, time] | None = None
    window: tuple[time, time] | None = None
    weekly_hours_target: Decimal | None = None
    note: str = ""


def _length(start: time, end: time) -> int:
    """Minutes from start to end, past midnight when end is not after start."""
    s, e = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    return e - s if e > s else e + 24 * 60 - s


def validate_arrangement(data: ArrangementInput) -> None:
    """Raise FieldErrors naming every problem (nothing is saved half-way)."""
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in ArrangementKind}:
        errors["kind"] = _("Choose fixed, flexible, remote or hybrid.")
    if not is_timezone(data.timezone):
        errors["timezone"] = _(
            "Unknown time zone; choose one such as Asia/Shanghai or Europe/London."
        )
    if not data.blocks:
        errors["blocks"] = _("Add at least one working day.")
    spans: list[tuple[int, int, int]] = []
    for n, block in enumerate(data.blocks):
        key = f"blocks.{n}"
        if not 0 <= block.weekday <= 6:
            errors[key] = _("Choose a day of the week.")
            continue
        if block.start == block.end:
            errors[key] = _(
                "A block must end after it starts (an end earlier than the start "
                "means it runs past midnight)."
            )
            continue
        if block.location not in {loc.value for loc in Location}:
            errors[key] = _("Choose office, home or field.")
            continue
        start = block.weekday * 1440 + block.start.hour * 60 + block.start.minute
        spans.append((start, start + _length(block.start, block.end), n))
    week = 7 * 1440
    ordered = sorted(spans + [(s + week, e + week, n) for s, e, n in spans])
    reach, reach_block = -1, -1  # the latest end so far, and whose it is
    for s, e, n in ordered:
        if s < reach and n != reach_block:
            errors.setdefault(
                f"blocks.{max(n, reach_block)}", _("This block overlaps another one.")
            )
        if e > reach:
            reach, reach_block = e, n
    if data.kind == ArrangementKind.FLEXIBLE:
        if data.window is None:
            errors["window"] = _("Give the daily window in which work may fall.")
        if data.core is None:
            errors["core"] = _("Give the core hours that must be covered.")
        if data.window and data.core:
            w0, w1 = data.window
            c0, c1 = data.core
            if not (w0 < w1 and c0 < c1 and w0 <= c0 and c1 <= w1):
                errors["core"] = _("Core hours must lie inside the daily window.")
        if data.weekly_hours_target is not None and data.window:
            days = len({b.weekday for b in data.blocks})
            most = Decimal(_length(*data.window) * days) / 60
            if data.weekly_hours_target <= 0 or data.weekly_hours_target > most:
                errors["weekly_hours_target"] = _(
                    "The weekly target must be more than 0 and at most %(most)s hours "
                    "(the window times the working days).",
                    most=f"{most:g}",
                )
    if len(data.note) > 500:
        errors["note"] = _("At most 500 characters, please.")
    if errors:
        raise FieldErrors(errors)


async def _save_arrangement(
    person: User, data: ArrangementInput, *, status: ArrangementStatus, actor: User
) -> Arrangement:
    validate_arrangement(data)
    async with in_transaction():
        if status == ArrangementStatus.ACTIVE:
            # One active arrangement per start date: a correction replaces it.
            await Arrangement.filter(
                user_id=person.id, valid_from=data.valid_from, status=ArrangementStatus.ACTIVE
            ).delete()
        arrangement = await Arrangement.create(
            user=person,
            kind=data.kind,
            valid_from=data.valid_from,
            timezone=data.timezone,
            office_id=data.office_id,
            core_start_minute=to_minute(data.core[0]) if data.core else None,
            core_end_minute=to_minute(data.core[1]) if data.core else None,
            window_start_minute=to_minute(data.window[0]) if data.window else None,
            window_end_minute=to_minute(data.window[1]) if data.window else None,
            weekly_hours_target=data.weekly_hours_target,
            status=status,
            note=data.note,
            created_by=actor,
            created_at=clock.now(),
        )
        await ArrangementBlock.bulk_create(
            [
                ArrangementBlock(
                    arrangement=arrangement,
                    weekday=b.weekday,
                    start_minute=to_minute(b.start),
                    end_minute=to_minute(b.end),
                    location=b.location,
                    office_id=b.office_id,
                )
                for b in data.blocks
            ]
        )
    return arrangement


async def set_arrangement(actor: User, person: User, data: ArrangementInput) -> Arrangement:
    """A manager sets how ``person`` works from ``data.valid_from`` on (earlier history stays)."""
    arrangement = await _save_arrangement(
        person, data, status=ArrangementStatus.ACTIVE, actor=actor
    )
    await record(
        actor,
        "schedules.arrangement.set",
        arrangement,
        person=person.id,
        kind=data.kind,
        valid_from=data.valid_from.isoformat(),
    )
    return arrangement


async def propose_arrangement(person: User, data: ArrangementInput) -> Arrangement:
    """Staff propose a change to their own arrangement; a manager decides."""
    arrangement = await _save_arrangement(
        person, data, status=ArrangementStatus.PROPOSED, actor=person
    )
    await record(person, "schedules.arrangement.proposed", arrangement)
    return arrangement


async def decide_proposal(actor: User, arrangement: Arrangement, *, approve: bool) -> None:
    if arrangement.status != ArrangementStatus.PROPOSED:
        raise Conflict(_("This proposal has already been decided."))
    async with in_transaction():
        if approve:
            await Arrangement.filter(
                user_id=arrangement.user_id,
                valid_from=arrangement.valid_from,
                status=ArrangementStatus.ACTIVE,
            ).delete()
        arrangement.status = ArrangementStatus.ACTIVE if approve else ArrangementStatus.REJECTED
        arrangement.decided_by = actor
        await arrangement.save(update_fields=["status", "decided_by_id"])
    await record(
        actor, "schedules.arrangement." + ("approved" if approve else "rejected"), arrangement
    )


async def arrangement_history(person: User) -> list[Arrangement]:
    return await Arrangement.filter(user_id=person.id).prefetch_related("blocks", "office")


def to_pattern(arrangement: Arrangement) -> Pattern:
    blocks = tuple(
        Block(b.weekday, b.start, b.end, str(b.location), b.office_id) for b in arrangement.blocks
    )
    core = (
        (arrangement.core_start, arrangement.core_end)
        if arrangement.core_start and arrangement.core_end
        else None
    )
    window = (
        (arrangement.window_start, arrangement.window_end)
        if arrangement.window_start and arrangement.window_end
        else None
    )
    return Pattern(
        arrangement.valid_from,
        str(arrangement.kind),
        arrangement.timezone,
        blocks,
        arrangement.office_id,
        core,
        window,
    )


def input_to_pattern(data: ArrangementInput) -> Pattern:
    return Pattern(
        data.valid_from,
        data.kind,
        data.timezone,
        tuple(Block(b.weekday, b.start, b.end, b.location, b.office_id) for b in data.blocks),
        data.office_id,
        data.core,
        data.window,
    )


async def current_arrangement(person: User, day: date) -> Arrangement | None:
    """The active arrangement in force on ``day`` (with blocks and office), if any."""
    return (
        await Arrangement.filter(
            user_id=person.id, status=ArrangementStatus.ACTIVE, valid_from__lte=day
        )
        .order_by("-valid_from", "-id")
        .prefetch_related("blocks", "office")
        .first()
    )


async def people_with_arrangements(user_ids: list[int], before: date) -> set[int]:
    """Who among ``user_ids`` has an active work arrangement starting before ``before`` (one
    query): the others (most volunteers) keep no hours to overlap."""
    rows = await Arrangement.filter(
        user_id__in=user_ids, status=ArrangementStatus.ACTIVE, valid_from__lt=before
    ).values_list("user_id", flat=True)
    return {cast(int, uid) for uid in rows}


async def weekly_targets(user_ids: list[int], day: date) -> dict[int, Decimal]:
    """Each person's weekly hours target from the flexible arrangement in force on ``day``.

    One query whatever the number of people; people without a flexible target are left out.
    """
    rows = await Arrangement.filter(
        user_id__in=user_ids, status=ArrangementStatus.ACTIVE, valid_from__lte=day
    ).order_by("valid_from", "id")
    current: dict[int, Arrangement] = {row.user_id: row for row in rows}
    return {
        uid: a.weekly_hours_target
        for uid, a in current.items()
        if a.kind == ArrangementKind.FLEXIBLE and a.weekly_hours_target is not None
    }


async def get_arrangement(arrangement_id: int) -> Arrangement:
    arrangement = await Arrangement.get_or_none(id=arrangement_id).prefetch_related("user")
    if arrangement is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    return arrangement


async def pending_proposals(people: set[int] | None) -> list[Arrangement]:
    query = Arrangement.filter(status=ArrangementStatus.PROPOSED, user__is_active=True)
    if people is not None:
        query = query.filter(user_id__in=sorted(people))
    return await query.order_by("created_at", "id").prefetch_related("user", "blocks", "office")
