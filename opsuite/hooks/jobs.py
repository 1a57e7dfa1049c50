"""Scheduled work of the webhooks area: sending the queued deliveries."""

from __future__ import annotations

from opsuite.areas import Job
from opsuite.hooks.service import dispatch
from opsuite.web.i18n import lazy_gettext

JOBS = (
    Job(
        "hooks.dispatch",
        lazy_gettext("Post queued events to webhook endpoints"),
        lambda settings: {"seconds": settings.scheduler.dispatch_interval_seconds},
        dispatch,
    ),
)
