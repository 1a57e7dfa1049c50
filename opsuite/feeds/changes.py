"""The ``feeds.refresh`` job: notice changes, rebuild feeds, tell slow clients.

Areas never import feeds. Every area already writes each change people care about to the
activity log (``opsuite.audit``), and tasks write their board events. A poll that finds newer
ones than its feed's build rebuilds that feed there and then, on the last build
(``opsuite.feeds.incremental``), so this job no longer rebuilds every feed after every change:
it rebuilds from nothing the feeds built more than six hours ago (the safety net under
incremental builds) and those marked stale by hand, and reads the log past its own watermark
for the mail below.

Calendar apps poll a subscription every few hours at best. For a shift moved or cancelled
less than 48 hours ahead, people who subscribe to their feed also get a short email with the
updated event attached (notify applies their preferences for the "shift" kind). Meetings
need no such mail: the meetings area already sends an updated invitation with its .ics.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from opsuite import clock
from opsuite.audit.models import Activity
from opsuite.feeds import service
from opsuite.feeds.building import window_for
from opsuite.feeds.ics import FeedEvent, build_calendar
from opsuite.feeds.models import FeedKind, FeedToken, FeedWatermark
from opsuite.notify.reminders import Reminder, schedule_for
from opsuite.settings import Settings
from opsuite.shifts.models import ACTIVE_STATUSES, Shift, ShiftStatus, SignUp

SOON = timedelta(hours=48)
SHIFT_CHANGES = ("shifts.shift.updated", "shifts.shift.cancelled")


async def _advance(source: str, newest: int) -> int:
    """The previous watermark of ``source`` (-1 the first time), moved to ``newest``."""
    mark = await FeedWatermark.get_or_none(source=source)
    if mark is None:
        await FeedWatermark.create(source=source, last_id=newest, checked_at=clock.now())
        return -1
    previous = int(mark.last_id)
    if newest != previous:
        await FeedWatermark.filter(source=source).update(last_id=newest, checked_at=clock.now())
    return previous


async def _newest(model: Any) -> int:
    rows = await model.all().order_by("-id").limit(1).values_list("id", flat=True)
    return int(rows[0]) if rows else 0


async def refresh(settings: Settings) -> dict[str, int]:
    """Rebuild old and stale feeds, mail near-term shift changes."""
    newest_activity = await _newest(Activity)
    seen_activity = await _advance("activities", newest_activity)
    mailed = 0
    if seen_activity >= 0 and newest_activity > seen_activity:
        mailed = await _tell_slow_clients(seen_activity, settings=settings)
    rebuilt = await service.rebuild_stale(settings=settings)
    return {"rebuilt": rebuilt, "mailed": mailed} if rebuilt or mailed else {}


async def _tell_slow_clients(after_id: int, *, settings: Settings) -> int:
    rows = await Activity.filter(
        id__gt=after_id, action__in=SHIFT_CHANGES, target_type="shift"
    ).values("id", "target_id", "created_at")
    shift_ids = {int(r["target_id"]) for r in rows if r["target_id"].isdigit()}
    now = clock.now()
    shifts = await Shift.filter(
        id__in=shift_ids, starts_at__gt=now - timedelta(hours=1), starts_at__lt=now + SOON
    ).select_related("opportunity")
    if not shifts:
        return 0
    signups = await SignUp.filter(
        shift_id__in=[s.id for s in shifts], status__in=ACTIVE_STATUSES
    ).select_related("volunteer")
    subscribed: set[int] = {
        row["user_id"]
        for row in await FeedToken.filter(
            kind=FeedKind.PERSON,
            revoked_at=None,
            include_shifts=True,
            user_id__in=[s.volunteer_id for s in signups],
        ).values("user_id")
    }
    latest = {int(r["target_id"]): r["id"] for r in rows if r["target_id"].isdigit()}
    # The event's LAST-MODIFIED and DTSTAMP: when the shift was changed, not when we mail.
    changed_at = {
        int(r["target_id"]): r["created_at"]
        for r in sorted(rows, key=lambda r: r["id"])
        if r["target_id"].isdigit()
    }
    by_id = {s.id: s for s in shifts}
    window = window_for(settings, now)
    planned: dict[int, list[Reminder]] = {}
    for signup in signups:
        if signup.volunteer_id not in subscribed:
            continue
        shift = by_id[signup.shift_id]
        planned.setdefault(shift.id, []).append(
            _reminder(shift, signup, window, now, changed_at[shift.id])
        )
    sent = 0
    for shift_id, reminders in planned.items():
        key = f"feeds:shift:{shift_id}:{latest[shift_id]}"
        sent += await schedule_for(key, reminders, settings=settings)
    return sent


def _reminder(
    shift: Shift, signup: SignUp, window: Any, now: datetime, changed_at: datetime
) -> Reminder:
    cancelled = shift.status == ShiftStatus.CANCELLED
    event = FeedEvent(
        uid=window.uid("shift", shift.id),
        summary=shift.opportunity.title,
        start=shift.starts_at,
        end=shift.ends_at,
        timezone=shift.timezone,
        last_modified=changed_at,
        sequence=shift.revision,
        status="CANCELLED" if cancelled else "CONFIRMED",
        location=shift.location or shift.opportunity.location,
        url=f"{window.base_url}/shifts/{shift.id}",
    )
    context = {
        "title": shift.opportunity.title,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "cancelled": cancelled,
        "link": f"/shifts/{shift.id}",
    }
    return Reminder(
        recipient=signup.volunteer,
        kind="shift",
        template="feed_change",
        starts_at=None,
        send_at=now,
        context=context,
        ics=build_calendar(
            shift.opportunity.title,
            [event],
            first=shift.starts_at.date(),
            last=shift.ends_at.date(),
        ).decode(),
    )
