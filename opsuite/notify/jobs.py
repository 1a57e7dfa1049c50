"""Scheduled work of the notify area: sending the outbox and the digests."""

from __future__ import annotations

from opsuite.areas import Job, every
from opsuite.notify.digests import send_due_digests
from opsuite.notify.service import dispatch_due
from opsuite.web.i18n import lazy_gettext

JOBS = (
    Job(
        "notify.dispatch",
        lazy_gettext("Send queued emails"),
        lambda settings: {"seconds": settings.scheduler.dispatch_interval_seconds},
        dispatch_due,
    ),
    Job(
        "notify.digests",
        lazy_gettext("Send daily and weekly digests"),
        every(minutes=5),
        send_due_digests,
    ),
)
