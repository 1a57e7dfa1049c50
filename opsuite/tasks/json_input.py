"""The tasks API's request bodies: JSON values checked one field at a time (a wrong type is a
400 naming the field) and turned into the service's input."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from opsuite.errors import FieldErrors, InvalidInput
from opsuite.tasks import schemas, service
from opsuite.tasks.models import Task, TaskLabel
from opsuite.web.i18n import gettext as _


def fields_of(schema: dict[str, Any]) -> set[str]:
    return set(schema["properties"])


def only(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidInput(_("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])


def text(body: dict[str, Any], name: str, default: str = "") -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise InvalidInput(_("Expected text."), field=name)
    return value


def whole_number(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise InvalidInput(_("Enter a whole number."), field=name)
    return value


def flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise InvalidInput(_("Expected true or false."), field=name)
    return value


def ids(body: dict[str, Any], name: str) -> tuple[int, ...]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 for v in value
    ):
        raise InvalidInput(_("Expected a list of ids."), field=name)
    return tuple(value)


def due(body: dict[str, Any], task: Task | None) -> tuple[date | None, datetime | None]:
    due_date = task.due_date if task else None
    due_at = task.due_at if task else None
    try:
        if "due_date" in body:
            raw = body["due_date"]
            due_date = date.fromisoformat(raw) if raw else None
            due_at = None if raw else due_at
        if "due_at" in body:
            raw = body["due_at"]
            due_at = datetime.fromisoformat(raw) if raw else None
            if due_at is not None and due_at.tzinfo is None:
                raise InvalidInput(
                    _("Give the time zone, e.g. 2026-03-31T17:00:00+08:00."), field="due_at"
                )
            due_date = None if due_at else due_date
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter a date like 2026-03-31."), field="due_date") from None
    return due_date, due_at


def repeat(body: dict[str, Any], task: Task | None, timezone: str) -> service.Repeat | None:
    """The ``repeat`` object (null stops it; absent keeps the task's). Without a ``timezone``
    an unchanged rule keeps its zone and a new one takes the caller's."""
    current = service.repeat_of(task) if task is not None else None
    if "repeat" not in body:
        return current
    raw = body["repeat"]
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidInput(_("Expected an object, or null for no repeat."), field="repeat")
    only(raw, fields_of(schemas.REPEAT))
    every = raw.get("every")
    if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= service.MAX_EVERY:
        raise InvalidInput(
            _("Give a number from 1 to %(n)s.", n=service.MAX_EVERY), field="repeat.every"
        )
    unit = text(raw, "unit", current.unit if current else "weeks")
    mode = text(raw, "mode", current.mode if current else "after_completion")
    wanted = service.Repeat(every, unit, mode, text(raw, "timezone", timezone))
    if "timezone" in raw or task is None:
        return wanted
    return service.repeat_keeping_zone(wanted, task)


async def task_input(
    body: dict[str, Any], task: Task | None, *, timezone: str
) -> service.TaskInput:
    due_date, due_at = due(body, task)
    labels: tuple[int, ...] = ()
    if "label_ids" in body:
        labels = ids(body, "label_ids")
    elif task is not None:
        current = await TaskLabel.filter(task_id=task.id).values_list("label_id", flat=True)
        labels = tuple(cast(list[int], current))
    return service.TaskInput(
        title=text(body, "title", task.title if task else ""),
        description=text(body, "description", task.description if task else ""),
        priority=text(body, "priority", str(task.priority) if task else "normal"),
        due_date=due_date,
        due_at=due_at,
        label_ids=labels,
        repeat=repeat(body, task, timezone),
    )


def board_values(body: dict[str, Any], board: Any = None) -> dict[str, Any]:
    only(body, fields_of(schemas.BOARD_REQUEST))
    name = text(body, "name", board.name if board else "").strip()
    description = text(body, "description", board.description if board else "")
    errors = {}
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 120:
        errors["name"] = _(
            "At most %(n)s characters, please (you typed %(typed)s).", n=120, typed=len(name)
        )
    if len(description) > 2000:
        errors["description"] = _(
            "At most %(n)s characters, please (you typed %(typed)s).",
            n=2000,
            typed=len(description),
        )
    if errors:
        raise FieldErrors(errors)
    return {
        "name": name,
        "description": description,
        "team_id": whole_number(body, "team_id")
        if "team_id" in body
        else (board.team_id if board else None),
        "program_id": whole_number(body, "program_id")
        if "program_id" in body
        else (board.program_id if board else None),
        "visibility": text(body, "visibility", str(board.visibility) if board else "members"),
    }
