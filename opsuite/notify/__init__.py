"""The outbox, the mailer, reminders and digests, notification preferences, and the scheduler that
runs every area's jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.notify import api, jobs, pages

    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
    registry.add_jobs(jobs.JOBS)
