"""Scheduled work of the accounts area."""

from __future__ import annotations

from opsuite.areas import Job, every
from opsuite.auth.service import purge_expired_sessions, purge_expired_throttles
from opsuite.web.i18n import lazy_gettext

JOBS = (
    Job(
        "auth.purge_sessions",
        lazy_gettext("Remove expired sign-in sessions"),
        every(hours=1),
        lambda _settings: purge_expired_sessions(),
    ),
    Job(
        "auth.purge_throttles",
        lazy_gettext("Forget expired sign-in attempt limits"),
        every(hours=1),
        purge_expired_throttles,
    ),
)
