"""Shared web plumbing: templates, forms and CSRF, errors, API helpers, and the site-wide pages
(home, language, health, metrics)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.web import jobs, metrics, routes

    registry.add_routes(routes.routes())
    registry.add_routes(metrics.routes())
    registry.add_jobs(jobs.JOBS)
