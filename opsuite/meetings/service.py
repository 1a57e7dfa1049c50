"""Meetings: create, change (whole series, one occurrence, this and following), skip, cancel,
RSVP and minutes. Every change bumps SEQUENCE, mails invitations (or cancellations) to
everyone affected and re-plans the meeting's reminders through notify."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import can, is_admin
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput, NotFound, PermissionDenied
from opsuite.meetings import ics, recurrence
from opsuite.meetings.access import sees_meeting
from opsuite.meetings.models import (
    Attendee,
    Meeting,
    MeetingStatus,
    Mode,
    OccurrenceChange,
    Response,
    Visibility,
)
from opsuite.meetings.occurrences import MAX_DURATION, Occurrence, expand_meeting
from opsuite.notify.reminders import Reminder, cancel_for, schedule_for
from opsuite.notify.service import enqueue_email
from opsuite.people.models import Program, Team, TeamMember
from opsuite.settings import Settings, secret_key
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone
from opsuite.web.text import is_web_link, line_problem, text_problem

MAX_ID = 2**31 - 1
REMINDER_HORIZON = timedelta(weeks=4)


@dataclass(frozen=True)
class AttendeeInput:
    user_id: int
    required: bool = True


@dataclass(frozen=True)
class MeetingInput:
    title: str
    timezone: str
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    description: str = ""
    mode: str = Mode.IN_PERSON
    location: str = ""
    video_url: str = ""
    agenda: str = ""
    rrule: str = ""
    team_id: int | None = None
    program_id: int | None = None
    attendees: tuple[AttendeeInput, ...] = ()
    visibility: str = Visibility.TEAM


@dataclass(frozen=True)
class OccurrenceInput:
    starts_at: datetime
    ends_at: datetime
    title: str = ""
    location: str = ""
    agenda: str = ""


# --- validation ---------------------------------------------------------------------------------


def check_text(
    errors: dict[str, str], *, lines: dict[str, str], areas: dict[str, str] | None = None
) -> None:
    """One-line fields (``lines``) hold no control characters; text areas (``areas``) keep
    only line breaks and tabs."""
    for name, value in lines.items():
        if problem := line_problem(value):
            errors.setdefault(name, problem)
    for name, value in (areas or {}).items():
        if problem := text_problem(value):
            errors.setdefault(name, problem)


def check_place(errors: dict[str, str], *, mode: str, location: str, video_url: str) -> None:
    """How people meet: a valid video link for online and hybrid, a place for in person."""
    if mode not in set(Mode):
        errors["mode"] = _("Choose from the list.")
    if video_url and not is_web_link(video_url):
        errors["video_url"] = _(
            "Give one web address starting with http:// or https://, without spaces or line "
            "breaks (at most 500 characters)."
        )
    elif mode in (Mode.ONLINE, Mode.HYBRID) and not video_url:
        errors["video_url"] = _("An online or hybrid meeting needs a video link.")
    if mode in (Mode.IN_PERSON, Mode.HYBRID) and not location.strip():
        errors["location"] = _("Say where people meet (a room or an address).")


def _check_times(starts_at: datetime, ends_at: datetime, errors: dict[str, str]) -> None:
    if ends_at <= starts_at:
        errors["end"] = _("The meeting must end after it starts.")
    elif ends_at - starts_at > MAX_DURATION:
        errors["end"] = _("A meeting may last at most 24 hours.")


async def validate_meeting(data: MeetingInput) -> MeetingInput:
    """The input with its rule normalized. Raises FieldErrors naming every bad field."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("This field is required.")
    if not is_timezone(data.timezone):
        errors["timezone"] = _("Unknown time zone; choose one such as Asia/Shanghai.")
    _check_times(data.starts_at, data.ends_at, errors)
    check_text(
        errors,
        lines={"title": data.title, "location": data.location, "rrule": data.rrule},
        areas={"description": data.description, "agenda": data.agenda},
    )
    check_place(errors, mode=data.mode, location=data.location, video_url=data.video_url)
    if data.visibility not in set(Visibility):
        errors["visibility"] = _("Choose from the list.")
    rule = ""
    if "timezone" not in errors and "end" not in errors:
        try:
            rule = recurrence.normalize_rule(
                data.rrule, starts_at=data.starts_at, timezone=data.timezone
            )
        except InvalidInput as exc:
            errors["rrule"] = exc.message
    user_ids = [a.user_id for a in data.attendees]
    if len(set(user_ids)) != len(user_ids):
        errors["attendees"] = _("Each person can be invited once.")
    elif user_ids:
        known = await User.filter(id__in=user_ids, is_active=True).count()
        if known != len(user_ids):
            errors["attendees"] = _("Some of the people invited are unknown or inactive.")
    if data.team_id is not None and not await Team.filter(id=data.team_id).exists():
        errors["team"] = _("Choose from the list.")
    if data.program_id is not None and not await Program.filter(id=data.program_id).exists():
        errors["program"] = _("Choose from the list.")
    if errors:
        raise FieldErrors(errors)
    return replace(data, rrule=rule)


