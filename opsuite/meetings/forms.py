"""The meeting form and find-a-time form: fields, and turning cleaned values into service input.

Times are typed as a date and wall-clock times in the meeting's zone; JSON clients use the same
fields (``date``, ``start_time``, ``end_time``, ``timezone``), so errors name the same fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from opsuite.auth.models import User
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.meetings.recurrence import preset_rule
from opsuite.meetings.service import AttendeeInput, MeetingInput, OccurrenceInput
from opsuite.web.forms import Field, Form, parse_date, parse_time
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext

L = lazy_gettext


def _date_error(value: Any) -> str | None:
    return None if parse_date(str(value)) else _("Enter a date like 2026-03-09.")


def _time_error(value: Any) -> str | None:
    return None if parse_time(str(value)) else _("Enter a time like 09:30.")


def mode_choices() -> list[tuple[str, str]]:
    return [("in_person", _("In person")), ("online", _("Online")), ("hybrid", _("Hybrid"))]


def visibility_choices() -> list[tuple[str, str]]:
    return [
        ("team", _("My teams and the meeting's team")),
        ("attendees", _("Only the people invited")),
        ("organisation", _("All staff")),
    ]


def repeat_choices() -> list[tuple[str, str]]:
    return [
        ("", _("Does not repeat")),
        ("daily", _("Every day")),
        ("weekdays", _("Every weekday (Monday to Friday)")),
        ("weekly", _("Every week on this weekday")),
        ("biweekly", _("Every other week on this weekday")),
        ("monthly_weekday", _("Monthly on this weekday (e.g. the first Monday)")),
        ("monthly_day", _("Monthly on this day of the month")),
        ("custom", _("Custom rule (RRULE)")),
    ]


def meeting_fields(
    people: Iterable[tuple[str, str]],
    teams: Iterable[tuple[str, str]],
    programs: Iterable[tuple[str, str]],
) -> tuple[Field, ...]:
    people_list, team_list, program_list = list(people), list(teams), list(programs)
    return (
        Field("title", L("Title")),
        Field("description", L("Description"), kind="textarea", required=False, max_length=5000),
        Field("date", L("Date"), validate=_date_error, help=L("YYYY-MM-DD")),
        Field("start_time", L("Starts at"), validate=_time_error, help=L("HH:MM")),
        Field("end_time", L("Ends at"), validate=_time_error, help=L("HH:MM")),
        Field("timezone", L("Time zone"), kind="tz", help=L("The times above are in this zone.")),
        Field("mode", L("How people meet"), kind="select", choices=mode_choices),
        Field("location", L("Room or address"), required=False, max_length=300),
        Field("video_url", L("Video link"), required=False, max_length=500),
        Field("agenda", L("Agenda"), kind="textarea", required=False, max_length=10000),
        Field("repeat", L("Repeats"), kind="select", required=False, choices=repeat_choices),
        Field("repeat_until", L("Repeat until"), required=False, validate=_date_error),
        Field("repeat_count", L("Number of times"), kind="int", required=False),
        Field(
            "rrule",
            L("Custom rule"),
            required=False,
            max_length=300,
            help=L("For example FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10"),
        ),
        Field("team", L("Team"), kind="select", required=False, choices=lambda: team_list),
        Field(
            "visibility",
            L("Who sees the details"),
            kind="select",
            required=False,
            choices=visibility_choices,
            help=L(
                "Title, agenda, video link and minutes. Everyone else sees only that the people"
                " invited are busy. Choose “Only the people invited” for one-to-ones and HR"
                " matters."
            ),
        ),
        Field("program", L("Program"), kind="select", required=False, choices=lambda: program_list),
        Field("required", L("Required"), kind="multiselect", choices=lambda: people_list),
        Field("optional", L("Optional"), kind="multiselect", choices=lambda: people_list),
    )


def person_choices(people: Iterable[User]) -> list[tuple[str, str]]:
    return [(str(p.id), f"{p.name} ({p.timezone})") for p in people]


def _instant(day: date, at: time, zone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


def meeting_input(cleaned: dict[str, Any]) -> MeetingInput:
    """Service input from a valid form. Raises FieldErrors (e.g. both Required and Optional)."""
    day = parse_date(cleaned["date"])
    start, end = parse_time(cleaned["start_time"]), parse_time(cleaned["end_time"])
    assert day is not None  # the form validated it  # nosec B101
    assert start is not None  # the form validated it  # nosec B101
    assert end is not None  # the form validated it  # nosec B101
    zone = cleaned["timezone"]
    starts_at = _instant(day, start, zone)
    ends_at = _instant(day, end, zone)
    repeat = cleaned.get("repeat", "")
    if repeat == "custom":
        rule = cleaned.get("rrule", "")
        if not rule:
            raise FieldErrors({"rrule": _("Type the rule, or choose a simpler repeat.")})
    else:
        until = parse_date(cleaned.get("repeat_until") or "")
        count = cleaned.get("repeat_count")
        if count is not None and not 1 <= count <= 1000:
            raise FieldErrors({"repeat_count": _("Between 1 and 1000 times.")})
        rule = preset_rule(repeat, day, until=until, count=count) if repeat else ""
    required = [int(v) for v in cleaned.get("required", [])]
    optional = [int(v) for v in cleaned.get("optional", [])]
    if set(required) & set(optional):
        raise FieldErrors({"optional": _("Someone is both required and optional.")})
    return MeetingInput(
        title=cleaned["title"],
        description=cleaned.get("description", ""),
        timezone=zone,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=cleaned["mode"],
        location=cleaned.get("location", ""),
        video_url=cleaned.get("video_url", ""),
        agenda=cleaned.get("agenda", ""),
        rrule=rule,
        team_id=int(cleaned["team"]) if cleaned.get("team") else None,
        program_id=int(cleaned["program"]) if cleaned.get("program") else None,
        visibility=cleaned.get("visibility") or "team",
        attendees=tuple(AttendeeInput(i, True) for i in required)
        + tuple(AttendeeInput(i, False) for i in optional),
    )


def occurrence_input(cleaned: dict[str, Any]) -> OccurrenceInput:
    data = meeting_input({**cleaned, "repeat": ""})
    return OccurrenceInput(data.starts_at, data.ends_at, data.title, data.location, data.agenda)


# The service names fields after the meeting; the form splits them differently.
SERVICE_FIELDS = {"start": "start_time", "end": "end_time", "attendees": "required"}


def absorb(form: Form, error: FieldErrors | InvalidInput) -> None:
    """Put a service error next to the form field it is about."""
    errors = (
        error.errors if isinstance(error, FieldErrors) else {error.field or "date": error.message}
    )
    for name, message in errors.items():
        form.add_error(SERVICE_FIELDS.get(name, name), message)


def find_fields(people: Iterable[tuple[str, str]]) -> tuple[Field, ...]:
    people_list = list(people)
    return (
        Field("required", L("Required"), kind="multiselect", choices=lambda: people_list),
        Field("optional", L("Optional"), kind="multiselect", choices=lambda: people_list),
        Field("duration", L("Length in minutes"), kind="int"),
        Field("from_date", L("From"), validate=_date_error, help=L("YYYY-MM-DD")),
        Field("to_date", L("To (inclusive)"), validate=_date_error, help=L("YYYY-MM-DD")),
    )


def poll_fields() -> tuple[Field, ...]:
    """What a poll sent from find-a-time asks besides the times: its title and how people
    meet (in person unless chosen otherwise, so no video link is needed by default)."""
    return (
        Field("title", L("Title")),
        Field("mode", L("How people meet"), kind="select", choices=mode_choices),
        Field("location", L("Room or address"), required=False, max_length=300),
        Field("video_url", L("Video link"), required=False, max_length=500),
    )


POLL_INITIAL = {"mode": "in_person"}


def bind(fields: tuple[Field, ...], data: Any) -> Form:
    return Form.bind(fields, data)
