"""The shifts JSON API: ``core`` (opportunities, shifts, sign-up and cancel, waitlist offers,
swaps, check-in, roster, attendance, hours, certificates) and ``handovers`` (hand-overs to a
named person, their approval, and a program's policy). ``routes()`` lists them all."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.shifts.api import core, handovers


def routes() -> list[BaseRoute]:
    return [*core.routes(), *handovers.routes()]
