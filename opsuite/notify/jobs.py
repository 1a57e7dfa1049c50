"""Scheduled work: APScheduler's AsyncIOScheduler runs thin calls into the services. Every job
is safe to run in several processes at once (outbox claims are atomic and digests are deduped),
so `opsuite serve --workers N` can run the scheduler in every worker."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from opsuite import clock
from opsuite.auth.service import purge_expired_sessions, purge_expired_throttles
from opsuite.feeds.changes import refresh as refresh_feeds
from opsuite.meetings.service import extend_series_reminders
from opsuite.notify.digests import send_due_digests
from opsuite.notify.models import JobOutcome, JobRun
from opsuite.notify.service import dispatch_due
from opsuite.settings import Settings
from opsuite.shifts.service import expire_offers, release_expired_holds
from opsuite.web.i18n import gettext as _
from opsuite.web.submissions import purge as purge_forms

log = logging.getLogger("opsuite.jobs")


async def run_job(job_id: str, work: Callable[[], Awaitable[Any]]) -> None:
    """Run one job, recording its start, end and outcome in job_runs; a failure is logged
    and recorded, and never stops the scheduler."""
    started = clock.now()
    await JobRun.update_or_create(job_id=job_id, defaults={"last_started_at": started})
    try:
        result = await work()
    except Exception as exc:  # the next run must still happen: log, record, carry on
        log.exception("job %s failed", job_id)
        await JobRun.filter(job_id=job_id).update(
            last_finished_at=clock.now(), last_status=JobOutcome.FAILED, last_error=str(exc)[:2000]
        )
        return
    row = await JobRun.get(job_id=job_id)
    row.last_finished_at, row.last_status, row.last_error = clock.now(), JobOutcome.OK, ""
    row.runs += 1
    await row.save()
    if result:
        log.info("job %s: %s", job_id, result)


def job_labels() -> dict[str, str]:
    """What each job in ``job_table`` does, as the scheduler page names it."""
    return {
        "notify.dispatch": _("Send queued emails"),
        "notify.digests": _("Send daily and weekly digests"),
        "auth.purge_sessions": _("Remove expired sign-in sessions"),
        "auth.purge_throttles": _("Forget expired sign-in attempt limits"),
        "shifts.expire_offers": _("Pass on waiting-list offers nobody answered"),
        "shifts.release_holds": _("Release places held for unconfirmed newcomers"),
        "feeds.refresh": _("Refresh calendar feeds"),
        "meetings.extend_reminders": _("Plan reminders for repeating meetings"),
        "web.purge_forms": _("Remove old form drafts"),
    }


def job_table(settings: Settings) -> list[tuple[str, Callable[[], Awaitable[Any]], dict[str, Any]]]:
    interval = settings.scheduler.dispatch_interval_seconds
    return [
        ("notify.dispatch", lambda: dispatch_due(settings), {"seconds": interval}),
        ("notify.digests", lambda: send_due_digests(settings), {"minutes": 5}),
        ("auth.purge_sessions", purge_expired_sessions, {"hours": 1}),
        ("auth.purge_throttles", lambda: purge_expired_throttles(settings), {"hours": 1}),
        ("shifts.expire_offers", lambda: expire_offers(settings), {"minutes": 5}),
        ("shifts.release_holds", lambda: release_expired_holds(settings), {"minutes": 1}),
        ("feeds.refresh", lambda: refresh_feeds(settings), {"minutes": 1}),
        (
            "meetings.extend_reminders",
            lambda: extend_series_reminders(settings=settings),
            {"hours": 24},
        ),
        (
            "web.purge_forms",
            lambda: purge_forms(draft_days=settings.security.draft_days),
            {"hours": 6},
        ),
    ]


def start_scheduler(settings: Settings) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for job_id, work, every in job_table(settings):

        async def job(job_id: str = job_id, work: Callable[[], Awaitable[Any]] = work) -> None:
            await run_job(job_id, work)

        scheduler.add_job(
            job, "interval", id=job_id, name=job_id, max_instances=1, coalesce=True, **every
        )
    scheduler.start()
    return scheduler
