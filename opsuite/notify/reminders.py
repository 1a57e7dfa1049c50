"""``schedule_for``: the one call an area makes when an item changes. It (re)computes that
item's pending reminders, so moving a meeting moves its reminders and cancelling removes them.

The area says *who* should hear about *what* and *when it starts*; notify applies each person's
preferences (kinds switched off, lead times, quiet hours) and keeps the outbox in step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from opsuite import clock
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.notify.preferences import (
    MAX_LEAD_MINUTES,
    defer_for_quiet_hours,
    preferences_for_many,
)
from opsuite.notify.service import enqueue_email
from opsuite.settings import Settings

if TYPE_CHECKING:
    from opsuite.auth.models import User


@dataclass(frozen=True)
class Reminder:
    """One person to remind about one item.

    ``starts_at`` is the event's instant; reminders go out at each of the person's lead times
    for ``kind`` before it. ``send_at`` instead fixes one moment (e.g. the morning a task is due).
    """

    recipient: User
    kind: str
    template: str
    starts_at: datetime | None
    context: dict[str, Any] = field(default_factory=dict)
    send_at: datetime | None = None
    ics: str = ""
    timezone: str = ""  # the item's own zone, for people without one (see enqueue_email)


@dataclass(frozen=True)
class Planned:
    reminder: Reminder
    due_at: datetime
    lead: int | None


async def plan(reminders: list[Reminder]) -> list[Planned]:
    """Where each reminder lands once preferences apply (one preferences query in all)."""
    now = clock.now()
    prefs = await preferences_for_many(sorted({r.recipient.id for r in reminders}))
    planned: list[Planned] = []
    for r in reminders:
        p = prefs[r.recipient.id]
        if not p.wants(r.kind) or not r.recipient.is_active:
            continue
        if r.send_at is not None:
            candidates: list[tuple[datetime, int | None]] = [(r.send_at, None)]
        elif r.starts_at is not None:
            candidates = [(r.starts_at - timedelta(minutes=m), m) for m in p.leads(r.kind)]
        else:
            candidates = [(now, None)]
        future = [(due, lead) for due, lead in candidates if due >= now]
        if not future and candidates and (r.starts_at is None or r.starts_at > now):
            # Every lead time has passed (a late sign-up): one reminder now is still useful.
            future = [(now, min(candidates, key=lambda c: c[1] or 0)[1])]
        for due, lead in future:
            due = defer_for_quiet_hours(
                due, event_at=r.starts_at, prefs=p, timezone=r.recipient.timezone
            )
            planned.append(Planned(r, due, lead))
    return planned


def _dedupe_key(item_key: str, p: Planned) -> str:
    r = p.reminder
    anchor = (r.starts_at or r.send_at or p.due_at).strftime("%Y%m%dT%H%M")
    lead = "at" if p.lead is None else str(p.lead)
    return f"{item_key}:{r.recipient.id}:{r.template}:{lead}:{anchor}"


async def schedule_for(item_key: str, reminders: list[Reminder], *, settings: Settings) -> int:
    """Make ``item_key``'s pending reminders exactly ``reminders`` (after preferences).

    ``item_key`` is "<area>:<id>", e.g. "shift:42". Returns how many are pending afterwards.
    Reminders already sent stay sent; a moved event gets fresh ones.
    """
    keep = await _enqueue(item_key, reminders, settings=settings)
    stale = Notification.filter(item_key=item_key, status=NotificationStatus.PENDING)
    if keep:
        stale = stale.exclude(dedupe_key__in=list(keep))
    await stale.update(status=NotificationStatus.CANCELLED)
    return len(keep)


async def add_for(item_key: str, reminders: list[Reminder], *, settings: Settings) -> int:
    """Add these people's reminders to ``item_key`` and leave everyone else's as they are:
    one person joined (a sign-up), so re-planning the whole item would only redo the same
    rows, and for a shift of hundreds that is what made a rush of sign-ups slow. Returns how
    many were queued."""
    return len(await _enqueue(item_key, reminders, settings=settings))


async def _enqueue(item_key: str, reminders: list[Reminder], *, settings: Settings) -> set[str]:
    planned = await plan(reminders)
    keep: set[str] = set()
    for p in planned:
        key = _dedupe_key(item_key, p)
        keep.add(key)
        await enqueue_email(
            kind=p.reminder.template,
            to=p.reminder.recipient,
            context=p.reminder.context,
            dedupe_key=key,
            settings=settings,
            due_at=p.due_at,
            item_key=item_key,
            ics=p.reminder.ics,
            timezone=p.reminder.timezone,
        )
    return keep


async def cancel_for(item_key: str) -> int:
    """The item is gone or cancelled: none of its pending reminders go out."""
    return await Notification.filter(item_key=item_key, status=NotificationStatus.PENDING).update(
        status=NotificationStatus.CANCELLED
    )


async def delivery_log(item_key: str) -> list[Notification]:
    """Who was told what about an item, when, and whether it failed (for coordinators)."""
    return (
        await Notification.filter(item_key=item_key)
        .order_by("due_at", "id")
        .prefetch_related("recipient")
    )


# How an area re-plans one of its items from its own state, by the item key's first part
# ("shift" for "shift:42"). the area's register() fills it, so notify imports no area.
Replanner = Callable[[int, Settings], Awaitable[object]]
replanners: dict[str, Replanner] = {}


async def replan_for(user: User, *, settings: Settings) -> int:
    """A person changed their choices (lead times, quiet hours, kinds, time zone): re-plan
    every item they have reminders queued for, or had until now (a kind switched back on).
    Reminders already sent stay sent. Returns how many items were re-planned."""
    since = clock.now() - timedelta(minutes=MAX_LEAD_MINUTES)
    keys = await Notification.filter(
        recipient_id=user.id,
        status__in=(NotificationStatus.PENDING, NotificationStatus.CANCELLED),
        due_at__gte=since,
    ).values_list("item_key", flat=True)
    done = 0
    for key in sorted({str(k) for k in keys}):
        area, _sep, number = key.partition(":")
        replan = replanners.get(area)
        if replan is not None and number.isdigit():
            await replan(int(number), settings)
            done += 1
    return done
