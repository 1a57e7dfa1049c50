"""Meeting pages, one module per topic: meetings (calendars, the meeting page, the form, RSVP,
notes) and polls (find a time, polls). ``routes()`` lists them all in one table, so the paths
keep their order."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.meetings.pages.meetings import (
    calendar,
    cancel,
    detail,
    edit_meeting,
    minutes,
    new_meeting,
    respond,
    rsvp_link,
    skip,
)
from opsuite.meetings.pages.polls import find, poll_decide, poll_new, poll_page
from opsuite.web.routing import page, signed_link


def routes() -> list[BaseRoute]:
    post = ("POST",)
    both = ("GET", "POST")
    return [
        page("/meetings", calendar, cap=Cap.SIGNED_IN, name="meetings:calendar"),
        page("/meetings/new", new_meeting, cap=Cap.STAFF, name="meetings:new", methods=both),
        page("/meetings/find", find, cap=Cap.STAFF, name="meetings:find"),
        page("/meetings/polls", poll_new, cap=Cap.STAFF, name="meetings:poll_new", methods=post),
        page(
            "/meetings/polls/{id}", poll_page, cap=Cap.SIGNED_IN, name="meetings:poll", methods=both
        ),
        page(
            "/meetings/polls/{id}/decide",
            poll_decide,
            cap=Cap.STAFF,
            name="meetings:poll_decide",
            methods=post,
        ),
        signed_link(
            "/meetings/rsvp/{meeting_id}/{user_id}/{signature}",
            rsvp_link,
            name="meetings:rsvp_link",
        ),
        page("/meetings/{id}", detail, cap=Cap.SIGNED_IN, name="meetings:detail"),
        page(
            "/meetings/{id}/edit", edit_meeting, cap=Cap.STAFF, name="meetings:edit", methods=both
        ),
        page(
            "/meetings/{id}/respond",
            respond,
            cap=Cap.SIGNED_IN,
            name="meetings:respond",
            methods=post,
        ),
        page("/meetings/{id}/cancel", cancel, cap=Cap.STAFF, name="meetings:cancel", methods=post),
        page("/meetings/{id}/skip", skip, cap=Cap.STAFF, name="meetings:skip", methods=post),
        page(
            "/meetings/{id}/minutes", minutes, cap=Cap.STAFF, name="meetings:minutes", methods=post
        ),
    ]
