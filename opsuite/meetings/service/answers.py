"""Answers per occurrence: an attendee answers one occurrence of a series (yes, maybe or no)
besides their answer to the whole series, and what each occurrence's answers come to.

The answer to the series stays on ``Attendee``; an ``OccurrenceAnswer`` row holds an answer
for one occurrence (keyed by its original start, as RECURRENCE-ID is) and wins there. Answering
the whole series again replaces the answers given for occurrences still to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opsuite import clock
from opsuite.audit.service import record
from opsuite.errors import InvalidInput
from opsuite.meetings import recurrence
from opsuite.meetings.models import Attendee, Meeting, OccurrenceAnswer, OccurrenceChange, Response
from opsuite.meetings.occurrences import Occurrence
from opsuite.meetings.service.lookup import ByOccurrence, _refuse_cancelled, answer_for
from opsuite.meetings.service.reminders import plan_reminders
from opsuite.meetings.service.rsvp import check_answer, get_attendee
from opsuite.meetings.service.series import find_occurrence
from opsuite.settings import Settings
from opsuite.web.i18n import gettext as _

# The order answers are counted and shown in.
ANSWER_ORDER = (Response.ACCEPTED, Response.TENTATIVE, Response.DECLINED, Response.NEEDS_ACTION)


@dataclass(frozen=True)
class OccurrenceAnswers:
    """One occurrence and what everyone invited answered for it: their own answer for this
    occurrence where they gave one (``own``), else their answer to the series."""

    occurrence: Occurrence
    answers: dict[int, Response]  # user id -> answer
    own: frozenset[int]
    minutes: str

    def answer_of(self, user_id: int) -> Response | None:
        return self.answers.get(user_id)

    @property
    def counts(self) -> list[tuple[Response, int]]:
        values = list(self.answers.values())
        return [(r, values.count(r)) for r in ANSWER_ORDER]


def summarize(
    occurrences: list[Occurrence],
    attendees: list[Attendee],
    by_occurrence: ByOccurrence,
    changes: list[OccurrenceChange],
) -> list[OccurrenceAnswers]:
    """Each occurrence with everyone's answer for it and its notes."""
    minutes = {c.original_start: c.minutes for c in changes}
    out = []
    for occurrence in occurrences:
        given = by_occurrence.get(occurrence.original_start, {})
        out.append(
            OccurrenceAnswers(
                occurrence,
                {
                    a.user_id: answer_for(a, occurrence.original_start, by_occurrence)
                    for a in attendees
                },
                frozenset(u for u in given if any(a.user_id == u for a in attendees)),
                minutes.get(occurrence.original_start, ""),
            )
        )
    return out


async def respond_to_occurrence(
    meeting: Meeting,
    user_id: int,
    original_start: datetime,
    answer: str,
    *,
    settings: Settings,
) -> OccurrenceAnswer:
    """Record an attendee's answer (accepted, tentative, declined) for one occurrence of a
    series. Raises NotFound (not invited, no such occurrence) or InvalidInput (not a series,
    an occurrence that is over, a bad answer)."""
    _refuse_cancelled(meeting)
    check_answer(answer)
    if not meeting.rrule:
        raise InvalidInput(
            _("This meeting does not repeat; answer for the meeting."), field="occurrence"
        )
    attendee = await get_attendee(meeting, user_id)
    occurrence = await find_occurrence(meeting, original_start)
    if occurrence.end <= clock.now():
        raise InvalidInput(
            _("This occurrence is over; it takes no more answers."), field="occurrence"
        )
    row, _created = await OccurrenceAnswer.update_or_create(
        attendee_id=attendee.id,
        original_start=original_start,
        defaults={"response": Response(answer), "responded_at": clock.now()},
    )
    await record(
        attendee.user,
        "meetings.rsvp.occurrence_answered",
        meeting,
        response=answer,
        occurrence=recurrence.stamp(original_start),
    )
    await plan_reminders(meeting, settings=settings)
    return row
