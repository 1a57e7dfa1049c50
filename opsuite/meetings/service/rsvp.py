"""RSVP: the signed link in each invitation, and recording an attendee's answer."""

from __future__ import annotations

import hashlib
import hmac

from opsuite import clock
from opsuite.audit.service import record
from opsuite.errors import InvalidInput, NotFound
from opsuite.meetings.models import Attendee, Meeting, Response
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


async def respond(meeting: Meeting, user_id: int, answer: str, *, settings: Settings) -> Attendee:
    """Record an attendee's answer (accepted, tentative, declined). Raises NotFound or
    InvalidInput."""
    _refuse_cancelled(meeting)
    if answer not in (Response.ACCEPTED, Response.TENTATIVE, Response.DECLINED):
        raise InvalidInput(_("Answer yes, maybe or no."), field="response")
    attendee = await get_attendee(meeting, user_id)
    attendee.response = Response(answer)
    attendee.responded_at = clock.now()
    await attendee.save(update_fields=["response", "responded_at"])
    await record(attendee.user, "meetings.rsvp.answered", meeting, response=answer)
    await plan_reminders(meeting, settings=settings)
    return attendee