# --- access -------------------------------------------------------------------------------------


async def can_edit(user: User, meeting: Meeting) -> bool:
    """The organizer, an admin, or a manager who runs the meeting's team or program (and may
    see it: an "attendees only" meeting is not theirs to change)."""
    if user.id == meeting.organizer_id or is_admin(user):
        return True
    if not await sees_meeting(user, meeting):
        return False
    if meeting.team_id is not None and await can(
        user, Cap.MANAGE, await Team.get(id=meeting.team_id)
    ):
        return True
    return meeting.program_id is not None and await can(
        user, Cap.MANAGE, await Program.get(id=meeting.program_id)
    )


async def can_see(user: User, meeting: Meeting) -> bool:
    """Whether the meeting's details are open to ``user`` (its visibility; see
    ``opsuite.meetings.access.visible_meetings``)."""
    return await sees_meeting(user, meeting)


async def get_meeting(meeting_id: int) -> Meeting:
    """Raises NotFound."""
    meeting = await Meeting.get_or_none(id=meeting_id).prefetch_related("organizer")
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return meeting


async def meeting_for(user: User, meeting_id: int) -> Meeting:
    """A meeting this person may see. Raises NotFound (also for one they may not see)."""
    meeting = await get_meeting(meeting_id)
    if not await can_see(user, meeting):
        # The same answer as for a meeting that does not exist: its title stays private.
        raise NotFound(_("No such meeting."))
    return meeting


async def meeting_to_edit(user: User, meeting_id: int) -> Meeting:
    """A meeting this person may change. Raises NotFound or PermissionDenied."""
    meeting = await meeting_for(user, meeting_id)
    if not await can_edit(user, meeting):
        raise PermissionDenied(_("Only the organizer can change this meeting."))
    return meeting


async def attendees_of(meeting: Meeting) -> list[Attendee]:
    rows = await Attendee.filter(meeting_id=meeting.id).prefetch_related("user")
    return sorted(rows, key=lambda a: (a.user_id != meeting.organizer_id, a.user.name))


async def changes_of(meeting: Meeting) -> list[OccurrenceChange]:
    return await OccurrenceChange.filter(meeting_id=meeting.id).order_by("original_start")


def _is_past(end: datetime) -> bool:
    return end <= clock.now()


# --- creating and changing ----------------------------------------------------------------------


def _fields(data: MeetingInput) -> dict[str, Any]:
    return {
        "title": data.title.strip(),
        "description": data.description,
        "timezone": data.timezone,
        "starts_at": data.starts_at.astimezone(ZoneInfo("UTC")),
        "ends_at": data.ends_at.astimezone(ZoneInfo("UTC")),
        "mode": data.mode,
        "location": data.location.strip(),
        "video_url": data.video_url.strip(),
        "agenda": data.agenda,
        "rrule": data.rrule,
        "team_id": data.team_id,
        "program_id": data.program_id,
        "visibility": data.visibility,
        "last_ends_at": recurrence.last_end(
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            timezone=data.timezone,
            rule_text=data.rrule,
        ),
    }


def _new_uid(settings: Settings) -> str:
    host = urlparse(settings.server.base_url).hostname or "opsuite.invalid"
    return f"{secrets.token_hex(16)}@{host}"


async def create_meeting(
    actor: User, data: MeetingInput, *, settings: Settings, split_from: Meeting | None = None
) -> Meeting:
    """Book a meeting (the organizer attends) and invite everyone. Raises FieldErrors."""
    data = await validate_meeting(data)
    now = clock.now()
    async with in_transaction():
        meeting = await Meeting.create(
            uid=_new_uid(settings),
            organizer=actor,
            created_at=now,
            updated_at=now,
            split_from=split_from,
            **_fields(data),
        )
        await _set_attendees(meeting, data.attendees, keep_answers=False)
        await record(actor, "meetings.meeting.created", meeting, title=meeting.title)
        # Inside the transaction: if an invitation cannot be written, nothing is booked.
        await announce(meeting, settings=settings, to_user_ids=None)
    return meeting


