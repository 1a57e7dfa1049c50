"""Schedule forms: leave requests, the weekly arrangement editor, exceptions, offices and
holidays. Each turns raw strings (HTML form or JSON) into the service's typed inputs, or into
field errors that land next to what was typed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from opsuite.errors import FieldErrors
from opsuite.schedules.models import (
    Accrual,
    ArrangementKind,
    CarryOver,
    ExceptionKind,
    Location,
    TimeOffKind,
)
from opsuite.schedules.service import (
    AllowanceInput,
    ArrangementInput,
    BlockInput,
    LeaveInput,
    PolicyInput,
)
from opsuite.schedules.service.allowances import FIRST_YEAR, LAST_YEAR, MAX_DAYS
from opsuite.web.forms import Field, Form, parse_date, parse_end_time
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext

SLOTS_PER_DAY = 2
MAX_HOURS_TARGET = Decimal("168")


def _date_error(value: Any) -> str | None:
    return None if parse_date(str(value)) else _("Enter a date like 2026-03-09.")


def _time_error(value: Any) -> str | None:
    return None if parse_end_time(str(value)) else _("Enter a time like 09:30.")


def _hours_error(value: Any) -> str | None:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        return _("Enter a number of hours like 37.5.")
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS_TARGET:
        return _("Enter a number of hours like 37.5.")
    return None


def date_field(name: str, label: Any, *, required: bool = True, help: Any = "") -> Field:
    return Field(
        name, label, kind="date", required=required, max_length=10, help=help, validate=_date_error
    )


def time_field(name: str, label: Any, *, required: bool = False) -> Field:
    return Field(name, label, kind="time", required=required, max_length=8, validate=_time_error)


def cleaned_date(cleaned: Mapping[str, Any], name: str) -> date:
    """A date field the form has already checked."""
    value = parse_date(str(cleaned.get(name) or ""))
    if value is None:
        raise FieldErrors({name: _("Enter a date like 2026-03-09.")})
    return value


def optional_time(cleaned: Mapping[str, Any], name: str) -> time | None:
    raw = cleaned.get(name) or ""
    return parse_end_time(raw) if raw else None


# --- labels -------------------------------------------------------------------------------------


def leave_kind_choices() -> list[tuple[str, Any]]:
    return TimeOffKind.choices()


def location_choices() -> list[tuple[str, Any]]:
    return Location.choices()


def arrangement_kind_choices() -> list[tuple[str, Any]]:
    return ArrangementKind.choices()


def exception_kind_choices() -> list[tuple[str, Any]]:
    return ExceptionKind.choices()


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


# --- leave --------------------------------------------------------------------------------------

LEAVE = (
    Field("kind", lazy_gettext("Kind of leave"), kind="select", choices=leave_kind_choices),
    date_field("start_date", lazy_gettext("First day")),
    date_field("end_date", lazy_gettext("Last day")),
    time_field("start_time", lazy_gettext("From (part of a day only)")),
    time_field("end_time", lazy_gettext("Until (part of a day only)")),
    Field("reason", lazy_gettext("Reason"), kind="textarea", required=False, max_length=500),
)


def leave_input(cleaned: Mapping[str, Any]) -> LeaveInput:
    return LeaveInput(
        kind=cleaned["kind"],
        start_date=cleaned_date(cleaned, "start_date"),
        end_date=cleaned_date(cleaned, "end_date"),
        start_time=optional_time(cleaned, "start_time"),
        end_time=optional_time(cleaned, "end_time"),
        reason=cleaned.get("reason", ""),
    )


DECISION = (Field("note", lazy_gettext("Note"), kind="textarea", required=False, max_length=500),)


# --- arrangement --------------------------------------------------------------------------------


def arrangement_fields(offices: Callable[[], Iterable[tuple[str, Any]]]) -> tuple[Field, ...]:
    return (
        Field("kind", lazy_gettext("Kind"), kind="select", choices=arrangement_kind_choices),
        date_field(
            "valid_from",
            lazy_gettext("Valid from"),
            help=lazy_gettext("Earlier weeks keep the arrangement they had."),
        ),
        Field("timezone", lazy_gettext("Time zone of these hours"), kind="tz", max_length=64),
        Field(
            "office_id", lazy_gettext("Main office"), kind="select", required=False, choices=offices
        ),
        time_field("core_start", lazy_gettext("Core hours from")),
        time_field("core_end", lazy_gettext("Core hours until")),
        time_field("window_start", lazy_gettext("Daily window from")),
        time_field("window_end", lazy_gettext("Daily window until")),
        Field(
            "weekly_hours_target",
            lazy_gettext("Weekly hours target"),
            required=False,
            max_length=8,
            validate=_hours_error,
        ),
        Field("note", lazy_gettext("Note"), kind="textarea", required=False, max_length=500),
    )


@dataclass(frozen=True)
class Cell:
    """One block slot of the weekly grid: weekday 0-6, slot 0-1."""

    weekday: int
    slot: int

    @property
    def prefix(self) -> str:
        return f"b{self.weekday}{self.slot}"


CELLS = tuple(Cell(d, s) for d in range(7) for s in range(SLOTS_PER_DAY))


@dataclass
class BlockGrid:
    """What was typed into the weekly grid, the blocks it makes, and errors per cell."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)  # prefix -> part -> text
    errors: dict[str, str] = field(default_factory=dict)  # prefix (or "blocks") -> message
    blocks: list[BlockInput] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # prefix of each block, in order

    @classmethod
    def blank(cls, blocks: Iterable[Any] = ()) -> BlockGrid:
        """A grid showing existing blocks (models or BlockInputs), two per day at most."""
        grid = cls()
        used: dict[int, int] = {}
        for block in blocks:
            slot = used.get(block.weekday, 0)
            if slot >= SLOTS_PER_DAY:
                continue
            used[block.weekday] = slot + 1
            office = getattr(block, "office_id", None)
            grid.values[Cell(block.weekday, slot).prefix] = {
                "start": block.start.strftime("%H:%M"),
                "end": block.end.strftime("%H:%M"),
                "location": str(block.location),
                "office": str(office) if office else "",
            }
        return grid

    @classmethod
    def bind(cls, data: Any, office_ids: set[int]) -> BlockGrid:
        grid = cls()
        for cell in CELLS:
            p = cell.prefix
            row = {
                part: str(data.get(f"{p}_{part}", "") or "").strip()
                for part in ("start", "end", "location", "office")
            }
            grid.values[p] = row
            grid._add(p, cell.weekday, row, office_ids)
        return grid

    @classmethod
    def from_json(cls, rows: Any, office_ids: set[int]) -> BlockGrid:
        """The API's ``blocks`` list; errors are keyed ``blocks.<n>`` like the service's."""
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise FieldErrors({"blocks": _("Expected a list of blocks.")})
        grid = cls()
        for n, row in enumerate(rows):
            weekday = row.get("weekday")
            if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
                grid.errors[f"blocks.{n}"] = _("Choose a day of the week.")
                continue
            text = {
                "start": str(row.get("start") or ""),
                "end": str(row.get("end") or ""),
                "location": str(row.get("location") or "office"),
                "office": str(row.get("office_id") or ""),
            }
            grid._add(f"blocks.{n}", weekday, text, office_ids, skip_blank=False)
        return grid

    def _add(
        self,
        key: str,
        weekday: int,
        row: dict[str, str],
        office_ids: set[int],
        *,
        skip_blank: bool = True,
    ) -> None:
        if skip_blank and not row["start"] and not row["end"]:
            return
        start, end = parse_end_time(row["start"]), parse_end_time(row["end"])
        location = row["location"] or Location.OFFICE
        office = int(row["office"]) if row["office"].isdigit() else None
        if start is None or end is None:
            self.errors[key] = _("Give a start and an end like 09:00 and 17:30.")
        elif location not in {loc.value for loc in Location}:
            self.errors[key] = _("Choose office, home or field.")
        elif row["office"] and office not in office_ids:
            self.errors[key] = _("Choose an office from the list.")
        else:
            self.blocks.append(BlockInput(weekday, start, end, location, office))
            self.cells.append(key)

    def absorb(self, errors: Mapping[str, str]) -> dict[str, str]:
        """Move the service's ``blocks.<n>`` errors onto their cells; return the others."""
        rest: dict[str, str] = {}
        for name, message in errors.items():
            if name.startswith("blocks."):
                index = int(name.split(".", 1)[1])
                key = self.cells[index] if index < len(self.cells) else "blocks"
                self.errors.setdefault(key, message)
            elif name == "blocks":
                self.errors.setdefault("blocks", message)
            else:
                rest[name] = message
        return rest


