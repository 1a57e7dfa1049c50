"""Builders for teams and programs, made through the people service like real data."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from opsuite.auth.models import Role, User
from opsuite.people.models import Program, ProgramAccess, Team
from opsuite.people.service import (
    add_team_member,
    create_program,
    create_team,
    grant_program_access,
)
from tests.factories.auth import make_user

_numbers = itertools.count(1)


async def make_team(
    *,
    manager: User | None = None,
    members: Iterable[User] = (),
    name: str | None = None,
    description: str = "",
) -> Team:
    """A team run by ``manager`` (a new manager if none is given) with ``members`` in it."""
    manager = manager or await make_user(Role.MANAGER)
    team = await create_team(
        manager, name=name or f"Team {next(_numbers)}", description=description
    )
    for member in members:
        await add_team_member(manager, team, member)
    return team


async def make_program(
    *,
    manager: User | None = None,
    readers: Iterable[User] = (),
    name: str | None = None,
    funder: str = "",
    description: str = "",
) -> Program:
    """A program run by ``manager`` (a new manager if none is given); ``readers`` get read-only
    access."""
    manager = manager or await make_user(Role.MANAGER)
    program = await create_program(
        manager, name=name or f"Program {next(_numbers)}", funder=funder, description=description
    )
    for reader in readers:
        await grant_program_access(manager, program, reader, access=ProgramAccess.READ)
    return program
