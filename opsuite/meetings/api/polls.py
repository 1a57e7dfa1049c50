"""Polls over JSON: send candidate times, read a poll with its votes, vote, and book the
chosen time."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from opsuite.auth.models import User
from opsuite.errors import InvalidInput
from opsuite.meetings import polls, service
from opsuite.meetings.api.meetings import meeting_answer
from opsuite.meetings.api.schemas import (
    MeetingPollDecideInput,
    MeetingPollVotesInput,
    PollInput,
    ids,
    instant,
    iso,
)
from opsuite.web.api import typed_body
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _


async def _poll_answer(poll_id: int, user: User) -> JSONResponse:
    poll = await polls.poll_for(user, poll_id)
    slot_views = await polls.slots_for(poll, user)
    return JSONResponse(
        {
            "id": poll.id,
            "title": poll.title,
            "status": str(poll.status),
            "meeting_id": poll.meeting_id,
            "slots": [
                {
                    "id": v.slot.id,
                    "start": iso(v.slot.starts_at),
                    "end": iso(v.slot.ends_at),
                    "local_start": v.local_start.isoformat(),
                    "outside_hours": v.outside_hours,
                    "mine": v.mine,
                    "yes": v.yes,
                    "if_need_be": v.if_need_be,
                    "no": v.no,
                }
                for v in slot_views
            ],
        }
    )


async def api_polls(request: Request) -> Response:
    user = viewer(request)
    body = await typed_body(request, PollInput)
    raw_slots = body.get("slots", [])
    if not isinstance(raw_slots, list) or not all(isinstance(s, dict) for s in raw_slots):
        raise InvalidInput(_("Offer times as a list of {start, end}."), field="slots")
    slots = tuple(
        (instant(s.get("start"), "slots"), instant(s.get("end"), "slots")) for s in raw_slots
    )
    invitees = tuple(service.AttendeeInput(i, True) for i in ids(body, "required")) + tuple(
        service.AttendeeInput(i, False) for i in ids(body, "optional")
    )
    data = polls.PollInput(
        title=str(body.get("title", "")),
        description=str(body.get("description", "")),
        timezone=user.timezone,
        slots=slots,
        invitees=invitees,
        mode=str(body.get("mode", "online")),
        location=str(body.get("location", "")),
        video_url=str(body.get("video_url", "")),
    )
    poll = await polls.create_poll(user, data, settings=settings_of(request))
    answer = await _poll_answer(poll.id, user)
    answer.status_code = 201
    return answer


async def api_poll(request: Request) -> Response:
    return await _poll_answer(path_id(request), viewer(request))


async def api_poll_votes(request: Request) -> Response:
    user = viewer(request)
    poll = await polls.poll_for(user, path_id(request))
    body = await typed_body(request, MeetingPollVotesInput)
    votes = body.get("votes", {})
    if not isinstance(votes, dict) or not all(str(k).isdigit() for k in votes):
        raise InvalidInput(_("Give votes as {slot id: yes, if_need_be or no}."), field="votes")
    await polls.vote(poll, user, {int(k): str(v) for k, v in votes.items()})
    return await _poll_answer(poll.id, user)


async def api_poll_decide(request: Request) -> Response:
    user = viewer(request)
    poll = await polls.poll_for(user, path_id(request))
    body = await typed_body(request, MeetingPollDecideInput)
    slot_id = body.get("slot_id")
    if not isinstance(slot_id, int) or isinstance(slot_id, bool):
        raise InvalidInput(_("Choose one of the times."), field="slot_id")
    meeting = await polls.decide(user, poll, slot_id, settings=settings_of(request))
    return await meeting_answer(await service.get_meeting(meeting.id), 201)
