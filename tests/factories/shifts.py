"""Builders for opportunities and shifts, made through the shifts services like real data."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from opsuite import clock
from opsuite.auth.models import Role, User
from opsuite.people.models import Program
from opsuite.shifts.models import Opportunity, Shift
from opsuite.shifts.planning import (
    OpportunityInput,
    ShiftInput,
    create_opportunity,
    create_shift,
)
from tests.factories.auth import make_user
from tests.factories.people import make_program

_numbers = itertools.count(1)


async def make_opportunity(
    *,
    program: Program | None = None,
    manager: User | None = None,
    title: str | None = None,
    required_skills: Iterable[str] = (),
    is_public: bool = True,
    is_remote: bool = False,
    location: str = "Food bank, 12 Harbour Road",
) -> Opportunity:
    """An opportunity in ``program`` (a new program run by ``manager`` if none is given)."""
    manager = manager or await make_user(Role.MANAGER)
    program = program or await make_program(manager=manager)
    data = OpportunityInput(
        title=title or f"Opportunity {next(_numbers)}",
        description="Sorting donations",
        location=location,
        is_remote=is_remote,
        required_skills=tuple(required_skills),
        is_public=is_public,
    )
    return await create_opportunity(manager, program.id, data)


async def manager_of(opportunity: Opportunity) -> User:
    from opsuite.people.models import ProgramAccess, ProgramRole

    role = await ProgramRole.filter(
        program_id=opportunity.program_id, access=ProgramAccess.MANAGE
    ).prefetch_related("user")
    return role[0].user


async def make_shift(
    opportunity: Opportunity | None = None,
    *,
    capacity: int = 5,
    starts_at: datetime | None = None,
    hours: float = 3,
    timezone: str = "Europe/Berlin",
    location: str = "",
    lead: User | None = None,
) -> Shift:
    """A shift ``hours`` long, three days from now unless told otherwise."""
    opportunity = opportunity or await make_opportunity()
    starts_at = starts_at or (clock.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    local = starts_at.astimezone(ZoneInfo(timezone))
    end = (starts_at + timedelta(hours=hours)).astimezone(ZoneInfo(timezone))
    data = ShiftInput(
        day=local.date(),
        start=local.time(),
        end=end.time(),
        timezone=timezone,
        capacity=capacity,
        location=location,
        lead_id=lead.id if lead else None,
    )
    return await create_shift(await manager_of(opportunity), opportunity, data)


async def make_volunteer(*, skills: Iterable[str] = (), **overrides: object) -> User:
    return await make_user(Role.VOLUNTEER, skills=list(skills), **overrides)
