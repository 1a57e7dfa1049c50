"""Scheduled work of the shifts area: waiting-list offers, hand-overs and newcomers' held places."""

from __future__ import annotations

from opsuite.areas import Job, every
from opsuite.shifts.service import expire_handovers, expire_offers, release_expired_holds
from opsuite.web.i18n import lazy_gettext

JOBS = (
    Job(
        "shifts.expire_offers",
        lazy_gettext("Pass on waiting-list offers nobody answered"),
        every(minutes=5),
        expire_offers,
    ),
    Job(
        "shifts.expire_handovers",
        lazy_gettext("Close hand-over and swap offers whose time ran out"),
        every(minutes=5),
        expire_handovers,
    ),
    Job(
        "shifts.release_holds",
        lazy_gettext("Release places held for unconfirmed newcomers"),
        every(minutes=1),
        release_expired_holds,
    ),
)
