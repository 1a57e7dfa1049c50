"""One occurrence of a series: change it, skip it, change this and the following ones (a new
series), and the notes (minutes) after a meeting or one occurrence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import FieldErrors, InvalidInput, NotFound
from opsuite.meetings import ics, recurrence
from opsuite.meetings.models import Meeting, OccurrenceChange
from opsuite.meetings.occurrences import MAX_DURATION, Occurrence, expand_meeting
from opsuite.meetings.service.invitations import _mail, announce, page_url
from opsuite.meetings.service.lookup import (
    _refuse_cancelled,
    answers_of_meeting,
    attendees_of,
    get_meeting,
)
from opsuite.meetings.service.meetings import _fields, _new_uid, _set_attendees, update_meeting
from opsuite.meetings.service.reminders import plan_reminders
from opsuite.meetings.service.validation import (
    MeetingInput,
    OccurrenceInput,
    _check_times,
    check_text,
    validate_meeting,
)
from opsuite.settings import Settings
from opsuite.web.i18n import gettext as _


def _is_past(end: datetime) -> bool:
    return end <= clock.now()


async def find_occurrence(meeting: Meeting, original_start: datetime) -> Occurrence:
    """The occurrence that originally started at ``original_start``. Raises NotFound."""
    changes = await OccurrenceChange.filter(meeting_id=meeting.id, original_start=original_start)
    for occurrence in expand_meeting(
        meeting,
        changes,
        original_start - MAX_DURATION,
        original_start + MAX_DURATION * 2,
    ):
        if occurrence.original_start == original_start:
            return occurrence
    raise NotFound(_("This meeting has no occurrence at that time."))


def _refuse_past(occurrence: Occurrence) -> None:
    if _is_past(occurrence.end):
        raise InvalidInput(_("This occurrence is in the past and cannot change."), field="start")


async def update_occurrence(
    actor: User,
    meeting: Meeting,
    original_start: datetime,
    data: OccurrenceInput,
    *,
    settings: Settings,
) -> OccurrenceChange:
    """Move or edit one occurrence of a series. Raises NotFound, FieldErrors or InvalidInput."""
    _refuse_cancelled(meeting)
    occurrence = await find_occurrence(meeting, original_start)
    _refuse_past(occurrence)
    errors: dict[str, str] = {}
    _check_times(data.starts_at, data.ends_at, errors)
    check_text(
        errors,
        lines={"title": data.title, "location": data.location},
        areas={"agenda": data.agenda},
    )
    if errors:
        raise FieldErrors(errors)
    async with in_transaction():
        meeting.sequence += 1
        meeting.updated_at = clock.now()
        await meeting.save(update_fields=["sequence", "updated_at"])
        change, _created = await OccurrenceChange.update_or_create(
            meeting_id=meeting.id,
            original_start=original_start,
            defaults={
                "starts_at": data.starts_at,
                "ends_at": data.ends_at,
                "title": data.title.strip(),
                "location": data.location.strip(),
                "agenda": data.agenda,
                "sequence": meeting.sequence,
            },
        )
        await record(
            actor,
            "meetings.occurrence.changed",
            meeting,
            occurrence=recurrence.stamp(original_start),
        )
        await announce(meeting, settings=settings, to_user_ids=None)
    return change


async def skip_occurrence(
    actor: User, meeting: Meeting, original_start: datetime, *, settings: Settings
) -> None:
    """Cancel one occurrence of a series (an EXDATE). Raises NotFound or InvalidInput."""
    _refuse_cancelled(meeting)
    occurrence = await find_occurrence(meeting, original_start)
    _refuse_past(occurrence)
    if not meeting.rrule:
        raise InvalidInput(_("This meeting does not repeat; cancel the meeting instead."))
    async with in_transaction():
        meeting.exdates = sorted({*meeting.exdates, recurrence.stamp(original_start)})
        meeting.sequence += 1
        meeting.updated_at = clock.now()
        await meeting.save(update_fields=["exdates", "sequence", "updated_at"])
        await OccurrenceChange.filter(meeting_id=meeting.id, original_start=original_start).delete()
        await answers_of_meeting(meeting.id).filter(original_start=original_start).delete()
        await record(
            actor,
            "meetings.occurrence.skipped",
            meeting,
            occurrence=recurrence.stamp(original_start),
        )
    attendees = await attendees_of(meeting)
    text = ics.cancel(
        meeting,
        organizer=meeting.organizer,
        attendees=attendees,
        page_url=page_url(meeting, settings),
        occurrence=original_start,
    )
    await _mail(
        meeting,
        [a.user for a in attendees if a.user_id != meeting.organizer_id],
        kind="meeting_cancelled",
        ics_text=text,
        settings=settings,
        extra={"occurrence_start": occurrence.start},
    )
    await plan_reminders(meeting, settings=settings)


async def update_following(
    actor: User,
    meeting: Meeting,
    original_start: datetime,
    data: MeetingInput,
    *,
    settings: Settings,
) -> Meeting:
    """Change this occurrence and all after it: the series ends before it (UNTIL) and a new
    series with its own UID carries on. Returns the new series. Raises NotFound, FieldErrors
    or InvalidInput."""
    _refuse_cancelled(meeting)
    if not meeting.rrule:
        raise InvalidInput(_("This meeting does not repeat."))
    if original_start == meeting.starts_at:
        return await update_meeting(actor, meeting, data, settings=settings)
    occurrence = await find_occurrence(meeting, original_start)
    _refuse_past(occurrence)
    rule = data.rrule
    count = _part(meeting.rrule, "COUNT")
    if count is not None and data.rrule == meeting.rrule:
        before = recurrence.count_before(
            starts_at=meeting.starts_at,
            timezone=meeting.timezone,
            rule_text=meeting.rrule,
            before=original_start,
        )
        rule = recurrence.set_part(meeting.rrule, "COUNT", str(max(int(count) - before, 1)))
    data = await validate_meeting(replace(data, rrule=rule))
    async with in_transaction():
        old_rule = recurrence.set_part(meeting.rrule, "COUNT", None)
        meeting.rrule = recurrence.set_part(
            old_rule, "UNTIL", recurrence.until_before(original_start)
        )
        later_skips = [
            d
            for d in (recurrence.parse_stamp(s) for s in meeting.exdates)
            if d is not None and d > original_start
        ]
        meeting.exdates = [
            s
            for s in meeting.exdates
            if (recurrence.parse_stamp(s) or original_start) < original_start
        ]
        meeting.last_ends_at = recurrence.last_end(
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            timezone=meeting.timezone,
            rule_text=meeting.rrule,
        )
        meeting.sequence += 1
        meeting.updated_at = clock.now()
        await meeting.save()
        await OccurrenceChange.filter(
            meeting_id=meeting.id, original_start__gte=original_start
        ).delete()
        await answers_of_meeting(meeting.id).filter(original_start__gte=original_start).delete()
        now = clock.now()
        following = await Meeting.create(
            uid=_new_uid(settings),
            organizer_id=meeting.organizer_id,
            created_at=now,
            updated_at=now,
            split_from=meeting,
            **_fields(data),
        )
        following.exdates = _carried_skips(meeting, original_start, following, later_skips)
        await following.save(update_fields=["exdates"])
        await _set_attendees(following, data.attendees, keep_answers=False)
        await record(
            actor,
            "meetings.series.split",
            meeting,
            occurrence=recurrence.stamp(original_start),
            new_meeting=following.id,
        )
        following = await get_meeting(following.id)
        await announce(meeting, settings=settings, to_user_ids=None)
        await announce(following, settings=settings, to_user_ids=None)
    return following


def _carried_skips(
    old: Meeting, split_at: datetime, new: Meeting, skipped: list[datetime]
) -> list[str]:
    """The old series' skipped dates after the split, as the new series' EXDATEs: each one moved
    by as many days as the split occurrence moved (a Tuesday meeting moved to Wednesdays skips
    the Wednesday), kept where the new rule still meets on that day."""
    old_zone, new_zone = ZoneInfo(old.timezone), ZoneInfo(new.timezone)
    shift = new.starts_at.astimezone(new_zone).date() - split_at.astimezone(old_zone).date()
    out: set[str] = set()
    for instant in skipped:
        day = instant.astimezone(old_zone).date() + shift
        around = datetime.combine(day, time(), tzinfo=new_zone).astimezone(UTC)
        for start in recurrence.original_starts(
            starts_at=new.starts_at,
            timezone=new.timezone,
            rule_text=new.rrule,
            window_start=around - timedelta(days=1),
            window_end=around + timedelta(days=2),
        ):
            if start.astimezone(new_zone).date() == day:
                out.add(recurrence.stamp(start))
    return sorted(out)


def _part(rule: str, name: str) -> str | None:
    for part in rule.split(";"):
        key, _sep, value = part.partition("=")
        if key == name:
            return value
    return None


async def save_minutes(
    actor: User, meeting: Meeting, minutes: str, *, original_start: datetime | None = None
) -> None:
    """Notes after the meeting (for one occurrence of a series, when given)."""
    if len(minutes) > 50_000:
        raise FieldErrors({"minutes": _("The notes are too long (50,000 characters at most).")})
    errors: dict[str, str] = {}
    check_text(errors, lines={}, areas={"minutes": minutes})
    if errors:
        raise FieldErrors(errors)
    if original_start is None or not meeting.rrule:
        meeting.minutes = minutes
        await meeting.save(update_fields=["minutes"])
    else:
        occurrence = await find_occurrence(meeting, original_start)
        await OccurrenceChange.update_or_create(
            meeting_id=meeting.id,
            original_start=original_start,
            defaults={"starts_at": occurrence.start, "ends_at": occurrence.end, "minutes": minutes},
        )
    await record(actor, "meetings.minutes.saved", meeting)
