"""Meetings: a shared calendar, recurring series, attendees and RSVP, find a time, polls."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.meetings import api, jobs, pages
    from opsuite.notify import reminders

    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
    registry.add_jobs(jobs.JOBS)
    # A person's new notification choices re-plan the meetings they get reminders for.
    reminders.replanners["meeting"] = jobs.replan_meeting
