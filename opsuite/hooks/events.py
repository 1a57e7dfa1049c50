"""Which events a webhook endpoint can ask for, read from the activity log as each line is
written (``audit.service.after_record``), so the areas that write them stay unaware of webhooks.

Each kind is one or more activity codes. The payload's ``data`` holds what the activity line
holds (the action, the thing it is about, who did it, its details), ids only: a receiver that
wants a name asks the API for it.
"""

from __future__ import annotations

from typing import Any

from opsuite.audit.models import Activity
from opsuite.web.i18n import lazy_gettext as L

# The event type a receiver sees -> the activity codes that raise it.
KINDS: dict[str, tuple[str, ...]] = {
    "signup.confirmed": (
        "shifts.signup.confirmed",
        "shifts.signup.added",
        "shifts.newcomer.confirmed",
        "shifts.waitlist.promoted",
        "shifts.waitlist.accepted",
    ),
    "signup.cancelled": ("shifts.signup.cancelled", "shifts.signup.removed"),
    "shift.cancelled": ("shifts.shift.cancelled",),
    "shift.short": ("shifts.shift.short",),
    "leave.requested": ("schedules.leave.requested",),
    "leave.decided": ("schedules.leave.approved", "schedules.leave.rejected"),
    "meeting.changed": (
        "meetings.meeting.created",
        "meetings.meeting.changed",
        "meetings.meeting.cancelled",
    ),
    "hours.approved": ("shifts.hours.approved",),
    "task.assigned": ("tasks.task.assigned",),
    "task.done": ("tasks.task.done",),
}
TEST = "webhook.test"

LABELS = {
    "signup.confirmed": L("A sign-up for a shift is confirmed"),
    "signup.cancelled": L("A sign-up for a shift is cancelled"),
    "shift.cancelled": L("A shift is cancelled"),
    "shift.short": L("A shift starting soon is short of people after a cancellation"),
    "leave.requested": L("Leave is requested"),
    "leave.decided": L("A leave request is approved or turned down"),
    "meeting.changed": L("A meeting is scheduled, changed or cancelled"),
    "hours.approved": L("Volunteer hours are approved"),
    "task.assigned": L("Someone is assigned a task"),
    "task.done": L("A task is done"),
}
TEST_LABEL = L("Test event")

_TYPE_OF = {code: kind for kind, codes in KINDS.items() for code in codes}


def label_of(kind: str) -> Any:
    """The words for an event type on a page (a test event's too)."""
    return TEST_LABEL if kind == TEST else LABELS.get(kind, kind)


def kind_choices() -> list[tuple[str, Any]]:
    return [(kind, LABELS[kind]) for kind in KINDS]


def event_type_of(activity: Activity) -> str | None:
    return _TYPE_OF.get(activity.action)


# Details an activity line may hold that a receiver does not need (a coordinator's message
# text, a correction's before and after), left out of the payload.
_LEFT_OUT = frozenset({"body", "subject", "before", "after"})


def data_of(activity: Activity) -> dict[str, Any]:
    details = {k: v for k, v in activity.data.items() if k not in _LEFT_OUT}
    return {
        "action": activity.action,
        "object": {"type": activity.target_type, "id": activity.target_id},
        "actor_id": activity.actor_id,
        "details": details,
    }