async def _set_attendees(
    meeting: Meeting, wanted: tuple[AttendeeInput, ...], *, keep_answers: bool
) -> tuple[set[int], set[int]]:
    """Make the attendee list ``wanted`` plus the organizer; returns (added, removed) ids."""
    current = {a.user_id: a for a in await Attendee.filter(meeting_id=meeting.id)}
    target = {a.user_id: a.required for a in wanted}
    target[meeting.organizer_id] = True
    removed = set(current) - set(target)
    added = set(target) - set(current)
    if removed:
        await Attendee.filter(meeting_id=meeting.id, user_id__in=list(removed)).delete()
    for user_id in added:
        is_organizer = user_id == meeting.organizer_id
        await Attendee.create(
            meeting=meeting,
            user_id=user_id,
            required=target[user_id],
            response=Response.ACCEPTED if is_organizer else Response.NEEDS_ACTION,
            responded_at=clock.now() if is_organizer else None,
        )
    for user_id, row in current.items():
        if user_id not in target:
            continue
        changed = row.required != target[user_id]
        if not keep_answers and user_id != meeting.organizer_id:
            changed = changed or row.response != Response.NEEDS_ACTION
            row.response, row.responded_at = Response.NEEDS_ACTION, None
        if changed:
            row.required = target[user_id]
            await row.save()
    return added, removed


def _timing_changed(meeting: Meeting, data: MeetingInput) -> bool:
    return (
        meeting.starts_at != data.starts_at
        or meeting.ends_at != data.ends_at
        or meeting.rrule != data.rrule
        or meeting.timezone != data.timezone
    )


async def update_meeting(
    actor: User, meeting: Meeting, data: MeetingInput, *, settings: Settings
) -> Meeting:
    """Change the whole meeting (every occurrence). Raises FieldErrors or InvalidInput.

    The time of a meeting or series that has already started cannot change (that would rewrite
    what happened); change this and following occurrences instead.
    """
    data = await validate_meeting(data)
    _refuse_cancelled(meeting)
    timing = _timing_changed(meeting, data)
    if timing and meeting.starts_at <= clock.now():
        message = (
            _("This series has already started; change this and following occurrences instead.")
            if meeting.rrule
            else _("This meeting is in the past; only its notes can change.")
        )
        raise InvalidInput(message, field="start")
    old_attendees = {a.user_id for a in await Attendee.filter(meeting_id=meeting.id)}
    async with in_transaction():
        for name, value in _fields(data).items():
            setattr(meeting, name, value)
        meeting.sequence += 1
        meeting.updated_at = clock.now()
        if timing:
            await _drop_exceptions_off_rule(meeting)
        await meeting.save()
        _added, removed = await _set_attendees(meeting, data.attendees, keep_answers=not timing)
        await record(actor, "meetings.meeting.changed", meeting, sequence=meeting.sequence)
        # Inside the transaction: a change whose mail cannot be written is not half-saved.
        await announce(meeting, settings=settings, to_user_ids=None)
        if removed:
            await _send_cancel(meeting, removed & old_attendees, settings=settings)
    return meeting


async def _drop_exceptions_off_rule(meeting: Meeting) -> None:
    """After the series' time or rule changed, skipped dates and changed occurrences that no
    longer fall on it would point at nothing: drop them."""
    changes = await OccurrenceChange.filter(meeting_id=meeting.id)
    keys = [recurrence.parse_stamp(s) for s in meeting.exdates]
    originals = [d for d in keys if d is not None] + [c.original_start for c in changes]
    if not originals:
        return
    on_rule = (
        set(
            recurrence.original_starts(
                starts_at=meeting.starts_at,
                timezone=meeting.timezone,
                rule_text=meeting.rrule,
                window_start=min(originals),
                window_end=max(originals) + timedelta(seconds=1),
            )
        )
        if max(originals) - min(originals) < recurrence.MAX_WINDOW
        else set()
    )
    meeting.exdates = [s for s in meeting.exdates if recurrence.parse_stamp(s) in on_rule]
    stale = [c.id for c in changes if c.original_start not in on_rule]
    if stale:
        await OccurrenceChange.filter(id__in=stale).delete()


