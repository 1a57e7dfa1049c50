"""Volunteer opportunities, shifts, sign-ups and the waitlist, check-in and hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsuite.areas import Registry


def register(registry: Registry) -> None:
    from opsuite.auth import permissions
    from opsuite.auth import service as auth_service
    from opsuite.notify import reminders
    from opsuite.shifts import access, api, digest, jobs, newcomers, notices, pages

    registry.add_routes(pages.routes())
    registry.add_routes(api.routes())
    registry.add_jobs(jobs.JOBS)
    digest.register()
    # A manager acts on the volunteers signed up for shifts of a program they run.
    permissions.register_relation(access.signed_up_in_program_run_by)
    # A person's new notification choices re-plan the shifts they get reminders for.
    reminders.replanners["shift"] = notices.reschedule_by_id
    # A newcomer who proves their address keeps the places held for them.
    if newcomers.confirm not in auth_service.link_used_hooks:
        auth_service.link_used_hooks.append(newcomers.confirm)
