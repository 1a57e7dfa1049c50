"""Which notices go to chat channels, and what they say: read from the activity log as each
line is written (``audit.service.after_record``), so shifts and meetings stay unaware of chat.

- ``shifts.shift.cancelled`` and ``shifts.shift.messaged`` go to the channels of the shift's
  program (a coordinator's message goes with its subject and text, as its volunteers got it);
- ``meetings.meeting.created``, ``.changed`` and ``.cancelled`` go to the channels of the
  meeting's team, unless only its attendees may see it.

Shifts now record ``shifts.shift.short`` (a full shift left short soon before it starts); it
goes to outgoing webhooks (``shift.short``) and is not posted to chat channels yet.
"""

from __future__ import annotations

from opsuite.audit.models import Activity
from opsuite.chat import service
from opsuite.chat.models import ChatChannel
from opsuite.meetings.models import Meeting, Visibility
from opsuite.shifts.models import Opportunity, Shift
from opsuite.web.i18n import format_span, use_locale
from opsuite.web.i18n import gettext as _

SHIFT_EVENTS = ("shifts.shift.cancelled", "shifts.shift.messaged")
MEETING_EVENTS = (
    "meetings.meeting.created",
    "meetings.meeting.changed",
    "meetings.meeting.cancelled",
)


async def on_activity(activity: Activity) -> None:
    """Queue the chat posts an activity line calls for (none for most lines)."""
    if not activity.target_id.isdigit():
        return
    if activity.action in SHIFT_EVENTS:
        await _shift_notice(activity)
    elif activity.action in MEETING_EVENTS:
        await _meeting_notice(activity)


async def _shift_notice(activity: Activity) -> None:
    shift = await Shift.get_or_none(id=int(activity.target_id))
    if shift is None:
        return
    opportunity = await Opportunity.get(id=shift.opportunity_id)
    channels = await ChatChannel.filter(program_id=opportunity.program_id, active=True)
    for channel in channels:
        with use_locale(channel.language, shift.timezone):
            when = format_span(shift.starts_at, shift.ends_at, shift.timezone)
            place = [_("Place: %(place)s", place=shift.location)] if shift.location else []
            if activity.action == "shifts.shift.cancelled":
                title = _("Shift cancelled: %(role)s", role=opportunity.title)
                lines = [when, *place]
            else:
                subject = str(activity.data.get("subject", ""))
                title = _(
                    "Message about the shift %(role)s: %(subject)s",
                    role=opportunity.title,
                    subject=subject,
                )
                lines = [when, *str(activity.data.get("body", "")).splitlines()]
        await service.enqueue(
            channel,
            event=activity.action,
            key=f"activity:{activity.id}",
            title=title,
            lines=[line for line in lines if line.strip()],
            link=f"/shifts/{shift.id}",
        )


async def _meeting_notice(activity: Activity) -> None:
    meeting = await Meeting.get_or_none(id=int(activity.target_id))
    if meeting is None or meeting.team_id is None or meeting.visibility == Visibility.ATTENDEES:
        return
    channels = await ChatChannel.filter(team_id=meeting.team_id, active=True)
    for channel in channels:
        with use_locale(channel.language, meeting.timezone):
            when = format_span(meeting.starts_at, meeting.ends_at, meeting.timezone)
            title = {
                "meetings.meeting.created": _("Meeting scheduled: %(title)s", title=meeting.title),
                "meetings.meeting.changed": _("Meeting changed: %(title)s", title=meeting.title),
                "meetings.meeting.cancelled": _(
                    "Meeting cancelled: %(title)s", title=meeting.title
                ),
            }[activity.action]
        await service.enqueue(
            channel,
            event=activity.action,
            key=f"activity:{activity.id}",
            title=title,
            lines=[when],
            link=f"/meetings/{meeting.id}",
        )
