"""The schedules API's typed bodies (opsuite.web.typed): what a route validates its JSON with
and what the OpenAPI document shows. The forms (opsuite.schedules.forms) still check the
domain rules after them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from opsuite.schedules.models import (
    ArrangementKind,
    ArrangementStatus,
    ExceptionKind,
    Location,
    TimeOffKind,
    TimeOffStatus,
)
from opsuite.web.typed import DateText, Flag, RequestBody, ResponseBody, TimeText, TimeZone, absent

MAX_HOLIDAY_FILE = 1_000_000  # characters, as the page's upload limit in bytes
HHMM = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$")]
Weekday = Annotated[int, Field(ge=0, le=6, description="0 is Monday")]
Note = Annotated[str, Field(max_length=500)]

# --- arrangements -------------------------------------------------------------------------------


class BlockInput(RequestBody):
    weekday: Weekday
    start: TimeText
    end: TimeText
    location: Location = absent()
    office_id: int | None = None


class ArrangementInput(RequestBody):
    kind: ArrangementKind
    valid_from: DateText
    timezone: TimeZone
    office_id: int | None = None
    core_start: TimeText | None = None
    core_end: TimeText | None = None
    window_start: TimeText | None = None
    window_end: TimeText | None = None
    weekly_hours_target: int | float | str | None = None
    note: str = absent()
    blocks: list[BlockInput]


class BlockJson(ResponseBody):
    weekday: Weekday
    start: HHMM
    end: HHMM
    location: Location = absent()
    office_id: int | None = absent()


class ArrangementJson(ResponseBody):
    id: int
    kind: ArrangementKind
    status: ArrangementStatus
    valid_from: DateText
    timezone: str
    office_id: int | None = absent()
    core_start: HHMM | None = absent()
    core_end: HHMM | None = absent()
    window_start: HHMM | None = absent()
    window_end: HHMM | None = absent()
    weekly_hours_target: float | None = absent()
    note: str = absent()
    blocks: list[BlockJson]


class ArrangementPage(ResponseBody):
    person_id: int
    current: ArrangementJson | None
    history: list[ArrangementJson]


class ProposalDecision(RequestBody):
    approve: Flag = Field(description="true puts it in force, false rejects it")


# --- leave --------------------------------------------------------------------------------------


class LeaveInput(RequestBody):
    kind: TimeOffKind
    start_date: DateText
    end_date: DateText
    start_time: TimeText | None = None
    end_time: TimeText | None = None
    reason: str = absent()


class LeaveJson(ResponseBody):
    id: int
    user_id: int
    kind: TimeOffKind
    status: TimeOffStatus
    start_date: DateText
    end_date: DateText
    start_time: HHMM | None = absent()
    end_time: HHMM | None = absent()
    reason: str = absent()
    decision_note: str = absent()


class LeaveDecision(RequestBody):
    approve: Flag
    note: Note = absent()


# --- exceptions ---------------------------------------------------------------------------------


class ExceptionInput(RequestBody):
    day: DateText
    kind: ExceptionKind = Field(
        description="day_off: a working day off; extra: work on a day off (give start and "
        "end); move: the same hours in another place"
    )
    start: TimeText | None = None
    end: TimeText | None = None
    location: Location | None = None
    office_id: int | None = None
    note: Note = absent()


class ExceptionJson(ResponseBody):
    id: int
    user_id: int
    date: DateText
    kind: ExceptionKind
    start: HHMM | None
    end: HHMM | None
    location: Location | None
    office_id: int | None
    note: str = absent()


# --- offices and holidays -----------------------------------------------------------------------


class OfficeInput(RequestBody):
    name: Annotated[str, Field(max_length=120)]
    timezone: TimeZone
    address: Annotated[str, Field(max_length=250)] = absent()


class OfficeJson(ResponseBody):
    id: int
    name: str
    timezone: str
    address: str


class HolidayInput(RequestBody):
    date: DateText
    name: Annotated[str, Field(max_length=200)]


class HolidayJson(ResponseBody):
    date: DateText
    name: str


class HolidayFile(RequestBody):
    content: Annotated[str, Field(max_length=MAX_HOLIDAY_FILE)] = Field(
        description="the file's text: CSV rows of date,name (a header row allowed), or an "
        "iCalendar file (BEGIN:VCALENDAR) whose events are the holidays"
    )


class HolidayImportJson(ResponseBody):
    added: int
    updated: int
