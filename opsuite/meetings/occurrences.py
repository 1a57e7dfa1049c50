"""Occurrences of meetings in a window: series expanded, skipped dates removed, changed
occurrences moved (the same thing invitations publish as RRULE, EXDATE and RECURRENCE-ID)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q

from opsuite.meetings.models import Meeting, MeetingStatus, OccurrenceChange
from opsuite.meetings.recurrence import check_window, original_starts, parse_stamp

# Occurrences are looked up by original start; one that was moved can land up to this far away.
MAX_DURATION = timedelta(hours=24)


@dataclass(frozen=True)
class Occurrence:
    meeting: Meeting
    original_start: datetime
    start: datetime
    end: datetime
    title: str
    location: str
    changed: bool
    # Shown only as "busy": the viewer may not see this meeting's details (its visibility).
    private: bool = False

    @property
    def key(self) -> str:
        return self.original_start.strftime("%Y%m%dT%H%M%SZ")


def expand_meeting(
    meeting: Meeting, changes: list[OccurrenceChange], start: datetime, end: datetime
) -> list[Occurrence]:
    """The meeting's occurrences overlapping [start, end), in order."""
    duration = meeting.ends_at - meeting.starts_at
    skipped = {parse_stamp(s) for s in meeting.exdates}
    by_original = {c.original_start: c for c in changes}
    out: list[Occurrence] = []
    seen: set[datetime] = set()
    for original in original_starts(
        starts_at=meeting.starts_at,
        timezone=meeting.timezone,
        rule_text=meeting.rrule,
        window_start=start - MAX_DURATION,
        window_end=end,
    ):
        if original in skipped:
            continue
        seen.add(original)
        change = by_original.get(original)
        if change is not None:
            out.append(_changed(meeting, change))
        else:
            out.append(
                Occurrence(
                    meeting,
                    original,
                    original,
                    original + duration,
                    meeting.title,
                    meeting.location,
                    False,
                )
            )
    for change in changes:
        # A change moved from outside the looked-up window into it.
        if change.original_start not in seen and change.original_start not in skipped:
            out.append(_changed(meeting, change))
    return sorted(
        (o for o in out if o.end > start and o.start < end), key=lambda o: (o.start, o.meeting.id)
    )


def changes_the_occurrence(change: OccurrenceChange, duration: timedelta) -> bool:
    """Whether the change moves or edits the occurrence: notes alone (minutes kept for one
    occurrence) leave it as the series has it, in calendars too."""
    moved = change.starts_at != change.original_start
    return (
        moved
        or change.ends_at - change.starts_at != duration
        or bool(change.title or change.location or change.agenda)
    )


def _changed(meeting: Meeting, change: OccurrenceChange) -> Occurrence:
    return Occurrence(
        meeting,
        change.original_start,
        change.starts_at,
        change.ends_at,
        change.title or meeting.title,
        change.location or meeting.location,
        changes_the_occurrence(change, meeting.ends_at - meeting.starts_at),
    )


async def occurrences(
    meeting_ids: list[int] | None, start: datetime, end: datetime, *, extra: Q | None = None
) -> list[Occurrence]:
    """Occurrences of these meetings (or of meetings matching ``extra``) overlapping the
    window, in three queries at most. Raises InvalidInput for a window over 400 days."""
    check_window(start, end)
    query = Meeting.filter(status=MeetingStatus.SCHEDULED, starts_at__lt=end).filter(
        Q(last_ends_at__isnull=True) | Q(last_ends_at__gt=start)
    )
    if meeting_ids is not None:
        if not meeting_ids:
            return []
        query = query.filter(id__in=meeting_ids)
    if extra is not None:
        query = query.filter(extra)
    meetings = await query.prefetch_related("organizer")
    if not meetings:
        return []
    changes = await OccurrenceChange.filter(meeting_id__in=[m.id for m in meetings]).filter(
        Q(original_start__gte=start - MAX_DURATION, original_start__lt=end + MAX_DURATION)
        | Q(starts_at__lt=end, ends_at__gt=start)
    )
    by_meeting: dict[int, list[OccurrenceChange]] = defaultdict(list)
    for change in changes:
        by_meeting[change.meeting_id].append(change)
    out: list[Occurrence] = []
    for meeting in meetings:
        out.extend(expand_meeting(meeting, by_meeting[meeting.id], start, end))
    out.sort(key=lambda o: (o.start, o.meeting.id))
    return out
