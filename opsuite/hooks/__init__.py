"""Outgoing webhooks: events from the activity log posted, signed, to the endpoints admins
register (docs/webhooks.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.audit import service as audit
    from opsuite.hooks import api, jobs, pages, service

    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
    registry.add_jobs(jobs.JOBS)
    if service.on_activity not in audit.after_record:
        audit.after_record.append(service.on_activity)
