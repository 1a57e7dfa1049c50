"""Scheduled work of the chat area: sending the queued posts."""

from __future__ import annotations

from opsuite.areas import Job
from opsuite.chat.service import dispatch
from opsuite.web.i18n import lazy_gettext

JOBS = (
    Job(
        "chat.dispatch",
        lazy_gettext("Post queued notices to chat channels"),
        lambda settings: {"seconds": settings.scheduler.dispatch_interval_seconds},
        dispatch,
    ),
)
