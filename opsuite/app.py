"""create_app(settings) -> the Starlette application: middleware, every area's routes, lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from opsuite import areas, db, resources
from opsuite.applications import gate
from opsuite.auth.models import User
from opsuite.auth.permissions import role_allows
from opsuite.caps import Cap
from opsuite.meetings import availability
from opsuite.observe import ObserveMiddleware
from opsuite.schedules.expansion import WORKING_KINDS, clip, expand_person
from opsuite.schedules.service import load_inputs
from opsuite.settings import Settings, secret_key
from opsuite.shifts import eligibility
from opsuite.shifts.service import confirmed_shifts_between
from opsuite.spans import merge
from opsuite.web.context import WebContextMiddleware
from opsuite.web.errors import EXCEPTION_HANDLERS, ErrorFunnelMiddleware
from opsuite.web.i18n import lazy_gettext
from opsuite.web.limits import BodyLimitMiddleware

log = logging.getLogger("opsuite")
STATIC_DIR = resources.static_dir()


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    cap: Cap


NAVIGATION = (
    NavItem(lazy_gettext("Home"), "/", Cap.SIGNED_IN),
    NavItem(lazy_gettext("My calendar"), "/calendar", Cap.SIGNED_IN),
    NavItem(lazy_gettext("People"), "/people", Cap.STAFF),
    NavItem(lazy_gettext("Teams"), "/teams", Cap.STAFF),
    NavItem(lazy_gettext("Programs"), "/programs", Cap.SIGNED_IN),
    NavItem(lazy_gettext("My schedule"), "/schedule", Cap.STAFF),
    NavItem(lazy_gettext("Team schedule"), "/schedule/team", Cap.STAFF),
    NavItem(lazy_gettext("Shifts"), "/shifts", Cap.SIGNED_IN),
    NavItem(lazy_gettext("My shifts"), "/shifts/mine", Cap.SIGNED_IN),
    NavItem(lazy_gettext("Meetings"), "/meetings", Cap.SIGNED_IN),
    NavItem(lazy_gettext("Boards"), "/boards", Cap.SIGNED_IN),
    NavItem(lazy_gettext("My tasks"), "/tasks/mine", Cap.SIGNED_IN),
    NavItem(lazy_gettext("Applications"), "/applications", Cap.MANAGE),
    NavItem(lazy_gettext("Reports"), "/reports", Cap.MANAGE),
    NavItem(lazy_gettext("Activity"), "/admin/activity", Cap.ADMIN),
    NavItem(lazy_gettext("Outbox"), "/admin/outbox", Cap.ADMIN),
    NavItem(lazy_gettext("Scheduler"), "/admin/scheduler", Cap.ADMIN),
    NavItem(lazy_gettext("Webhooks"), "/admin/webhooks", Cap.ADMIN),
    NavItem(lazy_gettext("Questions"), "/admin/requests", Cap.ADMIN),
    NavItem(lazy_gettext("Calendar feeds"), "/me/feeds", Cap.SIGNED_IN),
    NavItem(lazy_gettext("My profile"), "/me", Cap.SIGNED_IN),
)


def navigation(user: User | None) -> list[NavItem]:
    return [item for item in NAVIGATION if user is not None and role_allows(user, item.cap)]


def register_areas() -> areas.Registry:
    """Every area's routes, jobs and hooks, plus the wiring between peers (serve and worker)."""
    registry = areas.collect()
    wire_peers()
    return registry


def wire_peers() -> None:
    """What peer areas learn from each other without importing each other. Idempotent."""
    if shift_busy not in availability.extra_busy:
        availability.extra_busy.append(shift_busy)
    availability.working_hours = schedule_hours
    if application_requirements not in eligibility.checks:
        eligibility.checks.append(application_requirements)


async def application_requirements(user: User | None, program_id: int) -> list[eligibility.Missing]:
    """Shifts asks before a sign-up whether the program wants an approved application."""
    found = await gate.missing_for(user, program_id)
    return [eligibility.Missing(r.message, r.link, r.link_label) for r in found]


# The kinds of schedule interval that are working time (the rest is time off, holidays, ...).
WORKING = frozenset({"work", "core", "flex"})


async def schedule_hours(
    user_ids: list[int], start: datetime, end: datetime
) -> dict[int, availability.WorkingHours]:
    """People's working hours, time off and holidays (schedules expansion, in their own zone)
    for meetings (conflicts, find-a-time): one expansion, whatever the number of people."""
    # expand_between, plus whether each person has an arrangement at all (the same queries).
    first, last = start.date() - timedelta(days=1), end.date() + timedelta(days=2)
    inputs = await load_inputs(user_ids, first, last)
    out: dict[int, availability.WorkingHours] = {}
    for user_id in user_ids:
        intervals = clip(expand_person(inputs[user_id], first, last), start, end)
        out[user_id] = availability.WorkingHours(
            has_hours=bool(inputs[user_id].patterns),
            working=merge([(i.start, i.end) for i in intervals if i.kind in WORKING]),
            # Expected to be there: core hours and a fixed day's hours, not the flexible
            # window around the core.
            core=merge([(i.start, i.end) for i in intervals if i.kind in WORKING_KINDS]),
            away=[
                availability.Busy(i.start, i.end, i.kind, i.detail)
                for i in intervals
                if i.kind in ("time_off", "holiday")
            ],
        )
    return out


async def shift_busy(
    user_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[availability.Busy]]:
    """Volunteers' confirmed shifts count as busy time for meetings (conflicts, find-a-time).
    The wiring lives here, in the one place that knows every area, so meetings and shifts
    stay independent of each other."""
    busy: dict[int, list[availability.Busy]] = {uid: [] for uid in user_ids}
    for shift in await confirmed_shifts_between(user_ids, start, end):
        busy[shift.volunteer_id].append(
            availability.Busy(shift.starts_at, shift.ends_at, "shift", shift.title)
        )
    return busy


def create_app(settings: Settings) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        opened_here = not db.is_connected()
        await db.connect(settings)
        from opsuite.notify.scheduler import start_scheduler

        scheduler = start_scheduler(settings, registry.jobs) if settings.scheduler.enabled else None
        app.state.scheduler = scheduler
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if opened_here:
                await db.disconnect()

    registry = register_areas()
    key = secret_key(settings)
    app = Starlette(
        routes=[
            *registry.routes,
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[
            Middleware(ObserveMiddleware),
            *(Middleware(front, settings=settings) for front in registry.front),
            Middleware(ErrorFunnelMiddleware),  # answers errors itself, keeping the connection
            # Feeds (text/calendar) are gzipped once per build and choose their encoding
            # themselves (opsuite.feeds.pages).
            Middleware(
                GZipMiddleware,
                minimum_size=1000,
                exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, "text/calendar"),
            ),
            Middleware(WebContextMiddleware, settings=settings, key=key),
            Middleware(BodyLimitMiddleware, max_bytes=settings.server.max_body_bytes),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.secret_key = key
    app.state.navigation = navigation
    app.state.jobs = registry.jobs
    app.state.scheduler = None
    return app
