"""The scheduler that runs every area's jobs (``opsuite serve`` and ``opsuite worker``).

Each job's start, end and outcome are kept in job_runs for the scheduler page; a failure is
logged and recorded, and the next run still happens. Every job is safe to run in several
processes at once (outbox claims are atomic and digests are deduped), so
`opsuite serve --workers N` can run the scheduler in every worker."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from opsuite import clock
from opsuite.areas import Job
from opsuite.notify.models import JobOutcome, JobRun
from opsuite.settings import Settings

log = logging.getLogger("opsuite")


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


def start_scheduler(settings: Settings, jobs: Iterable[Job]) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for item in jobs:

        async def job(item: Job = item) -> None:
            await run_job(item.id, lambda: item.run(settings))

        scheduler.add_job(
            job,
            "interval",
            id=item.id,
            name=item.id,
            max_instances=1,
            coalesce=True,
            **item.every(settings),
        )
    scheduler.start()
    return scheduler
