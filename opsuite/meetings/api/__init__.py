"""The meetings JSON API: occurrences in a window, meetings (create, read, change, cancel),
occurrences (read one with its answers, change one or this-and-following, skip), RSVP (to a
meeting or one occurrence), notes, conflicts, find a time and polls.

``routes()`` lists them all in one table, so the paths keep their order; the handlers live in
one module per topic (meetings, availability, polls) and the JSON shapes in ``schemas``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.meetings.api.availability import api_conflicts, api_find
from opsuite.meetings.api.meetings import (
    api_meeting,
    api_meetings,
    api_minutes,
    api_occurrence,
    api_rsvp,
)
from opsuite.meetings.api.polls import api_poll, api_poll_decide, api_poll_votes, api_polls
from opsuite.meetings.api.schemas import (
    Conflicts,
    FindInput,
    MeetingInput,
    MeetingJson,
    MeetingPollDecideInput,
    MeetingPollVotesInput,
    MeetingRsvpInput,
    Meetings,
    MinutesInput,
    OccurrenceAnswersJson,
    Poll,
    PollInput,
    Slots,
)
from opsuite.web.api import UPDATED_SINCE_PARAM
from opsuite.web.routing import ApiDoc, api

_WINDOW_PARAMS = (
    {"name": "start", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    {"name": "end", "in": "query", "schema": {"type": "string", "format": "date-time"}},
    {"name": "team", "in": "query", "schema": {"type": "integer"}},
    {"name": "program", "in": "query", "schema": {"type": "integer"}},
    UPDATED_SINCE_PARAM,
)
_OCCURRENCE_PARAMS = (
    {"name": "start", "in": "query", "required": True, "schema": {"type": "string"}},
    {"name": "scope", "in": "query", "schema": {"type": "string", "enum": ["one", "following"]}},
)


def routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/meetings",
            api_meetings,
            cap=Cap.SIGNED_IN,
            name="api:meetings",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "Occurrences in a window (GET, mine or ?team= / ?program=); book a meeting (POST)",
                request=MeetingInput,
                response=Meetings,
                params=_WINDOW_PARAMS,
            ),
        ),
        api(
            "/api/v1/meetings/conflicts",
            api_conflicts,
            cap=Cap.STAFF,
            name="api:meeting_conflicts",
            methods=("POST",),
            doc=ApiDoc(
                "Each attendee's conflicts with a proposed meeting, before saving it",
                request=MeetingInput,
                response=Conflicts,
            ),
        ),
        api(
            "/api/v1/meetings/find-a-time",
            api_find,
            cap=Cap.STAFF,
            name="api:find_a_time",
            methods=("POST",),
            doc=ApiDoc(
                "The best slots for these people, ranked, with each person's local time",
                request=FindInput,
                response=Slots,
            ),
        ),
        api(
            "/api/v1/meetings/{id}",
            api_meeting,
            cap=Cap.SIGNED_IN,
            name="api:meeting",
            methods=("GET", "PATCH", "DELETE"),
            doc=ApiDoc(
                "A meeting; PATCH changes every occurrence, DELETE cancels it",
                request=MeetingInput,
                response=MeetingJson,
            ),
        ),
        api(
            "/api/v1/meetings/{id}/occurrence",
            api_occurrence,
            cap=Cap.SIGNED_IN,
            name="api:meeting_occurrence",
            methods=("GET", "PATCH", "DELETE"),
            doc=ApiDoc(
                "One occurrence with everyone's answer for it, the counts and its notes (GET); "
                "change it, or this and following (PATCH, staff); DELETE skips that date",
                request=MeetingInput,
                response=OccurrenceAnswersJson,
                params=_OCCURRENCE_PARAMS,
            ),
        ),
        api(
            "/api/v1/meetings/{id}/minutes",
            api_minutes,
            cap=Cap.STAFF,
            name="api:meeting_minutes",
            methods=("POST",),
            doc=ApiDoc(
                "Keep the notes and minutes of the meeting, or of one occurrence of a series",
                request=MinutesInput,
                response=MeetingJson,
            ),
        ),
        api(
            "/api/v1/meetings/{id}/rsvp",
            api_rsvp,
            cap=Cap.SIGNED_IN,
            name="api:meeting_rsvp",
            methods=("POST",),
            doc=ApiDoc(
                "Answer an invitation: accepted, tentative or declined, for the meeting (every "
                "occurrence of a series) or, with occurrence, for one occurrence",
                request=MeetingRsvpInput,
                response=MeetingJson,
            ),
        ),
        api(
            "/api/v1/meeting-polls",
            api_polls,
            cap=Cap.STAFF,
            name="api:meeting_polls",
            methods=("POST",),
            doc=ApiDoc("Send candidate times as a poll", request=PollInput, response=Poll),
        ),
        api(
            "/api/v1/meeting-polls/{id}",
            api_poll,
            cap=Cap.SIGNED_IN,
            name="api:meeting_poll",
            doc=ApiDoc("A poll's times in my zone, with the votes so far", response=Poll),
        ),
        api(
            "/api/v1/meeting-polls/{id}/votes",
            api_poll_votes,
            cap=Cap.SIGNED_IN,
            name="api:meeting_poll_votes",
            methods=("POST",),
            doc=ApiDoc(
                "Vote yes, if_need_be or no on each time",
                request=MeetingPollVotesInput,
                response=Poll,
            ),
        ),
        api(
            "/api/v1/meeting-polls/{id}/decide",
            api_poll_decide,
            cap=Cap.STAFF,
            name="api:meeting_poll_decide",
            methods=("POST",),
            doc=ApiDoc(
                "Book the chosen time as the meeting and send invitations",
                request=MeetingPollDecideInput,
                response=MeetingJson,
            ),
        ),
    ]
