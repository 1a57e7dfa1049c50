"""Scheduled work of the web plumbing."""

from __future__ import annotations

from opsuite.areas import Job, every
from opsuite.web.i18n import lazy_gettext
from opsuite.web.submissions import purge

JOBS = (
    Job(
        "web.purge_forms",
        lazy_gettext("Remove old form drafts"),
        every(hours=6),
        lambda settings: purge(draft_days=settings.security.draft_days),
    ),
)
