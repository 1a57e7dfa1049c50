"""Chat channels: a team's or a program's notices posted to its group chat through an
incoming-webhook bot (WeCom, DingTalk, Slack-compatible)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.audit import service as audit
    from opsuite.chat import api, events, jobs, pages

    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
    registry.add_jobs(jobs.JOBS)
    if events.on_activity not in audit.after_record:
        audit.after_record.append(events.on_activity)
