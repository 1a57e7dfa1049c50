"""Scheduled work: APScheduler's AsyncIOScheduler runs thin calls into the services.
Every job is safe to run in several processes at once (claims are atomic)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from opsuite.auth.service import purge_expired_sessions
from opsuite.notify.service import dispatch_due
from opsuite.settings import Settings

log = logging.getLogger("opsuite.jobs")


def start_scheduler(settings: Settings) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def dispatch() -> None:
        result = await dispatch_due(settings)
        if result.sent or result.failed or result.retried:
            log.info(
                "outbox: %s sent, %s retrying, %s failed",
                result.sent,
                result.retried,
                result.failed,
            )

    scheduler.add_job(
        dispatch,
        "interval",
        seconds=settings.scheduler.dispatch_interval_seconds,
        id="notify.dispatch",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        purge_expired_sessions,
        "interval",
        hours=1,
        id="auth.purge_sessions",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    return scheduler
