"""Scheduled work of the feeds area: rebuilding feeds whose contents changed."""

from __future__ import annotations

from opsuite.areas import Job, every
from opsuite.feeds.changes import refresh
from opsuite.web.i18n import lazy_gettext

JOBS = (
    Job(
        "feeds.refresh",
        lazy_gettext("Refresh calendar feeds"),
        every(minutes=1),
        refresh,
    ),
)
