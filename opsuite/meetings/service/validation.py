"""The input of a meeting (its dataclasses) and the rules it must pass: text, place, times,
time zone, repeat rule, team and program."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from opsuite.auth.models import User
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.meetings import recurrence
from opsuite.meetings.models import Mode, Visibility
from opsuite.meetings.occurrences import MAX_DURATION
from opsuite.people.models import Program, Team
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone
from opsuite.web.text import is_web_link, line_problem, text_problem

MAX_ID = 2**31 - 1


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
