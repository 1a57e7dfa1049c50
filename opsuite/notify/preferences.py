"""Notification kinds, their default lead times, and each person's choices about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from opsuite.errors import FieldErrors
from opsuite.notify.models import NotificationPreference
from opsuite.wallclock import optional_minute, optional_time
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext

if TYPE_CHECKING:
    from opsuite.auth.models import User


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    default_leads: tuple[int, ...]  # minutes before the event; empty for "when it happens"


KINDS: tuple[Kind, ...] = (
    Kind("shift", lazy_gettext("Volunteer shift reminders"), (24 * 60, 120)),
    Kind("meeting", lazy_gettext("Meeting reminders"), (15,)),
    Kind("task_due", lazy_gettext("Tasks due and overdue"), ()),
    Kind("leave_decision", lazy_gettext("Decisions on my leave requests"), ()),
    Kind("approval", lazy_gettext("Requests waiting for my decision"), ()),
    Kind("waitlist", lazy_gettext("Waitlist places offered to me"), ()),
    Kind("shift_invite", lazy_gettext("Invitations to shifts that need people"), ()),
    Kind("assignment", lazy_gettext("New assignments"), ()),
    Kind("task_activity", lazy_gettext("Comments, mentions and changes on my tasks"), ()),
    Kind("digest_daily", lazy_gettext("Daily digest for managers (07:30)"), ()),
    Kind("digest_weekly", lazy_gettext('Weekly "your week" summary (Monday 07:30)'), ()),
)
KIND_CODES = frozenset(k.code for k in KINDS)
MAX_LEAD_MINUTES = 14 * 24 * 60


@dataclass(frozen=True)
class Preferences:
    disabled_kinds: frozenset[str]
    lead_minutes: dict[str, tuple[int, ...]]
    quiet_start: time | None
    quiet_end: time | None

    def wants(self, kind: str) -> bool:
        return kind not in self.disabled_kinds

    def leads(self, kind: str) -> tuple[int, ...]:
        if kind in self.lead_minutes:
            return self.lead_minutes[kind]
        return next((k.default_leads for k in KINDS if k.code == kind), ())


DEFAULT = Preferences(frozenset(), {}, None, None)


def _from_row(row: NotificationPreference | None) -> Preferences:
    if row is None:
        return DEFAULT
    return Preferences(
        frozenset(row.disabled_kinds),
        {k: tuple(v) for k, v in row.lead_minutes.items()},
        optional_time(row.quiet_start_minute),
        optional_time(row.quiet_end_minute),
    )


async def preferences_for(user: User) -> Preferences:
    return _from_row(await NotificationPreference.get_or_none(user_id=user.id))


async def preferences_for_many(user_ids: list[int]) -> dict[int, Preferences]:
    """One query for many people (batch reminder computation stays O(1) in queries)."""
    rows = await NotificationPreference.filter(user_id__in=user_ids)
    found = {row.user_id: _from_row(row) for row in rows}
    return {uid: found.get(uid, DEFAULT) for uid in user_ids}


def parse_leads(raw: str, field: str) -> tuple[int, ...]:
    """'24h, 2h, 30m' or '90' (minutes) -> minutes, largest first. Raises FieldErrors."""
    minutes: list[int] = []
    for part in raw.replace("，", ",").split(","):
        token = part.strip().lower()
        if not token:
            continue
        factor = 1
        if token.endswith("h"):
            factor, token = 60, token[:-1]
        elif token.endswith("d"):
            factor, token = 24 * 60, token[:-1]
        elif token.endswith("m"):
            token = token[:-1]
        if not token.strip().isdigit():
            raise FieldErrors(
                {field: _("Write lead times like 24h, 2h or 30m, separated by commas.")}
            )
        value = int(token) * factor
        if not 0 < value <= MAX_LEAD_MINUTES:
            raise FieldErrors({field: _("Lead times must be between 1 minute and 14 days.")})
        minutes.append(value)
    if len(minutes) > 5:
        raise FieldErrors({field: _("At most five reminders per kind.")})
    return tuple(sorted(set(minutes), reverse=True))


def format_leads(minutes: tuple[int, ...]) -> str:
    parts = []
    for m in minutes:
        if m % (24 * 60) == 0 and m >= 2 * 24 * 60:
            parts.append(f"{m // (24 * 60)}d")
        elif m % 60 == 0:
            parts.append(f"{m // 60}h")
        else:
            parts.append(f"{m}m")
    return ", ".join(parts)


async def save_preferences(
    user: User,
    *,
    disabled_kinds: set[str],
    lead_minutes: dict[str, tuple[int, ...]],
    quiet_start: time | None,
    quiet_end: time | None,
) -> None:
    """Store a person's choices. Raises FieldErrors for unknown kinds or half-set quiet hours."""
    unknown = (disabled_kinds | set(lead_minutes)) - KIND_CODES
    if unknown:
        raise FieldErrors(
            {"kinds": _("Unknown notification kind: %(kind)s", kind=sorted(unknown)[0])}
        )
    if (quiet_start is None) != (quiet_end is None) or (quiet_start and quiet_start == quiet_end):
        raise FieldErrors(
            {
                "quiet_end": _(
                    "Give both the start and the end of your quiet hours, and make them differ."
                )
            }
        )
    await NotificationPreference.update_or_create(
        user_id=user.id,
        defaults={
            "disabled_kinds": sorted(disabled_kinds),
            "lead_minutes": {k: list(v) for k, v in lead_minutes.items()},
            "quiet_start_minute": optional_minute(quiet_start),
            "quiet_end_minute": optional_minute(quiet_end),
        },
    )


def defer_for_quiet_hours(
    due: datetime, *, event_at: datetime | None, prefs: Preferences, timezone: str
) -> datetime:
    """A reminder due in the person's quiet hours waits until they end, unless the event
    starts before then (a late reminder is worse than an early-morning one)."""
    if prefs.quiet_start is None or prefs.quiet_end is None:
        return due
    zone = ZoneInfo(timezone)
    local = due.astimezone(zone)
    start, end = prefs.quiet_start, prefs.quiet_end
    now_t = local.time().replace(tzinfo=None)
    wraps = start > end  # e.g. 22:00-07:00
    inside = (start <= now_t or now_t < end) if wraps else (start <= now_t < end)
    if not inside:
        return due
    end_day = local.date()
    if wraps and now_t >= start:
        end_day = end_day + timedelta(days=1)
    # Wall-clock end of quiet hours in the person's zone (fold=0 picks the first of a DST repeat).
    quiet_over = datetime.combine(end_day, end, tzinfo=zone).astimezone(due.tzinfo)
    if event_at is not None and event_at <= quiet_over:
        return due
    return quiet_over
