"""Builders for offices, arrangements and leave, made through the schedules service."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal

from opsuite.auth.models import Role, User
from opsuite.schedules.models import Arrangement, LeavePolicy, Office, TimeOff
from opsuite.schedules.service import (
    ArrangementInput,
    BlockInput,
    LeaveInput,
    PolicyInput,
    decide_leave,
    request_leave,
    set_arrangement,
    set_policy,
)
from opsuite.settings import Settings
from tests.factories.auth import make_user

_numbers = itertools.count(1)


async def make_office(*, name: str | None = None, timezone: str = "Asia/Shanghai") -> Office:
    return await Office.create(name=name or f"Office {next(_numbers)}", timezone=timezone)


def weekday_blocks(
    start: time = time(9),
    end: time = time(17),
    *,
    days: Iterable[int] = range(5),
    location: str = "office",
    office_id: int | None = None,
) -> tuple[BlockInput, ...]:
    """The same block on each of ``days`` (Monday to Friday by default)."""
    return tuple(BlockInput(d, start, end, location, office_id) for d in days)


async def make_arrangement(
    person: User,
    *,
    actor: User | None = None,
    kind: str = "fixed",
    valid_from: date = date(2026, 1, 1),
    timezone: str | None = None,
    blocks: tuple[BlockInput, ...] | None = None,
    office: Office | None = None,
    core: tuple[time, time] | None = None,
    window: tuple[time, time] | None = None,
    weekly_hours_target: Decimal | None = None,
) -> Arrangement:
    """An active arrangement set by ``actor`` (an admin if none is given); Monday to Friday
    09:00-17:00 in the person's zone unless told otherwise."""
    actor = actor or await make_user(Role.ADMIN)
    office_id = office.id if office else None
    data = ArrangementInput(
        kind=kind,
        valid_from=valid_from,
        timezone=timezone or person.timezone,
        blocks=blocks if blocks is not None else weekday_blocks(office_id=office_id),
        office_id=office_id,
        core=core,
        window=window,
        weekly_hours_target=weekly_hours_target,
    )
    return await set_arrangement(actor, person, data)


async def make_leave(
    person: User,
    start: date,
    end: date | None = None,
    *,
    settings: Settings,
    approved_by: User | None = None,
    kind: str = "vacation",
) -> TimeOff:
    """A leave request, approved by ``approved_by`` when given."""
    leave = await request_leave(person, LeaveInput(kind, start, end or start), settings=settings)
    if approved_by is not None:
        leave = await decide_leave(approved_by, leave, approve=True, settings=settings)
    return leave


async def make_policy(
    kind: str = "vacation",
    *,
    actor: User | None = None,
    limited: bool = True,
    accrual: str = "yearly",
    days_per_year: str = "20",
    days_per_month: str = "0",
    carry_over: str = "none",
    carry_over_max: str = "0",
    full_time_hours: str = "40",
    first_year: int = 2026,
) -> LeavePolicy:
    """A leave policy for ``kind``: 20 days a year for full time, refused past it."""
    return await set_policy(
        actor or await make_user(Role.ADMIN),
        PolicyInput(
            kind=kind,
            limited=limited,
            accrual=accrual,
            days_per_year=Decimal(days_per_year),
            days_per_month=Decimal(days_per_month),
            carry_over=carry_over,
            carry_over_max=Decimal(carry_over_max),
            full_time_hours=Decimal(full_time_hours),
            first_year=first_year,
        ),
    )
