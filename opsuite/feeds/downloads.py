"""One meeting or one shift as an .ics file: the "Add to calendar" download on its page and the
attachment of a shift's confirmation (and cancellation) email.

The same sources and writer as the feeds, so a download, a mail and a subscription describe an
item alike and share its UID (a calendar that has two of them keeps one copy). A calendar
object carries a METHOD (RFC 5546): PUBLISH for a download or a confirmation, CANCEL with the
same UID when the place or the shift is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from opsuite import clock
from opsuite.auth.models import User
from opsuite.feeds import sources
from opsuite.feeds.building import window_for
from opsuite.feeds.ics import FeedEvent, build_calendar
from opsuite.meetings.service import meeting_for
from opsuite.settings import Settings
from opsuite.shifts.access import authorize_see_opportunity
from opsuite.shifts.models import Opportunity, Shift
from opsuite.shifts.planning import get_shift

# A series' VTIMEZONE (and the window its occurrences are read in) reaches this far ahead,
# as an invitation's does (opsuite.meetings.ics.INVITATION_YEARS).
SERIES_YEARS = 2


@dataclass(frozen=True)
class Download:
    filename: str
    body: bytes


def _calendar(name: str, events: list[FeedEvent], *, method: str) -> bytes:
    starts = [e.start for e in events if isinstance(e.start, datetime)]
    ends = [e.end for e in events if isinstance(e.end, datetime)]
    first = min(starts, default=clock.now()).date()
    last = max([*ends, *starts], default=clock.now()).date()
    return build_calendar(name, events, first=first, last=last, method=method)


async def meeting_download(user: User, meeting_id: int, *, settings: Settings) -> Download:
    """The meeting (a series with its changed occurrences) for someone who may see it, with
    their own answers when they are invited. Raises NotFound, also for a meeting they may not
    see."""
    meeting = await meeting_for(user, meeting_id)
    now = clock.now()
    ends = meeting.last_ends_at or max(now, meeting.starts_at) + timedelta(days=366 * SERIES_YEARS)
    before = meeting.starts_at - timedelta(days=1)
    window = replace(
        window_for(settings, now),
        start=before,
        end=ends + timedelta(days=1),
        cancelled_since=before,
    )
    # Someone invited gets their own answers in it, as their feed has them (per occurrence too).
    events = await sources.meetings_of_person(
        user, window, ids=[meeting.id]
    ) or await sources.meeting_events(meeting.id, window)
    body = _calendar(meeting.title, events, method="PUBLISH")
    return Download(filename=f"meeting-{meeting.id}.ics", body=body)


def _shift_calendar(shift: Shift, *, settings: Settings, method: str) -> bytes:
    window = window_for(settings, clock.now())
    event = sources.shift_event(shift, window, sequence=shift.revision)
    if method == "CANCEL":
        event = replace(event, status="CANCELLED")
    return _calendar(event.summary, [event], method=method)


async def shift_download(user: User | None, shift_id: int, *, settings: Settings) -> Download:
    """The shift for anyone who may see its page. Raises NotFound or NotAuthenticated."""
    shift = await get_shift(shift_id)
    await authorize_see_opportunity(user, shift.opportunity)
    body = _shift_calendar(shift, settings=settings, method="PUBLISH")
    return Download(filename=f"shift-{shift.id}.ics", body=body)


def shift_attachment(
    shift: Shift, opportunity: Opportunity, method: str, settings: Settings
) -> str:
    """``opsuite.shifts.notices.calendar_writer``: the shift as a mail's calendar part."""
    shift.opportunity = opportunity
    return _shift_calendar(shift, settings=settings, method=method).decode()
