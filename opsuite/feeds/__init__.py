"""Calendar feeds: private iCal subscriptions for people, teams, programs and the public shift
list."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.feeds import api, downloads, jobs, memory, pages
    from opsuite.shifts import notices

    if memory.FeedFastPath not in registry.front:
        registry.add_front(memory.FeedFastPath)
    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
    registry.add_jobs(jobs.JOBS)
    if downloads.shift_attachment not in notices.calendar_writer:
        notices.calendar_writer.append(downloads.shift_attachment)
