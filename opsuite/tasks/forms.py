"""Form fields for boards and tasks, and turning cleaned values into service input."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request

from opsuite.errors import FieldErrors, InvalidInput
from opsuite.tasks import queries
from opsuite.tasks.models import Priority, Visibility
from opsuite.tasks.service import MAX_DESCRIPTION, MAX_TITLE, TaskInput
from opsuite.web.forms import Field
from opsuite.web.http import query_flag, query_id
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext as L


def priority_labels() -> dict[str, str]:
    return {
        Priority.LOW: _("Low"),
        Priority.NORMAL: _("Normal"),
        Priority.HIGH: _("High"),
        Priority.URGENT: _("Urgent"),
    }


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


def task_input(cleaned: dict[str, Any], timezone: str) -> TaskInput:
    """Service input from a cleaned task form; a time turns the date into a due instant in
    the editor's zone."""
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
    )


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