def _pair(form: Form, start: str, end: str, key: str) -> tuple[time, time] | None:
    first, last = optional_time(form.cleaned, start), optional_time(form.cleaned, end)
    if first is None and last is None:
        return None
    if first is None or last is None:
        form.add_error(key, _("Give both times, or neither."))
        return None
    return (first, last)


def arrangement_input(form: Form, grid: BlockGrid) -> ArrangementInput | None:
    """The typed arrangement, or None when the form or grid has errors. Pairs of times with
    one half missing become an error on ``core`` or ``window`` (where the service puts its
    own messages about them)."""
    if not form.is_valid:
        return None
    core = _pair(form, "core_start", "core_end", "core")
    window = _pair(form, "window_start", "window_end", "window")
    if form.errors or grid.errors:
        return None
    target = form.cleaned.get("weekly_hours_target") or ""
    office = form.cleaned.get("office_id") or ""
    return ArrangementInput(
        kind=form.cleaned["kind"],
        valid_from=cleaned_date(form.cleaned, "valid_from"),
        timezone=form.cleaned["timezone"],
        blocks=tuple(grid.blocks),
        office_id=int(office) if office else None,
        core=core,
        window=window,
        weekly_hours_target=Decimal(target) if target else None,
        note=form.cleaned.get("note", ""),
    )


