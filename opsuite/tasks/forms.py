"""Form fields for boards and tasks, and turning cleaned values into service input."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request

from opsuite.errors import FieldErrors, InvalidInput
from opsuite.tasks import queries
from opsuite.tasks.models import Priority, RepeatMode, RepeatUnit, Task, Visibility
from opsuite.tasks.service import (
    MAX_DESCRIPTION,
    MAX_EVERY,
    MAX_TITLE,
    Repeat,
    TaskInput,
    repeat_keeping_zone,
)
from opsuite.web.forms import Field
from opsuite.web.http import query_flag, query_id
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext as L
from opsuite.web.i18n import ngettext


def priority_labels() -> dict[str, str]:
    return dict(Priority.labels())


def repeat_words(repeat: Repeat | None) -> str:
    """ "Repeats every 2 weeks" (and from what the next due date counts), or ""."""
    if repeat is None:
        return ""
    n = repeat.every
    every = {
        RepeatUnit.DAYS: ngettext("Repeats every day", "Repeats every %(num)s days", n),
        RepeatUnit.WEEKS: ngettext("Repeats every week", "Repeats every %(num)s weeks", n),
        RepeatUnit.MONTHS: ngettext("Repeats every month", "Repeats every %(num)s months", n),
    }.get(RepeatUnit(repeat.unit), "")
    if repeat.mode == RepeatMode.FIXED_SCHEDULE:
        return _("%(every)s, on a fixed schedule", every=every)
    return _("%(every)s, counted from when it is done", every=every)


def visibility_labels() -> dict[str, str]:
    return {
        Visibility.MEMBERS: _("Members, the team and the program only"),
        Visibility.STAFF: _("Every staff member may read it"),
    }


def _date_check(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return _("Enter a date like 2026-03-31.")
    return None


def _time_check(value: str) -> str | None:
    try:
        time.fromisoformat(value)
    except ValueError:
        return _("Enter a time like 17:30, or leave it empty for all day.")
    return None


def board_fields(
    teams: Iterable[tuple[str, str]], programs: Iterable[tuple[str, str]]
) -> tuple[Field, ...]:
    team_choices, program_choices = list(teams), list(programs)
    return (
        Field("name", L("Name"), max_length=120),
        Field("description", L("Description"), kind="textarea", required=False, max_length=2000),
        Field("team_id", L("Team"), kind="select", required=False, choices=lambda: team_choices),
        Field(
            "program_id",
            L("Program"),
            kind="select",
            required=False,
            choices=lambda: program_choices,
        ),
        Field(
            "visibility",
            L("Who may see it"),
            kind="select",
            choices=lambda: visibility_labels().items(),
        ),
    )


def board_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": cleaned["name"],
        "description": cleaned["description"],
        "team_id": int(cleaned["team_id"]) if cleaned["team_id"] else None,
        "program_id": int(cleaned["program_id"]) if cleaned["program_id"] else None,
        "visibility": cleaned["visibility"],
    }


def task_fields(
    *,
    columns: Iterable[tuple[str, str]] = (),
    labels: Iterable[tuple[str, str]] = (),
    people: Iterable[tuple[str, str]] = (),
    creating: bool = False,
) -> tuple[Field, ...]:
    column_choices, label_choices, people_choices = list(columns), list(labels), list(people)
    fields = [
        Field("title", L("Title"), max_length=MAX_TITLE),
        Field(
            "description",
            L("Description"),
            kind="textarea",
            required=False,
            max_length=MAX_DESCRIPTION,
        ),
        Field("priority", L("Priority"), kind="select", choices=lambda: priority_labels().items()),
        Field(
            "due_date",
            L("Due date"),
            required=False,
            max_length=10,
            help=L("YYYY-MM-DD"),
            validate=_date_check,
        ),
        Field(
            "due_time",
            L("Due time"),
            required=False,
            max_length=5,
            help=L("HH:MM in your time zone; empty means all day"),
            validate=_time_check,
        ),
        Field("label_ids", L("Labels"), kind="multiselect", choices=lambda: label_choices),
        *REPEAT,
    ]
    if creating:
        fields.insert(
            1, Field("column_id", L("Column"), kind="select", choices=lambda: column_choices)
        )
        fields.append(
            Field(
                "assignee_ids", L("Assignees"), kind="multiselect", choices=lambda: people_choices
            )
        )
    return tuple(fields)


REPEAT = (
    Field(
        "repeat_every",
        L("Repeat every"),
        kind="int",
        required=False,
        help=L("How many days, weeks or months; leave it empty for a task that does not repeat"),
    ),
    # Not required: a task that does not repeat leaves them as they are (empty means the default).
    Field(
        "repeat_unit",
        L("Days, weeks or months"),
        kind="select",
        required=False,
        choices=RepeatUnit.choices,
    ),
    Field(
        "repeat_mode",
        L("Count the next due date"),
        kind="select",
        required=False,
        choices=RepeatMode.choices,
        help=L(
            "After it is done: from the day the task is finished. On a fixed schedule: from "
            "its due date, however late it was finished."
        ),
    ),
)


def repeat_input(cleaned: dict[str, Any], timezone: str, task: Task | None) -> Repeat | None:
    """The repeat rule of a cleaned task form; None when not set."""
    every = cleaned.get("repeat_every")
    if every is None:
        return None
    if not 1 <= every <= MAX_EVERY:
        raise FieldErrors({"repeat_every": _("Give a number from 1 to %(n)s.", n=MAX_EVERY)})
    unit = cleaned.get("repeat_unit") or RepeatUnit.WEEKS
    mode = cleaned.get("repeat_mode") or RepeatMode.AFTER_COMPLETION
    wanted = Repeat(every, unit, mode, timezone)
    return wanted if task is None else repeat_keeping_zone(wanted, task)


def task_input(cleaned: dict[str, Any], timezone: str, *, task: Task | None = None) -> TaskInput:
    """Service input from a cleaned task form; a time turns the date into a due instant in
    the editor's zone, and so does a new repeat rule (an unchanged one keeps its zone)."""
    due_date = date.fromisoformat(cleaned["due_date"]) if cleaned.get("due_date") else None
    due_at = None
    if cleaned.get("due_time"):
        if due_date is None:
            raise FieldErrors({"due_date": _("Give the date the time belongs to.")})
        at = time.fromisoformat(cleaned["due_time"])
        due_at = datetime.combine(due_date, at, tzinfo=ZoneInfo(timezone)).astimezone(UTC)
        due_date = None
    return TaskInput(
        title=cleaned["title"],
        description=cleaned.get("description", ""),
        priority=cleaned["priority"],
        due_date=due_date,
        due_at=due_at,
        label_ids=tuple(int(i) for i in cleaned.get("label_ids", [])),
        repeat=repeat_input(cleaned, timezone, task),
    )


