"""Who may sign up for a program's shifts beyond places and skills: areas above or beside
shifts (applying to a program) add checks here, so shifts asks without importing them.

A check takes the person (None: someone not signed in) and the program's id and answers what
is missing, each with where to get it; an empty list lets them sign up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from opsuite.errors import Conflict

if TYPE_CHECKING:
    from opsuite.auth.models import User


@dataclass(frozen=True)
class Missing:
    message: str
    link: str
    link_label: str


Check = Callable[["User | None", int], Awaitable[list[Missing]]]
checks: list[Check] = []


class NotEligibleError(Conflict):
    """Something the program requires is missing (the message says what, the link where)."""

    def __init__(self, missing: Missing) -> None:
        super().__init__(f"{missing.message} {missing.link_label}.")
        self.missing = missing


async def missing_for(user: User | None, program_id: int) -> list[Missing]:
    found: list[Missing] = []
    for check in checks:
        found.extend(await check(user, program_id))
    return found


async def check_eligible(user: User | None, program_id: int) -> None:
    """Raises NotEligibleError with the first thing missing."""
    missing = await missing_for(user, program_id)
    if missing:
        raise NotEligibleError(missing[0])