def arrangement_initial(arrangement: Any, *, timezone: str, today: date) -> dict[str, Any]:
    """Form values from an existing arrangement (or a blank one in ``timezone``)."""
    if arrangement is None:
        return {"kind": "fixed", "valid_from": today.isoformat(), "timezone": timezone}

    def hhmm(value: time | None) -> str:
        return value.strftime("%H:%M") if value else ""

    target = arrangement.weekly_hours_target
    return {
        "kind": str(arrangement.kind),
        "valid_from": max(today, arrangement.valid_from).isoformat(),
        "timezone": arrangement.timezone,
        "office_id": str(arrangement.office_id) if arrangement.office_id else "",
        "core_start": hhmm(arrangement.core_start),
        "core_end": hhmm(arrangement.core_end),
        "window_start": hhmm(arrangement.window_start),
        "window_end": hhmm(arrangement.window_end),
        "weekly_hours_target": f"{target.normalize():f}" if target is not None else "",
        "note": "",
    }


# --- exceptions, offices, holidays --------------------------------------------------------------


def exception_fields(offices: Callable[[], Iterable[tuple[str, Any]]]) -> tuple[Field, ...]:
    return (
        date_field("day", lazy_gettext("Day")),
        Field("kind", lazy_gettext("Kind"), kind="select", choices=exception_kind_choices),
        time_field("start", lazy_gettext("From (extra days)")),
        time_field("end", lazy_gettext("Until (extra days)")),
        Field(
            "location",
            lazy_gettext("Where"),
            kind="select",
            required=False,
            choices=location_choices,
        ),
        Field("office_id", lazy_gettext("Office"), kind="select", required=False, choices=offices),
        Field("note", lazy_gettext("Note"), required=False, max_length=500),
    )


