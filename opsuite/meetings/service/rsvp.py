"""RSVP: the signed link in each invitation, and recording an attendee's answer."""

from __future__ import annotations

import hashlib
import hmac

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.errors import InvalidInput, NotFound
from opsuite.meetings.models import Attendee, Meeting, OccurrenceAnswer, OccurrenceChange, Response
from opsuite.meetings.service.lookup import _refuse_cancelled
from opsuite.meetings.service.reminders import plan_reminders
from opsuite.settings import Settings, secret_key
from opsuite.web.i18n import gettext as _


def rsvp_signature(settings: Settings, meeting_id: int, user_id: int) -> str:
    message = f"meeting-rsvp:{meeting_id}:{user_id}".encode()
    return hmac.new(secret_key(settings).encode(), message, hashlib.sha256).hexdigest()[:32]


def rsvp_url(settings: Settings, meeting_id: int, user_id: int) -> str:
    base = settings.server.base_url.rstrip("/")
    signature = rsvp_signature(settings, meeting_id, user_id)
    return f"{base}/meetings/rsvp/{meeting_id}/{user_id}/{signature}"


def is_valid_rsvp(settings: Settings, meeting_id: int, user_id: int, given: str) -> bool:
    return hmac.compare_digest(rsvp_signature(settings, meeting_id, user_id), given)


async def get_attendee(meeting: Meeting, user_id: int) -> Attendee:
    row = await Attendee.get_or_none(meeting_id=meeting.id, user_id=user_id).prefetch_related(
        "user"
    )
    if row is None:
        raise NotFound(_("You are not on this meeting's list."))
    return row


def check_answer(answer: str) -> None:
    """Raises InvalidInput unless ``answer`` is accepted, tentative or declined."""
    if answer not in (Response.ACCEPTED, Response.TENTATIVE, Response.DECLINED):
        raise InvalidInput(_("Answer yes, maybe or no."), field="response")


async def respond(meeting: Meeting, user_id: int, answer: str, *, settings: Settings) -> Attendee:
    """Record an attendee's answer (accepted, tentative, declined) to the whole meeting; for a
    series it replaces the answers they gave for single occurrences still to come. Raises
    NotFound or InvalidInput."""
    _refuse_cancelled(meeting)
    check_answer(answer)
    attendee = await get_attendee(meeting, user_id)
    attendee.response = Response(answer)
    attendee.responded_at = clock.now()
    async with in_transaction():
        await attendee.save(update_fields=["response", "responded_at"])
        await _forget_coming_answers(attendee, meeting)
    await record(attendee.user, "meetings.rsvp.answered", meeting, response=answer)
    await plan_reminders(meeting, settings=settings)
    return attendee


async def _forget_coming_answers(attendee: Attendee, meeting: Meeting) -> None:
    """The answers this attendee gave for occurrences still to come (an answer to the whole
    series replaces them); those for occurrences already over stay as they were."""
    rows = await OccurrenceAnswer.filter(attendee_id=attendee.id)
    if not rows:
        return
    ends = {
        c.original_start: c.ends_at
        for c in await OccurrenceChange.filter(
            meeting_id=meeting.id, original_start__in=[r.original_start for r in rows]
        )
    }
    duration = meeting.ends_at - meeting.starts_at
    now = clock.now()
    coming = [r.id for r in rows if ends.get(r.original_start, r.original_start + duration) > now]
    if coming:
        await OccurrenceAnswer.filter(id__in=coming).delete()
