"""How each area hands its routes, scheduled jobs and hooks to the application.

Every area package exposes ``register(registry)`` in its ``__init__.py``. ``create_app`` and the
scheduler (``opsuite serve`` and ``opsuite worker``) call ``collect()``, which imports the areas in
``AREAS`` order (the order routes are matched in) and lets each one add what it has. Importing an
area module has no side effects; registering twice is harmless (hooks check before they add).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute

from opsuite.settings import Settings

# Route matching follows this order; the wiring between peers (app.wire_peers) comes after.
AREAS = (
    "home",
    "web",
    "auth",
    "schedules",
    "people",
    "audit",
    "notify",
    "shifts",
    "meetings",
    "tasks",
    "help",
    "applications",
    "feeds",
    "reports",
    "chat",
    "hooks",
    "privacy",
)


@dataclass(frozen=True)
class Job:
    """One piece of scheduled work: a thin call into its area's service.

    ``every`` gives APScheduler's interval keywords (``{"minutes": 5}``) for the settings in force;
    ``label`` says on the scheduler page what the job does (a lazy gettext string)."""

    id: str
    label: Any
    every: Callable[[Settings], Mapping[str, float]]
    run: Callable[[Settings], Awaitable[object]]


@dataclass
class Registry:
    routes: list[BaseRoute] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    # ASGI middleware classes taking (app, settings=...) that answer some requests before the
    # web stack (sessions, CSRF, routing): the feeds' hot path. Installed inside the request
    # log and metrics, in registration order.
    front: list[Any] = field(default_factory=list)

    def add_front(self, middleware: Any) -> None:
        self.front.append(middleware)

    def add_routes(self, routes: Iterable[BaseRoute]) -> None:
        self.routes.extend(routes)

    def add_jobs(self, jobs: Iterable[Job]) -> None:
        self.jobs.extend(jobs)


def collect() -> Registry:
    """Every area's routes, jobs and hooks, in ``AREAS`` order."""
    registry = Registry()
    for name in AREAS:
        module = importlib.import_module(f"opsuite.{name}")
        module.register(registry)
    return registry


def every(**interval: float) -> Callable[[Settings], Mapping[str, float]]:
    """A fixed interval, whatever the settings (``every(minutes=5)``)."""
    return lambda _settings: interval
