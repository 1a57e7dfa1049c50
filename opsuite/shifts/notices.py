"""What a shift tells people: its reminders (kept in step through notify) and direct emails.

Reminders and waitlist offers live under the item key "shift:<id>" and are recomputed from the
shift's state on every change. Direct emails (cancellations, messages, swaps) use
"shift:<id>:mail" so recomputing reminders never withdraws them; the delivery log shows both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from opsuite.auth.models import User
from opsuite.notify.models import Notification
from opsuite.notify.reminders import Reminder, add_for, delivery_log, schedule_for
from opsuite.notify.service import enqueue_email
from opsuite.settings import Settings
from opsuite.shifts.models import Opportunity, Shift, SignUp, SignUpStatus

# The shift as a mail's iCalendar part, for a method (PUBLISH, CANCEL): feeds writes calendars
# and fills this in its register() (a higher layer); unset, mails go without one.
CalendarWriter = Callable[[Shift, Opportunity, str, Settings], str]
calendar_writer: list[CalendarWriter] = []


def item_key(shift: Shift) -> str:
    return f"shift:{shift.id}"


def mail_key(shift: Shift) -> str:
    return f"shift:{shift.id}:mail"


def shift_context(shift: Shift, opportunity: Opportunity) -> dict[str, Any]:
    return {"shift": shift, "opportunity": opportunity, "link": f"/shifts/{shift.id}"}


async def reschedule(shift: Shift, opportunity: Opportunity, *, settings: Settings) -> int:
    """Make the shift's pending reminders match who is confirmed and who holds an offer."""
    reminders: list[Reminder] = []
    if not shift.is_cancelled:
        context = shift_context(shift, opportunity)
        holders = await SignUp.filter(
            shift_id=shift.id, status__in=(SignUpStatus.CONFIRMED, SignUpStatus.OFFERED)
        ).prefetch_related("volunteer")
        for signup in holders:
            if signup.status == SignUpStatus.CONFIRMED:
                reminders.append(
                    Reminder(
                        recipient=signup.volunteer,
                        kind="shift",
                        template="shift_reminder",
                        starts_at=shift.starts_at,
                        context=context,
                        timezone=shift.timezone,
                    )
                )
            else:
                reminders.append(
                    Reminder(
                        recipient=signup.volunteer,
                        kind="waitlist",
                        template="shift_offer",
                        starts_at=None,
                        send_at=signup.offered_at,
                        context={**context, "expires_at": signup.offer_expires_at},
                        timezone=shift.timezone,
                    )
                )
    return await schedule_for(item_key(shift), reminders, settings=settings)


async def remind_new_volunteer(
    shift: Shift, opportunity: Opportunity, volunteer: User, *, settings: Settings
) -> int:
    """A volunteer just took a place: queue their reminders only (see reminders.add_for); the
    others on the shift keep theirs. ``reschedule`` remains the answer to any other change."""
    reminder = Reminder(
        recipient=volunteer,
        kind="shift",
        template="shift_reminder",
        starts_at=shift.starts_at,
        context=shift_context(shift, opportunity),
        timezone=shift.timezone,
    )
    return await add_for(item_key(shift), [reminder], settings=settings)


async def reschedule_by_id(shift_id: int, settings: Settings) -> int:
    """notify's re-planner for "shift:<id>" (a volunteer changed their choices)."""
    shift = await Shift.get_or_none(id=shift_id).prefetch_related("opportunity")
    if shift is None:
        return 0
    return await reschedule(shift, shift.opportunity, settings=settings)


async def send(
    shift: Shift,
    opportunity: Opportunity,
    *,
    kind: str,
    to: User | str,
    key: str,
    settings: Settings,
    calendar: str = "",
    due_at: datetime | None = None,
    **context: Any,
) -> None:
    """One direct email about a shift, deduplicated by ``key``; with ``calendar`` (an iTIP
    method: PUBLISH, CANCEL) the shift goes along as an iCalendar part."""
    ics = ""
    if calendar and calendar_writer:
        ics = calendar_writer[0](shift, opportunity, calendar, settings)
    await enqueue_email(
        kind=kind,
        to=to,
        context={**shift_context(shift, opportunity), **context},
        dedupe_key=f"{mail_key(shift)}:{key}",
        settings=settings,
        item_key=mail_key(shift),
        timezone=shift.timezone,
        ics=ics,
        due_at=due_at,
    )


async def shift_delivery_log(shift: Shift) -> list[Notification]:
    rows = [*await delivery_log(item_key(shift)), *await delivery_log(mail_key(shift))]
    return sorted(rows, key=lambda n: (n.due_at, n.id))
