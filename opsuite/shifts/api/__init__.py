"""The shifts JSON API: ``core`` (opportunities, shifts, sign-up and cancel, waitlist offers,
swaps, check-in, roster, attendance, hours, certificates), ``handovers`` (hand-overs to a
named person, their approval, and a program's policy), ``availability`` (a volunteer's
weekly availability and blackouts, attendance records, inviting the available) and ``manage``
(a coordinator taking someone off a shift, messaging it, cancelling it). ``routes()`` lists
them all."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.shifts.api import availability, core, handovers, manage


def routes() -> list[BaseRoute]:
    return [*availability.routes(), *core.routes(), *handovers.routes(), *manage.routes()]