def exception_input(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The exception form's values as ``service.add_exception`` takes them."""
    return {
        "day": cleaned_date(cleaned, "day"),
        "kind": cleaned["kind"],
        "start": optional_time(cleaned, "start"),
        "end": optional_time(cleaned, "end"),
        "location": cleaned["location"] or None,
        "office_id": int(cleaned["office_id"]) if cleaned["office_id"] else None,
        "note": cleaned["note"],
    }


OFFICE = (
    Field("name", lazy_gettext("Name"), max_length=120),
    Field("timezone", lazy_gettext("Time zone"), kind="tz", max_length=64),
    Field("address", lazy_gettext("Address"), required=False, max_length=250),
)

HOLIDAY = (
    date_field("date", lazy_gettext("Day")),
    Field("name", lazy_gettext("Name"), max_length=200),
)


# --- leave policies and allowances --------------------------------------------------------------


def _days_number(value: Any) -> str | None:
    try:
        days = Decimal(str(value))
    except InvalidOperation:
        return _("Enter a number of days like 20 or 1.67.")
    if not days.is_finite() or days < 0 or days > MAX_DAYS or days != round(days, 2):
        return _("Enter a number of days like 20 or 1.67.")
    return None


def _year_error(value: Any) -> str | None:
    return None if FIRST_YEAR <= int(value) <= LAST_YEAR else _("Enter a year like 2026.")


def days_field(name: str, label: Any, *, required: bool = False, help: Any = "") -> Field:
    return Field(name, label, required=required, max_length=8, help=help, validate=_days_number)


def accrual_choices() -> list[tuple[str, Any]]:
    return Accrual.choices()


def carry_over_choices() -> list[tuple[str, Any]]:
    return CarryOver.choices()


POLICY = (
    Field("kind", lazy_gettext("Kind of leave"), kind="select", choices=leave_kind_choices),
    Field(
        "limited",
        lazy_gettext("Refuse requests past the balance"),
        kind="bool",
        required=False,
        help=lazy_gettext(
            "Leave it off for leave that is counted but not limited, such as sick leave."
        ),
    ),
    Field("accrual", lazy_gettext("How the days come"), kind="select", choices=accrual_choices),
    days_field(
        "days_per_year",
        lazy_gettext("Days a year (full time)"),
        help=lazy_gettext("For the whole year at once."),
    ),
    days_field(
        "days_per_month",
        lazy_gettext("Days a month (full time)"),
        help=lazy_gettext("For a share each month, e.g. 1.67."),
    ),
    Field(
        "carry_over", lazy_gettext("At the year change"), kind="select", choices=carry_over_choices
    ),
    days_field("carry_over_max", lazy_gettext("Carry over at most (days)")),
    Field(
        "full_time_hours",
        lazy_gettext("Full-time week (hours)"),
        max_length=8,
        validate=_hours_error,
        help=lazy_gettext("Part-time arrangements get the share of their weekly hours."),
    ),
    Field(
        "first_year",
        lazy_gettext("Balances count from the year"),
        kind="int",
        validate=_year_error,
    ),
)


def _decimal(cleaned: Mapping[str, Any], name: str) -> Decimal | None:
    raw = cleaned.get(name) or ""
    return Decimal(str(raw)) if raw != "" else None


def policy_input(cleaned: Mapping[str, Any]) -> PolicyInput:
    return PolicyInput(
        kind=cleaned["kind"],
        limited=bool(cleaned.get("limited")),
        accrual=cleaned["accrual"],
        days_per_year=_decimal(cleaned, "days_per_year") or Decimal(0),
        days_per_month=_decimal(cleaned, "days_per_month") or Decimal(0),
        carry_over=cleaned["carry_over"],
        carry_over_max=_decimal(cleaned, "carry_over_max") or Decimal(0),
        full_time_hours=_decimal(cleaned, "full_time_hours") or Decimal(40),
        first_year=int(cleaned["first_year"]),
    )


def number_text(value: Any) -> str:
    """A stored number as a field shows it (20, 1.67), or empty."""
    return f"{Decimal(value).normalize():f}" if value is not None else ""


def policy_initial(policy: Any, *, kind: str, year: int) -> dict[str, Any]:
    if policy is None:
        return {
            "kind": kind,
            "limited": kind == "vacation",
            "accrual": "yearly",
            "carry_over": "none",
            "full_time_hours": "40",
            "first_year": str(year),
        }

    return {
        "kind": str(policy.kind),
        "limited": policy.limited,
        "accrual": str(policy.accrual),
        "days_per_year": number_text(policy.days_per_year),
        "days_per_month": number_text(policy.days_per_month),
        "carry_over": str(policy.carry_over),
        "carry_over_max": number_text(policy.carry_over_max),
        "full_time_hours": number_text(policy.full_time_hours),
        "first_year": str(policy.first_year),
    }


ALLOWANCE = (
    Field("kind", lazy_gettext("Kind of leave"), kind="select", choices=leave_kind_choices),
    Field("year", lazy_gettext("Year"), kind="int", validate=_year_error),
    days_field(
        "days",
        lazy_gettext("Own allowance (days)"),
        help=lazy_gettext("Empty: the organisation's, pro-rated for part time."),
    ),
    days_field(
        "carried_over",
        lazy_gettext("Carried over from last year (days)"),
        help=lazy_gettext("Empty: by the rule of this kind of leave."),
    ),
)


def allowance_input(cleaned: Mapping[str, Any]) -> AllowanceInput:
    return AllowanceInput(
        kind=cleaned["kind"],
        year=int(cleaned["year"]),
        days=_decimal(cleaned, "days"),
        carried_over=_decimal(cleaned, "carried_over"),
    )
