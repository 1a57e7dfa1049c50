"""Forms of the shifts area; the HTML pages and the JSON API validate through the same fields.
Forms whose choices depend on who asks (the programs they run, the people) are functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request

from opsuite import clock
from opsuite.auth.models import User
from opsuite.errors import InvalidInput
from opsuite.people.models import Program
from opsuite.shifts import listing, planning
from opsuite.shifts.models import Attendance, AvailabilityBlock, Opportunity, Shift
from opsuite.shifts.planning import EditScope, OpportunityInput, ShiftInput
from opsuite.shifts.service.availability import WeeklyBlock
from opsuite.wallclock import to_minute
from opsuite.web.forms import Field, parse_date, parse_end_time, parse_time
from opsuite.web.http import query_id
from opsuite.web.i18n import LANGUAGE_NAMES, current_locale, lazy_gettext
from opsuite.web.i18n import gettext as _

L = lazy_gettext

# A volunteer's swap step (offer, withdraw or take: service.SWAP_ACTIONS), from the shift page's
# buttons or the API's {"action": ...}.
SWAP = (
    Field(
        "action",
        L("Action"),
        kind="select",
        choices=lambda: [(a, a) for a in ("offer", "withdraw", "take")],
    ),
)
# A check-in or check-out: whose sign-up (the caller's own by default), and when a phone
# recorded it if it was sent later.
CHECK = (
    Field("signup_id", L("Sign-up"), kind="int", required=False),
    Field("happened_at", L("Time"), required=False, max_length=40),
)
Choices = list[tuple[str, Any]]


LIST_DAYS = 14


def viewer_zone(request: Request) -> ZoneInfo:
    return ZoneInfo(str(request.state.timezone))


def query_day(request: Request) -> date | None:
    raw = request.query_params.get("day", "").strip()
    if not raw:
        return None
    day = parse_date(raw)
    if day is None:
        raise InvalidInput(_("Enter a date like 2026-03-09."), field="day")
    return day


def remote_filter(request: Request) -> bool | None:
    raw = request.query_params.get("remote", "")
    if raw not in ("", "yes", "no"):
        raise InvalidInput(_("Choose from the list."), field="remote")
    return {"": None, "yes": True, "no": False}[raw]


def fits_filter(request: Request) -> bool:
    raw = request.query_params.get("fits", "")
    if raw not in ("", "1"):
        raise InvalidInput(_("Choose from the list."), field="fits")
    return raw == "1"


def filters_from(request: Request) -> tuple[listing.ShiftFilters, date]:
    """The open-shifts filters in the query (the list page and the API read the same ones)."""
    zone = viewer_zone(request)
    first = query_day(request) or clock.now().astimezone(zone).date()
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    skill = request.query_params.get("skill", "").strip()[:60]
    return (
        listing.ShiftFilters(
            program_id=query_id(request, "program"),
            start=start,
            end=start + timedelta(days=LIST_DAYS),
            skill=skill,
            remote=remote_filter(request),
            fits_availability=fits_filter(request),
        ),
        first,
    )


async def managed_choices(user: User) -> Choices:
    """The programs this person runs, for a program field."""
    return [(str(p.id), p.name) for p in await planning.managed_programs(user)]


async def program_choices() -> Choices:
    """Every active program, for logging off-site hours."""
    return [(str(p.id), p.name) for p in await Program.filter(is_active=True).order_by("name")]


def _date_error(value: str) -> str | None:
    return None if parse_date(value) else _("Enter a date like 2026-03-09.")


def _time_error(value: str) -> str | None:
    return None if parse_time(value) else _("Enter a time like 09:30.")


def opportunity_fields(programs: Choices) -> tuple[Field, ...]:
    return (
        Field("program_id", L("Program"), kind="select", choices=lambda: programs),
        Field("title", L("Title"), max_length=120),
        Field("description", L("Description"), kind="textarea", required=False, max_length=2000),
        Field("location", L("Location"), required=False),
        Field("is_remote", L("Remote (can be done from anywhere)"), kind="bool"),
        Field(
            "required_skills",
            L("Required skills"),
            kind="list",
            required=False,
            help=L("Separate skills with commas, e.g. First aid, Forklift."),
        ),
        Field("minimum_age", L("Minimum age"), kind="int", required=False),
        Field("training_note", L("Training needed"), required=False, max_length=500),
        Field("is_public", L("Public: anyone may see it and sign up without an account"), "bool"),
    )


def opportunity_initial(o: Opportunity) -> dict[str, Any]:
    return {
        "program_id": str(o.program_id),
        "title": o.title,
        "description": o.description,
        "location": o.location,
        "is_remote": o.is_remote,
        "required_skills": list(o.required_skills),
        "minimum_age": "" if o.minimum_age is None else str(o.minimum_age),
        "training_note": o.training_note,
        "is_public": o.is_public,
    }


def opportunity_input(cleaned: dict[str, Any]) -> OpportunityInput:
    return OpportunityInput(
        title=cleaned["title"],
        description=cleaned["description"],
        location=cleaned["location"],
        is_remote=cleaned["is_remote"],
        required_skills=tuple(cleaned["required_skills"]),
        minimum_age=cleaned["minimum_age"],
        training_note=cleaned["training_note"],
        is_public=cleaned["is_public"],
    )


def repeat_choices() -> Choices:
    return [
        ("weekly", _("Every week")),
        ("biweekly", _("Every two weeks")),
        ("daily", _("Every day")),
        ("monthly", _("Every month")),
    ]


def scope_choices() -> Choices:
    return [
        (EditScope.THIS.value, _("This shift only")),
        (EditScope.FOLLOWING.value, _("This and following shifts")),
        (EditScope.ALL.value, _("All upcoming shifts of the series")),
    ]


def _shift_core(people: Choices) -> tuple[Field, ...]:
    return (
        Field("day", L("Date"), validate=_date_error, help=L("YYYY-MM-DD")),
        Field("start", L("Starts at"), validate=_time_error, help=L("HH:MM, local time")),
        Field(
            "end",
            L("Ends at"),
            validate=_time_error,
            help=L("An end before the start means the next morning (an overnight shift)."),
        ),
        Field("timezone", L("Time zone"), kind="tz"),
        Field("capacity", L("Places"), kind="int"),
        Field("location", L("Location (if not the opportunity's)"), required=False),
        Field("notes", L("Notes"), kind="textarea", required=False, max_length=2000),
        Field("lead_id", L("Lead contact"), kind="select", required=False, choices=lambda: people),
    )


def shift_fields(people: Choices) -> tuple[Field, ...]:
    return (
        *_shift_core(people),
        Field("repeat", L("Repeat"), kind="select", required=False, choices=repeat_choices),
        Field("until", L("Repeat until"), required=False, validate=_date_error),
    )


def edit_fields(people: Choices) -> tuple[Field, ...]:
    return (
        *_shift_core(people),
        Field("scope", L("Apply to"), kind="select", choices=scope_choices),
    )


def edit_initial(shift: Shift) -> dict[str, Any]:
    """An existing shift as the edit form shows it, in the shift's own time zone."""
    zone = ZoneInfo(shift.timezone)
    start, end = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    return {
        "day": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "timezone": shift.timezone,
        "capacity": str(shift.capacity),
        "location": shift.location,
        "notes": shift.notes,
        "lead_id": str(shift.lead_id or ""),
        "scope": "this",
    }


