"""Invitations and cancellations: the meeting as an iCalendar attachment, mailed to attendees."""

from __future__ import annotations

from opsuite.auth.models import User
from opsuite.meetings import ics
from opsuite.meetings.models import Meeting
from opsuite.meetings.service.lookup import answers_by_occurrence, attendees_of, changes_of
from opsuite.meetings.service.reminders import item_key, plan_reminders
from opsuite.meetings.service.rsvp import rsvp_url
from opsuite.notify.service import enqueue_email
from opsuite.settings import Settings


def page_url(meeting: Meeting, settings: Settings) -> str:
    return f"{settings.server.base_url.rstrip('/')}/meetings/{meeting.id}"


async def announce(meeting: Meeting, *, settings: Settings, to_user_ids: set[int] | None) -> None:
    """Mail the meeting as it now is (METHOD:REQUEST) to its attendees and re-plan reminders."""
    attendees = await attendees_of(meeting)
    text = ics.request(
        meeting,
        organizer=meeting.organizer,
        attendees=attendees,
        changes=await changes_of(meeting),
        page_url=page_url(meeting, settings),
        answers=(await answers_by_occurrence([meeting.id]))[meeting.id],
    )
    people = [
        a.user
        for a in attendees
        if a.user_id != meeting.organizer_id and (to_user_ids is None or a.user_id in to_user_ids)
    ]
    await _mail(meeting, people, kind="meeting_invitation", ics_text=text, settings=settings)
    await plan_reminders(meeting, settings=settings)


async def _send_cancel(meeting: Meeting, user_ids: set[int], *, settings: Settings) -> None:
    if not user_ids:
        return
    people = await User.filter(id__in=list(user_ids - {meeting.organizer_id}))
    attendees = await attendees_of(meeting)
    text = ics.cancel(
        meeting,
        organizer=meeting.organizer,
        attendees=attendees,
        page_url=page_url(meeting, settings),
    )
    await _mail(meeting, people, kind="meeting_cancelled", ics_text=text, settings=settings)


async def _mail(
    meeting: Meeting,
    people: list[User],
    *,
    kind: str,
    ics_text: str,
    settings: Settings,
    extra: dict[str, object] | None = None,
) -> None:
    for person in people:
        await enqueue_email(
            kind=kind,
            to=person,
            context={
                "meeting": meeting,
                "organizer": meeting.organizer,
                "link": f"/meetings/{meeting.id}",
                "rsvp_url": rsvp_url(settings, meeting.id, person.id),
                "occurrence_start": None,
                **(extra or {}),
            },
            dedupe_key=f"{item_key(meeting)}:{kind}:{person.id}:{meeting.sequence}",
            settings=settings,
            item_key=f"{item_key(meeting)}:mail",
            ics=ics_text,
            timezone=meeting.timezone,  # for invitees who never told us their own
        )
