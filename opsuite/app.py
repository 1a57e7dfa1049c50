"""create_app(settings) -> the Starlette application: middleware, every area's routes, lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from opsuite import db, resources
from opsuite.audit import routes as audit_routes
from opsuite.auth import routes as auth_routes
from opsuite.auth import service as auth_service
from opsuite.auth.models import User
from opsuite.auth.permissions import role_allows
from opsuite.caps import Cap
from opsuite.feeds import api_routes as feeds_api_routes
from opsuite.feeds import routes as feeds_routes
from opsuite.help import routes as help_routes
from opsuite.meetings import availability
from opsuite.meetings import routes as meetings_routes
from opsuite.notify import routes as notify_routes
from opsuite.observe import ObserveMiddleware
from opsuite.people import routes as people_routes
from opsuite.reports import routes as reports_routes
from opsuite.schedules import routes as schedules_routes
from opsuite.settings import Settings, secret_key
from opsuite.shifts import newcomers
from opsuite.shifts import routes as shifts_routes
from opsuite.shifts.service import confirmed_shifts_between
from opsuite.tasks import routes as tasks_routes
from opsuite.web import metrics as metrics_routes
from opsuite.web import routes as web_routes
from opsuite.web.context import WebContextMiddleware
from opsuite.web.errors import EXCEPTION_HANDLERS, ErrorFunnelMiddleware
from opsuite.web.i18n import lazy_gettext
from opsuite.web.limits import BodyLimitMiddleware

log = logging.getLogger("opsuite")
STATIC_DIR = resources.static_dir()

# Each area hands its routes to the app here; importing an area has no side effects.
AREAS = (
    web_routes,
    auth_routes,
    schedules_routes,
    people_routes,
    audit_routes,
    notify_routes,
    shifts_routes,
    meetings_routes,
    tasks_routes,
    help_routes,
    feeds_routes,
    feeds_api_routes,
    reports_routes,
    metrics_routes,
)


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    cap: Cap


NAVIGATION = (
    NavItem(lazy_gettext("Home"), "/", Cap.SIGNED_IN),
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
    NavItem(lazy_gettext("Reports"), "/reports", Cap.MANAGE),
    NavItem(lazy_gettext("Activity"), "/admin/activity", Cap.ADMIN),
    NavItem(lazy_gettext("Outbox"), "/admin/outbox", Cap.ADMIN),
    NavItem(lazy_gettext("Scheduler"), "/admin/scheduler", Cap.ADMIN),
    NavItem(lazy_gettext("Questions"), "/admin/requests", Cap.ADMIN),
    NavItem(lazy_gettext("Calendar feeds"), "/me/feeds", Cap.SIGNED_IN),
    NavItem(lazy_gettext("My profile"), "/me", Cap.SIGNED_IN),
)


def navigation(user: User | None) -> list[NavItem]:
    return [item for item in NAVIGATION if user is not None and role_allows(user, item.cap)]


def all_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for area in AREAS:
        routes.extend(area.routes())
    routes.append(Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"))
    return routes


def register_hooks() -> None:
    """What areas add to shared machinery (digest sections); the scheduler in `opsuite worker`
    needs it as much as the web app does. Idempotent."""
    from opsuite.schedules import digest as schedules_digest
    from opsuite.shifts import digest as shifts_digest
    from opsuite.tasks import digest as tasks_digest

    schedules_digest.register()
    shifts_digest.register()
    tasks_digest.register()
    # A person's new notification choices re-plan the items they get reminders for.
    from opsuite.meetings import service as meetings_service
    from opsuite.meetings.models import Meeting
    from opsuite.notify import reminders
    from opsuite.shifts import notices as shift_notices

    async def replan_meeting(meeting_id: int, settings: Settings) -> int:
        meeting = await Meeting.get_or_none(id=meeting_id)
        if meeting is None:
            return 0
        return await meetings_service.plan_reminders(meeting, settings=settings)

    reminders.replanners["shift"] = shift_notices.reschedule_by_id
    reminders.replanners["meeting"] = replan_meeting
    if shift_busy not in availability.extra_busy:
        availability.extra_busy.append(shift_busy)
    if newcomers.confirm not in auth_service.link_used_hooks:
        auth_service.link_used_hooks.append(newcomers.confirm)


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
        from opsuite.notify.jobs import start_scheduler

        scheduler = start_scheduler(settings) if settings.scheduler.enabled else None
        app.state.scheduler = scheduler
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if opened_here:
                await db.disconnect()

    register_hooks()
    key = secret_key(settings)
    app = Starlette(
        routes=all_routes(),
        middleware=[
            Middleware(ObserveMiddleware),
            Middleware(ErrorFunnelMiddleware),  # answers errors itself, keeping the connection
            # Feeds (text/calendar) are gzipped once per build and choose their encoding
            # themselves (opsuite.feeds.routes).
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
    app.state.scheduler = None
    return app