def shift_input(cleaned: dict[str, Any]) -> ShiftInput:
    day, start, end = (
        parse_date(cleaned["day"]),
        parse_time(cleaned["start"]),
        parse_time(cleaned["end"]),
    )
    if day is None or start is None or end is None:  # the form's validators refuse these first
        raise InvalidInput(_("Enter a date like 2026-03-09."), field="day")
    lead = cleaned.get("lead_id") or None
    return ShiftInput(
        day=day,
        start=start,
        end=end,
        timezone=cleaned["timezone"],
        capacity=cleaned["capacity"],
        location=cleaned["location"],
        notes=cleaned["notes"],
        lead_id=int(lead) if lead else None,
    )


NEWCOMER = (
    Field("name", L("Your name"), max_length=120),
    Field("email", L("Your email"), kind="email", max_length=254),
)
MESSAGE = (
    Field("subject", L("Subject"), max_length=150),
    Field("body", L("Message"), kind="textarea", max_length=5000),
)
CANCEL_SHIFT = (Field("reason", L("Reason (told to everyone on the shift)"), required=False),)
CORRECT_HOURS = (
    Field("minutes", L("Minutes"), kind="int"),
    Field("note", L("Why"), required=False, max_length=500),
)
POLICY = (
    Field(
        "auto_promote",
        L("Move the next person up automatically when a place frees (no confirmation)"),
        kind="bool",
    ),
    Field("offer_hours", L("Hours a waitlist offer stays open"), kind="int"),
    Field(
        "approve_transfers",
        L("A coordinator approves each swap and hand-over before the place changes hands"),
        kind="bool",
    ),
    Field(
        "swaps_follow_waitlist",
        L("Offer a place put up for a swap to the waitlist first, in order"),
        kind="bool",
        help=L(
            "A place offered for a swap then goes to the first person on the waitlist for the "
            "same time as a waitlist offer, then to the next; only when nobody waiting takes it "
            "can anyone take it."
        ),
    ),
    Field(
        "late_cancel_hours",
        L("Hours before a shift within which a cancellation counts as late"),
        kind="int",
    ),
    Field(
        "invite_within_days",
        L('Offer "Invite available volunteers" for short shifts starting within (days)'),
        kind="int",
    ),
)


def policy_initial(policy: Any) -> dict[str, Any]:
    return {
        "auto_promote": policy.auto_promote,
        "offer_hours": str(policy.offer_hours),
        "approve_transfers": policy.approve_transfers,
        "swaps_follow_waitlist": policy.swaps_follow_waitlist,
        "late_cancel_hours": str(policy.late_cancel_hours),
        "invite_within_days": str(policy.invite_within_days),
    }