def _refuse_cancelled(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise InvalidInput(_("This meeting was cancelled."))


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
        now = clock.now()
        following = await Meeting.create(
            uid=_new_uid(settings),
            organizer_id=meeting.organizer_id,
            created_at=now,
            updated_at=now,
            split_from=meeting,
            **_fields(data),
        )
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


def _part(rule: str, name: str) -> str | None:
    for part in rule.split(";"):
        key, _sep, value = part.partition("=")
        if key == name:
            return value
    return None


async def cancel_meeting(actor: User, meeting: Meeting, *, settings: Settings) -> None:
    """Cancel the meeting (every occurrence); everyone invited gets a cancellation."""
    _refuse_cancelled(meeting)
    async with in_transaction():
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        meeting.updated_at = clock.now()
        await meeting.save(update_fields=["status", "sequence", "updated_at"])
        await record(actor, "meetings.meeting.cancelled", meeting, title=meeting.title)
        attendees = await attendees_of(meeting)
        await _send_cancel(meeting, {a.user_id for a in attendees}, settings=settings)
        await cancel_for(item_key(meeting))


async def save_minutes(
    actor: User, meeting: Meeting, minutes: str, *, original_start: datetime | None = None
) -> None:
    """Notes after the meeting (for one occurrence of a series, when given)."""
    if len(minutes) > 50_000:
        raise FieldErrors({"minutes": _("The notes are too long (50,000 characters at most).")})
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


# --- RSVP ---------------------------------------------------------------------------------------


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


# --- invitations and reminders ------------------------------------------------------------------


def item_key(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}"


def page_url(meeting: Meeting, settings: Settings) -> str:
    return f"{settings.server.base_url.rstrip('/')}/meetings/{meeting.id}"


async def announce(meeting: Meeting, *, settings: Settings, to_user_ids: set[int] | None) -> None:
    """Mail the meeting as it now is (METHOD:REQUEST) to its attendees and re-plan reminders."""
    attendees = await attendees_of(meeting)
    text = ics.request(
        meeting,
        organizer=meeting.organizer,
        attendees=attendees,
        changes=await changes_of(meeting),
        page_url=page_url(meeting, settings),
    )
    people = [
        a.user
        for a in attendees
        if a.user_id != meeting.organizer_id and (to_user_ids is None or a.user_id in to_user_ids)
    ]
    await _mail(meeting, people, kind="meeting_invitation", ics_text=text, settings=settings)
    await plan_reminders(meeting, settings=settings)


async def _send_cancel(meeting: Meeting, user_ids: set[int], *, settings: Settings) -> None:
    if not user_ids:
        return
    people = await User.filter(id__in=list(user_ids - {meeting.organizer_id}))
    attendees = await attendees_of(meeting)
    text = ics.cancel(
        meeting,
        organizer=meeting.organizer,
        attendees=attendees,
        page_url=page_url(meeting, settings),
    )
    await _mail(meeting, people, kind="meeting_cancelled", ics_text=text, settings=settings)


async def _mail(
    meeting: Meeting,
    people: list[User],
    *,
    kind: str,
    ics_text: str,
    settings: Settings,
    extra: dict[str, object] | None = None,
) -> None:
    for person in people:
        await enqueue_email(
            kind=kind,
            to=person,
            context={
                "meeting": meeting,
                "organizer": meeting.organizer,
                "link": f"/meetings/{meeting.id}",
                "rsvp_url": rsvp_url(settings, meeting.id, person.id),
                "occurrence_start": None,
                **(extra or {}),
            },
            dedupe_key=f"{item_key(meeting)}:{kind}:{person.id}:{meeting.sequence}",
            settings=settings,
            item_key=f"{item_key(meeting)}:mail",
            ics=ics_text,
            timezone=meeting.timezone,  # for invitees who never told us their own
        )


async def plan_reminders(meeting: Meeting, *, settings: Settings) -> int:
    """One "meeting" reminder per attendee (not declined) per occurrence in the coming weeks.
    Recurring series are re-planned daily by ``extend_series_reminders`` as the horizon moves.
    """
    if meeting.is_cancelled:
        return await cancel_for(item_key(meeting))
    now = clock.now()
    changes = await changes_of(meeting)
    upcoming = expand_meeting(meeting, changes, now, now + REMINDER_HORIZON)
    attendees = [a for a in await attendees_of(meeting) if a.response != Response.DECLINED]
    reminders = [
        Reminder(
            recipient=a.user,
            kind="meeting",
            template="meeting_reminder",
            starts_at=o.start,
            context={
                "meeting": meeting,
                "title": o.title,
                "start": o.start,
                "end": o.end,
                "location": o.location,
                "link": f"/meetings/{meeting.id}",
            },
            timezone=meeting.timezone,
        )
        for o in upcoming
        if o.start > now
        for a in attendees
    ]
    return await schedule_for(item_key(meeting), reminders, settings=settings)


async def team_ids_of(user: User) -> list[int]:
    return [m.team_id for m in await TeamMember.filter(user_id=user.id)]


async def extend_series_reminders(*, settings: Settings) -> int:
    """The daily job: re-plan every live recurring meeting, so a weekly meeting keeps its
    reminders beyond the first weeks. Returns how many series were planned."""
    series = await Meeting.exclude(status=MeetingStatus.CANCELLED).exclude(rrule="")
    for meeting in series:
        await plan_reminders(meeting, settings=settings)
    return len(series)
