"""Meetings in feeds: a person's, a team's or a program's (recurring ones as RRULE)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from tortoise.expressions import Q, RawSQL, Subquery

from opsuite.auth.models import User
from opsuite.feeds.ics import FeedEvent
from opsuite.feeds.sources.common import Window, instant, join_text, raw
from opsuite.meetings.models import (
    Attendee,
    Meeting,
    MeetingStatus,
    OccurrenceAnswer,
    OccurrenceChange,
    Response,
)
from opsuite.meetings.occurrences import changes_the_occurrence
from opsuite.meetings.recurrence import parse_stamp
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext

_ANSWERS = {
    Response.NEEDS_ACTION: lazy_gettext("No answer yet"),
    Response.ACCEPTED: lazy_gettext("Accepted"),
    Response.TENTATIVE: lazy_gettext("Maybe"),
    Response.DECLINED: lazy_gettext("Declined"),
}


def _meeting_query(window: Window, ids: Collection[int] | None) -> Any:
    query = Meeting.filter(id__in=list(ids)) if ids is not None else Meeting.all()
    return (
        query.filter(starts_at__lt=window.end)
        .filter(Q(last_ends_at__isnull=True) | Q(last_ends_at__gt=window.start))
        .filter(
            Q(status=MeetingStatus.SCHEDULED)
            | Q(status=MeetingStatus.CANCELLED, updated_at__gte=window.cancelled_since)
        )
    )


async def meetings_of_person(
    user: User, window: Window, ids: Collection[int] | None = None
) -> list[FeedEvent]:
    """Meetings the person organises or is invited to (among ``ids`` when given), with their
    answer to each, in one query (and, when there is a series, one more for its changed
    occurrences and one for the answers they gave for single occurrences)."""
    invited = Subquery(Attendee.filter(user_id=user.id).values("meeting_id"))
    query = _meeting_query(window, ids).filter(Q(organizer_id=user.id) | Q(id__in=invited))
    meetings = await _rows(query, answers_of=int(user.id))
    answers = {
        m.id: SimpleNamespace(response=m.my_response, responded_at=instant(m.my_responded_at))
        for m in meetings
        if m.my_response is not None
    }
    own: dict[int, dict[datetime, SimpleNamespace]] = defaultdict(dict)
    if any(m.rrule for m in meetings):  # only a series is answered one occurrence at a time
        rows = await (
            OccurrenceAnswer.filter(
                attendee__user_id=user.id, attendee__meeting_id__in=Subquery(query.values("id"))
            )
            .annotate(
                raw_start=raw(OccurrenceAnswer, "original_start"),
                raw_at=raw(OccurrenceAnswer, "responded_at"),
            )
            .values("raw_start", "raw_at", "response", meeting_id="attendee__meeting_id")
        )
        for row in rows:
            if (original := instant(row["raw_start"])) is not None:
                own[row["meeting_id"]][original] = SimpleNamespace(
                    response=row["response"], responded_at=instant(row["raw_at"])
                )
    return await _meeting_events(
        query, meetings, window, user=user, answers=answers, own_answers=own
    )


async def meeting_events(meeting_id: int, window: Window) -> list[FeedEvent]:
    """One meeting on its own (its page's download): the series and its changed occurrences,
    as a team's feed has them, in two queries."""
    query = _meeting_query(window, [meeting_id])
    return await _meeting_events(query, await _rows(query), window, user=None, answers={})


async def meetings_of(
    window: Window,
    *,
    visible: Q,
    team_id: int | None = None,
    program_id: int | None = None,
    ids: Collection[int] | None = None,
) -> list[FeedEvent]:
    """A team's or a program's meetings among those ``visible`` to the feed's owner (the
    meetings' visibility, ``opsuite.auth.permissions.visible_meetings``; among ``ids`` when
    given), in two queries."""
    query = _meeting_query(window, ids).filter(visible)
    query = (
        query.filter(team_id=team_id)
        if team_id is not None
        else query.filter(program_id=program_id)
    )
    meetings = await _rows(query)
    return await _meeting_events(query, meetings, window, user=None, answers={})


# What a meeting's event is made of: read as plain values, not models (a feed reads a
# thousand meetings; building models took half of a cold build).
_FIELDS = (
    "id", "uid", "title", "description", "agenda", "video_url", "location", "timezone",
    "sequence", "status", "rrule", "exdates",
)  # fmt: skip
_INSTANTS = ("starts_at", "ends_at", "updated_at")


def _answer_of(user_id: int, column: str) -> RawSQL:
    """One column of the person's own attendee row for each meeting, read with the meeting."""
    attendees, meetings = Attendee._meta.db_table, Meeting._meta.db_table
    # Our own table and column names and an integer id: nothing from a request.
    where = f'"meeting_id" = "{meetings}"."id" AND "user_id" = {int(user_id)}'
    return RawSQL(f'(SELECT "{column}" FROM "{attendees}" WHERE {where})')  # noqa: S608  # nosec B608


async def _rows(query: Any, *, answers_of: int | None = None) -> list[SimpleNamespace]:
    """The meetings as plain values; ``answers_of``: with that person's answer to each
    (``my_response``, ``my_responded_at``; None where they are not invited)."""
    extra = {f"raw_{c}": raw(Meeting, c) for c in _INSTANTS}
    if answers_of is not None:
        extra["my_response"] = _answer_of(answers_of, "response")
        extra["my_responded_at"] = _answer_of(answers_of, "responded_at")
    rows = await query.annotate(**extra).values(*_FIELDS, *extra, organizer_name="organizer__name")
    out = []
    for row in rows:
        for column in _INSTANTS:
            row[column] = instant(row.pop(f"raw_{column}"))
        out.append(SimpleNamespace(**row))
    return out


async def _meeting_events(
    query: Any,
    meetings: list[SimpleNamespace],
    window: Window,
    *,
    user: User | None,
    answers: dict[int, SimpleNamespace],
    own_answers: dict[int, dict[datetime, SimpleNamespace]] | None = None,
) -> list[FeedEvent]:
    if not meetings:
        return []
    changes: dict[int, list[OccurrenceChange]] = defaultdict(list)
    if any(m.rrule for m in meetings):  # only a series has changed occurrences
        for change in await OccurrenceChange.filter(meeting_id__in=Subquery(query.values("id"))):
            changes[change.meeting_id].append(change)
    out: list[FeedEvent] = []
    for meeting in meetings:
        out.extend(
            _meeting(
                meeting,
                changes[meeting.id],
                window,
                user,
                answers.get(meeting.id),
                (own_answers or {}).get(meeting.id),
            )
        )
    return out


def _meeting(
    meeting: SimpleNamespace,
    changes: list[OccurrenceChange],
    window: Window,
    user: User | None,
    answer: SimpleNamespace | None,
    own: dict[datetime, SimpleNamespace] | None = None,
) -> list[FeedEvent]:
    """The meeting's events: the series (or the one meeting), and an override (RECURRENCE-ID)
    for each changed occurrence and each one the subscriber answered on its own (``own``:
    original start -> that answer), which then says that answer."""
    cancelled = meeting.status == MeetingStatus.CANCELLED
    own = own or {}

    def told(said: SimpleNamespace | None) -> dict[str, Any]:
        """What the subscriber's answer makes of an event (its words, STATUS and TRANSP)."""
        status = "CANCELLED" if cancelled else "CONFIRMED"
        mine = ""
        if user is not None and said is not None:
            mine = _("Your answer: %(answer)s", answer=str(_ANSWERS[Response(said.response)]))
            if not cancelled and said.response == Response.TENTATIVE:
                status = "TENTATIVE"
        # People are named here, never as ORGANIZER/ATTENDEE (a subscription, not an
        # invitation).
        description = join_text(
            "\n".join(
                line
                for line in (_("Organizer: %(name)s", name=meeting.organizer_name), mine)
                if line
            ),
            meeting.description,
            meeting.agenda,
            _("Video link: %(url)s", url=meeting.video_url) if meeting.video_url else "",
            _("Details: %(url)s", url=f"{window.base_url}/meetings/{meeting.id}"),
        )
        return {
            "status": status,
            "description": description,
            # The subscriber's own answer is part of what the event says ("Your answer",
            # TRANSP).
            "last_modified": max(
                d for d in (meeting.updated_at, said.responded_at if said else None) if d
            ),
            "transparent": said is not None and said.response == Response.DECLINED,
        }

    common: dict[str, Any] = {
        "timezone": meeting.timezone,
        "sequence": meeting.sequence,
        "url": meeting.video_url or f"{window.base_url}/meetings/{meeting.id}",
    }
    skipped = tuple(d for d in (parse_stamp(s) for s in meeting.exdates) if d is not None)
    master = FeedEvent(
        uid=meeting.uid,
        summary=meeting.title,
        start=meeting.starts_at,
        end=meeting.ends_at,
        location=meeting.location,
        rrule=meeting.rrule,
        exdates=skipped if meeting.rrule else (),
        **common,
        **told(answer),
    )
    out = [master]
    if not meeting.rrule:
        return out
    duration = meeting.ends_at - meeting.starts_at
    # Notes kept for one occurrence change nothing a calendar shows.
    by_original = {c.original_start: c for c in changes if changes_the_occurrence(c, duration)}
    for original in sorted(set(by_original) | set(own)):
        if original in skipped:
            continue
        change = by_original.get(original)
        out.append(
            FeedEvent(
                uid=meeting.uid,
                summary=(change.title if change else "") or meeting.title,
                start=change.starts_at if change else original,
                end=change.ends_at if change else original + duration,
                location=(change.location if change else "") or meeting.location,
                recurrence_id=original,
                **{
                    **common,
                    "sequence": max(meeting.sequence, change.sequence if change else 0),
                },
                **told(own.get(original, answer)),
            )
        )
    return out