def handover_fields(candidates: Choices) -> tuple[Field, ...]:
    """Whom to hand one's place to: names only (no contact details), from the eligible ones."""
    return (Field("recipient_id", L("Volunteer"), kind="select", choices=lambda: candidates),)


def add_person_fields(people: Choices) -> tuple[Field, ...]:
    return (
        Field("user_id", L("Person"), kind="select", choices=lambda: people),
        Field("override_skills", L("Add even without the required skills"), kind="bool"),
    )


def attendance_choices() -> Choices:
    return [(Attendance.ATTENDED.value, _("Attended")), (Attendance.NO_SHOW.value, _("No-show"))]


ATTENDANCE = (Field("attendance", L("Attendance"), kind="select", choices=attendance_choices),)


def offsite_fields(programs: Choices) -> tuple[Field, ...]:
    return (
        Field("program_id", L("Program"), kind="select", choices=lambda: programs),
        Field("work_date", L("Date"), validate=_date_error, help=L("YYYY-MM-DD")),
        Field("minutes", L("Minutes"), kind="int"),
        Field("description", L("What you did"), max_length=500),
    )


# --- certificates of service ------------------------------------------------------------------


def certificate_fields(programs: Choices, volunteers: Choices | None = None) -> tuple[Field, ...]:
    """The period, program ("all" or an id) and language of a certificate of service; a
    coordinator also chooses the volunteer."""
    chosen = (
        (Field("volunteer", L("Volunteer"), kind="select", choices=lambda: volunteers),)
        if volunteers is not None
        else ()
    )
    return (
        *chosen,
        Field("period_start", L("From"), validate=_date_error, help=L("YYYY-MM-DD")),
        Field("period_end", L("To"), validate=_date_error, help=L("YYYY-MM-DD")),
        Field(
            "program",
            L("Program"),
            kind="select",
            choices=lambda: [("all", _("All programs")), *programs],
        ),
        Field("locale", L("Language"), kind="select", choices=lambda: list(LANGUAGE_NAMES.items())),
    )


def certificate_initial(today: date) -> dict[str, str]:
    """This year so far, every program, in the viewer's language."""
    start = today.replace(month=1, day=1)
    return {
        "period_start": start.isoformat(),
        "period_end": today.isoformat(),
        "program": "all",
        "locale": current_locale(),
    }


def certificate_input(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments from a valid certificate form."""
    program = cleaned["program"]
    return {
        "period_start": parse_date(cleaned["period_start"]) or date.min,
        "period_end": parse_date(cleaned["period_end"]) or date.min,
        "program_id": None if program == "all" else int(program),
        "locale": cleaned["locale"],
    }


# --- availability ---------------------------------------------------------------------------
# A day's stretches as people write them: "09:00-13:00, 18:00-21:00" (24:00 ends a day).


def weekday_names() -> list[str]:
    return [
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    ]


def parse_stretch(start: str, end: str, weekday: int, field: str) -> WeeklyBlock:
    """One stretch from its two times; raises InvalidInput naming ``field``."""
    begins, ends = parse_time(start), parse_end_time(end)
    if begins is None or ends is None or start.strip().startswith("24"):
        raise InvalidInput(_("Enter times like 09:00-13:00 (00:00 to 24:00)."), field=field)
    end_minute = to_minute(ends) or (24 * 60 if end.strip().startswith("24") else 0)
    return WeeklyBlock(weekday, to_minute(begins), end_minute)


def parse_day(text: str, weekday: int) -> list[WeeklyBlock]:
    field = f"day{weekday}"
    blocks = []
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        start, dash, end = part.replace("–", "-").partition("-")
        if not dash:
            raise InvalidInput(_("Enter times like 09:00-13:00 (00:00 to 24:00)."), field=field)
        blocks.append(parse_stretch(start, end, weekday, field))
    return blocks


def _day_error(weekday: int) -> Any:
    def check(value: str) -> str | None:
        try:
            parse_day(value, weekday)
        except InvalidInput as exc:
            return exc.message
        return None

    return check


def availability_fields() -> tuple[Field, ...]:
    return tuple(
        Field(
            f"day{i}",
            name,
            required=False,
            max_length=120,
            validate=_day_error(i),
            help=L("e.g. 09:00-13:00, 18:00-21:00"),
        )
        for i, name in enumerate(weekday_names())
    )


def availability_blocks(cleaned: dict[str, Any]) -> list[WeeklyBlock]:
    return [b for i in range(7) for b in parse_day(cleaned.get(f"day{i}", ""), i)]


def availability_initial(blocks: list[AvailabilityBlock]) -> dict[str, Any]:
    days: dict[str, list[str]] = {f"day{i}": [] for i in range(7)}
    for b in blocks:
        days[f"day{b.weekday}"].append(f"{minute_text(b.start_minute)}-{minute_text(b.end_minute)}")
    return {name: ", ".join(parts) for name, parts in days.items()}


def minute_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


BLACKOUT = (
    Field("first_day", L("First day"), validate=_date_error, help=L("YYYY-MM-DD")),
    Field("last_day", L("Last day"), validate=_date_error, help=L("YYYY-MM-DD")),
    Field("note", L("Note for coordinators"), required=False, max_length=200),
)