NEW_TASK_INITIAL = {
    "priority": "normal",
    "repeat_unit": RepeatUnit.WEEKS.value,
    "repeat_mode": RepeatMode.AFTER_COMPLETION.value,
}


def task_initial(task: Any, label_ids: list[int], timezone: str) -> dict[str, Any]:
    due_date, due_time = "", ""
    if task.due_at is not None:
        local = task.due_at.astimezone(ZoneInfo(timezone))
        due_date, due_time = local.date().isoformat(), local.strftime("%H:%M")
    elif task.due_date is not None:
        due_date = task.due_date.isoformat()
    return {
        "title": task.title,
        "description": task.description,
        "priority": str(task.priority),
        "due_date": due_date,
        "due_time": due_time,
        "label_ids": [str(i) for i in label_ids],
        "repeat_every": "" if task.repeat_every is None else str(task.repeat_every),
        "repeat_unit": str(task.repeat_unit or RepeatUnit.WEEKS),
        "repeat_mode": str(task.repeat_mode or RepeatMode.AFTER_COMPLETION),
    }


COMMENT = (Field("body", L("Comment"), kind="textarea", max_length=5000),)
CHECKLIST = (Field("text", L("New checklist item"), max_length=200),)
LINK = (
    Field("url", L("Link (http or https)"), max_length=1000),
    Field("title", L("Title"), required=False, max_length=200),
)
LABEL = (
    Field("name", L("Label"), max_length=40),
    Field("color", L("Colour"), max_length=7, help=L("like #3366cc")),
)


def column_fields() -> tuple[Field, ...]:
    return (
        Field("name", L("Column name"), max_length=60),
        Field("wip_limit", L("Work-in-progress limit"), kind="int", required=False),
        Field("is_done", L("Tasks here are done"), kind="bool"),
    )


def member_fields(people: Iterable[tuple[str, str]]) -> tuple[Field, ...]:
    choices = list(people)
    return (
        Field("user_id", L("Person"), kind="select", choices=lambda: choices),
        Field("is_manager", L("May manage the board"), kind="bool"),
    )


def list_filters(request: Request) -> queries.TaskFilters:
    due_raw = request.query_params.get("due", "").strip()
    try:
        due = date.fromisoformat(due_raw) if due_raw else None
    except ValueError:
        raise InvalidInput(_("Enter a date like 2026-03-31."), field="due") from None
    status = request.query_params.get("status", "open")
    if status not in ("open", "done", "all"):
        raise InvalidInput(_("Choose from the list."), field="status")
    return queries.TaskFilters(
        board_id=query_id(request, "board"),
        assignee_id=query_id(request, "assignee"),
        label=request.query_params.get("label", "").strip()[:40],
        due_before=due,
        overdue=query_flag(request, "overdue"),
        program_id=query_id(request, "program"),
        status=status,
    )
