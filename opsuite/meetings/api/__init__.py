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
    CONFLICTS_SCHEMA,
    FIND_INPUT_SCHEMA,
    MEETING_INPUT_SCHEMA,
    MEETING_SCHEMA,
    MINUTES_INPUT_SCHEMA,
    OCCURRENCE_ANSWERS_SCHEMA,
    OCCURRENCE_SCHEMA,
    POLL_INPUT_SCHEMA,
    POLL_SCHEMA,
    SLOTS_SCHEMA,
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
    listing = {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": OCCURRENCE_SCHEMA}},
    }
    return [
        api(
            "/api/v1/meetings",
            api_meetings,
            cap=Cap.SIGNED_IN,
            name="api:meetings",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "Occurrences in a window (GET, mine or ?team= / ?program=); book a meeting (POST)",
                request=MEETING_INPUT_SCHEMA,
                response=listing,
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
                request=MEETING_INPUT_SCHEMA,
                response=CONFLICTS_SCHEMA,
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
                request=FIND_INPUT_SCHEMA,
                response=SLOTS_SCHEMA,
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
                request=MEETING_INPUT_SCHEMA,
                response=MEETING_SCHEMA,
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
                request=MEETING_INPUT_SCHEMA,
                response=OCCURRENCE_ANSWERS_SCHEMA,
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
                request=MINUTES_INPUT_SCHEMA,
                response=MEETING_SCHEMA,
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
                request={
                    "type": "object",
                    "required": ["response"],
                    "properties": {
                        "response": {
                            "type": "string",
                            "enum": ["accepted", "tentative", "declined"],
                        },
                        # The occurrence's original start, as in the list: 20260310T100000Z.
                        "occurrence": {"type": "string"},
                    },
                },
                response=MEETING_SCHEMA,
            ),
        ),
        api(
            "/api/v1/meeting-polls",
            api_polls,
            cap=Cap.STAFF,
            name="api:meeting_polls",
            methods=("POST",),
            doc=ApiDoc(
                "Send candidate times as a poll", request=POLL_INPUT_SCHEMA, response=POLL_SCHEMA
            ),
        ),
        api(
            "/api/v1/meeting-polls/{id}",
            api_poll,
            cap=Cap.SIGNED_IN,
            name="api:meeting_poll",
            doc=ApiDoc("A poll's times in my zone, with the votes so far", response=POLL_SCHEMA),
        ),
        api(
            "/api/v1/meeting-polls/{id}/votes",
            api_poll_votes,
            cap=Cap.SIGNED_IN,
            name="api:meeting_poll_votes",
            methods=("POST",),
            doc=ApiDoc(
                "Vote yes, if_need_be or no on each time",
                request={
                    "type": "object",
                    "required": ["votes"],
                    "properties": {
                        "votes": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "string",
                                "enum": ["yes", "if_need_be", "no"],
                            },
                        }
                    },
                },
                response=POLL_SCHEMA,
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
                request={
                    "type": "object",
                    "required": ["slot_id"],
                    "properties": {"slot_id": {"type": "integer"}},
                },
                response=MEETING_SCHEMA,
            ),
        ),
    ]
