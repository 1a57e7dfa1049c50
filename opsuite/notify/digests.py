"""Digests: a daily one for managers and a weekly "your week" for everyone, each at 07:30 in
the recipient's own time zone. Areas contribute sections; a digest with nothing in it is not
sent (an empty email every morning teaches people to ignore opsuite's mail)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from opsuite import clock
from opsuite.caps import Cap
from opsuite.notify.models import Notification
from opsuite.notify.preferences import preferences_for_many
from opsuite.notify.service import enqueue_email
from opsuite.notify.unsubscribe import unsubscribe_url
from opsuite.settings import Settings
from opsuite.web.access import policy

if TYPE_CHECKING:
    from opsuite.auth.models import User

SEND_AT = time(7, 30)
# After a restart or outage the morning digest still goes out late, but not after noon: a
# "your day" email in the evening is noise.
CATCH_UP_UNTIL = time(12, 0)


@dataclass(frozen=True)
class Section:
    """What one area adds to a digest: a title and lines, already in the reader's language."""

    title: str
    lines: tuple[str, ...]


SectionBuilder = Callable[["User", date], Awaitable["Section | None"]]


@dataclass(frozen=True)
class Digest:
    kind: str  # "digest_daily" or "digest_weekly"
    audience: Cap  # who gets it: those whose role carries this capability
    is_due_on: Callable[[date], bool]


DIGESTS = (
    Digest("digest_daily", Cap.MANAGE, lambda day: True),
    Digest("digest_weekly", Cap.SIGNED_IN, lambda day: day.weekday() == 0),
)

_sections: dict[str, list[SectionBuilder]] = {d.kind: [] for d in DIGESTS}


def add_section(kind: str, builder: SectionBuilder) -> None:
    """Areas call this from their register hook to contribute to a digest."""
    if builder not in _sections[kind]:
        _sections[kind].append(builder)


def local_day_if_due(user: User, now: datetime) -> date | None:
    """The person's local date if it is between 07:30 and noon there, else None."""
    local = now.astimezone(ZoneInfo(user.timezone))
    return local.date() if SEND_AT <= local.time() < CATCH_UP_UNTIL else None


async def send_due_digests(settings: Settings, *, batch: int = 500) -> int:
    """Queue every digest whose 07:30 has passed today in its reader's zone and that has not
    been queued yet; safe to run often and in several processes (the dedupe key decides)."""
    now = clock.now()
    queued = 0
    for digest in DIGESTS:
        if not _sections[digest.kind]:
            continue
        users = await policy().people_with(digest.audience)
        prefs = await preferences_for_many([u.id for u in users])
        candidates: list[tuple[User, date, str]] = []
        for user in users:
            day = local_day_if_due(user, now)
            if day is None or not digest.is_due_on(day) or not prefs[user.id].wants(digest.kind):
                continue
            candidates.append((user, day, f"{digest.kind}:{user.id}:{day.isoformat()}"))
        # Tortoise types values_list(..., flat=True) as tuples, but flat gives the values.
        done = set(
            cast(
                list[str],
                await Notification.filter(
                    dedupe_key__in=[key for _u, _d, key in candidates]
                ).values_list("dedupe_key", flat=True),
            )
        )
        for user, day, key in candidates[:batch]:
            if key in done:
                continue
            sections = await _build_sections(digest.kind, user, day)
            if not sections:
                continue
            await enqueue_email(
                kind=digest.kind,
                to=user,
                settings=settings,
                dedupe_key=key,
                context={"sections": sections, "day": day},
                list_unsubscribe=unsubscribe_url(settings, user, digest.kind),
            )
            queued += 1
    return queued


async def _build_sections(kind: str, user: User, day: date) -> list[Section]:
    from opsuite.web.i18n import use_locale

    found: list[Section] = []
    with use_locale(user.locale, user.timezone):
        for builder in _sections[kind]:
            section = await builder(user, day)
            if section is not None and section.lines:
                found.append(section)
    return found


def describe(kind: str) -> dict[str, Any]:
    return {"kind": kind, "sections": len(_sections.get(kind, []))}
