"""JSON shapes of the tasks API (documented in the OpenAPI document) and their builders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from opsuite.tasks import service
from opsuite.tasks.models import (
    Attachment,
    Board,
    BoardMember,
    ChecklistItem,
    Column,
    Comment,
    Label,
    Task,
    TaskEvent,
)
from opsuite.tasks.queries import Card
from opsuite.web.typed import Flag, RequestBody, ResponseBody, absent

if TYPE_CHECKING:
    from opsuite.auth.models import User

_ID: dict[str, Any] = {"type": "integer"}
_TEXT: dict[str, Any] = {"type": "string"}
_NULL_TEXT: dict[str, Any] = {"type": ["string", "null"]}
_NULL_ID: dict[str, Any] = {"type": ["integer", "null"]}

PERSON: dict[str, Any] = {"type": "object", "properties": {"id": _ID, "name": _TEXT}}
LABEL: dict[str, Any] = {"type": "object", "properties": {"id": _ID, "name": _TEXT, "color": _TEXT}}


class LabelInput(RequestBody):
    name: Annotated[str, Field(max_length=40)]
    color: Annotated[str, Field(max_length=7)] = absent(description="like #3366cc")


class LabelJson(ResponseBody):
    id: int
    name: str
    color: str


class MemberInput(RequestBody):
    user_id: int
    is_manager: Flag = absent(description="may manage the board (default false)")


class MemberJson(ResponseBody):
    user_id: int
    name: str
    is_manager: bool


class Deleted(ResponseBody):
    deleted: bool


COLUMN: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _ID,
        "name": _TEXT,
        "position": _ID,
        "wip_limit": _NULL_ID,
        "is_done": {"type": "boolean"},
    },
}
BOARD: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": _ID,
        "name": _TEXT,
        "description": _TEXT,
        "team_id": _NULL_ID,
        "program_id": _NULL_ID,
        "visibility": {"enum": ["members", "staff"]},
        "is_archived": {"type": "boolean"},
        "columns": {"type": "array", "items": COLUMN},
        "labels": {"type": "array", "items": LABEL},
    },
}
BOARD_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 120},
        "description": {"type": "string", "maxLength": 2000},
        "team_id": _NULL_ID,
        "program_id": _NULL_ID,
        "visibility": {"enum": ["members", "staff"]},
    },
    "additionalProperties": False,
}
COLUMN_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 60},
        "wip_limit": _NULL_ID,
        "is_done": {"type": "boolean"},
        "position": _ID,
    },
    "additionalProperties": False,
}
REPEAT: dict[str, Any] = {
    "type": ["object", "null"],
    "description": "how the task repeats (null: it does not); when it is done, the next "
    "instance is made in the board's first column",
    "required": ["every", "unit", "mode"],
    "properties": {
        "every": {"type": "integer", "minimum": 1, "maximum": service.MAX_EVERY},
        "unit": {"enum": ["days", "weeks", "months"]},
        "mode": {
            "enum": ["after_completion", "fixed_schedule"],
            "description": "after_completion: the next due date is the completion day plus the "
            "interval; fixed_schedule: the previous due date plus the interval",
        },
        "timezone": {
            "type": "string",
            "description": "IANA zone whose wall clock due times keep (default: yours; "
            "unchanged when the rule is)",
        },
    },
    "additionalProperties": False,
}
TASK: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "version"],
    "properties": {
        "id": _ID,
        "board_id": _ID,
        "column_id": _ID,
        "position": _ID,
        "title": _TEXT,
        "description": _TEXT,
        "priority": {"enum": ["low", "normal", "high", "urgent"]},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "due_at": {"type": ["string", "null"], "format": "date-time"},
        "version": _ID,
        "assignees": {"type": "array", "items": PERSON},
        "labels": {"type": "array", "items": LABEL},
        "checklist": {
            "type": "object",
            "properties": {"done": _ID, "total": _ID},
        },
        "comments": _ID,
        "overdue": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "completed_at": {"type": ["string", "null"], "format": "date-time"},
        "repeat": REPEAT,
        "previous_id": {**_NULL_ID, "description": "the instance this one repeats"},
        "next_id": {**_NULL_ID, "description": "the instance made when this one was done"},
    },
}
TASK_REQUEST: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 200},
        "description": {"type": "string", "maxLength": 10000},
        "priority": {"enum": ["low", "normal", "high", "urgent"]},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "due_at": {"type": ["string", "null"], "format": "date-time"},
        "label_ids": {"type": "array", "items": _ID},
        "column_id": _ID,
        "assignee_ids": {"type": "array", "items": _ID},
        "repeat": REPEAT,
        "version": {"type": "integer", "description": "required on PATCH: the version edited"},
    },
    "additionalProperties": False,
}
MOVE_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["column_id", "version"],
    "properties": {
        "column_id": _ID,
        "position": {"type": ["integer", "null"], "minimum": 0, "description": "0 is the top"},
        "override": {"type": "boolean", "description": "managers: go past the WIP limit"},
        "version": {
            "type": "integer",
            "description": "the task's version the mover saw (409 with where it is now if stale)",
        },
    },
    "additionalProperties": False,
}
MOVED: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _ID,
        "column_id": _ID,
        "position": _ID,
        "version": _ID,
        "over_limit": {"type": "boolean"},
        "next_id": {
            **_NULL_ID,
            "description": "the next instance of a repeating task, when this move completed it",
        },
    },
}
ASSIGNEES_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["user_ids"],
    "properties": {"user_ids": {"type": "array", "items": _ID}},
    "additionalProperties": False,
}
ASSIGNEES: dict[str, Any] = {
    "type": "object",
    "properties": {"assignees": {"type": "array", "items": PERSON}},
}
COMMENT: dict[str, Any] = {
    "type": "object",
    "properties": {"id": _ID, "author": PERSON, "body": _TEXT, "created_at": _TEXT},
}
COMMENT_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["body"],
    "properties": {"body": {"type": "string", "maxLength": 5000}},
    "additionalProperties": False,
}
CHECKLIST_ITEM: dict[str, Any] = {
    "type": "object",
    "properties": {"id": _ID, "text": _TEXT, "is_done": {"type": "boolean"}},
}
CHECKLIST_REQUEST: dict[str, Any] = {
    "type": "object",
    "properties": {"text": {"type": "string", "maxLength": 200}, "is_done": {"type": "boolean"}},
    "additionalProperties": False,
}
LINK: dict[str, Any] = {
    "type": "object",
    "properties": {"id": _ID, "url": _TEXT, "title": _TEXT, "added_at": _TEXT},
}
LINK_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["url"],
    "properties": {
        "url": {"type": "string", "maxLength": 1000, "description": "http or https"},
        "title": {"type": "string", "maxLength": 200},
    },
    "additionalProperties": False,
}
DELETED: dict[str, Any] = {"type": "object", "properties": {"deleted": {"type": "boolean"}}}
EVENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _ID,
        "task_id": _NULL_ID,
        "actor": {"type": ["object", "null"], "properties": PERSON["properties"]},
        "action": _TEXT,
        "data": {"type": "object"},
        "created_at": _TEXT,
    },
}


def member_json(member: BoardMember, person: User) -> dict[str, Any]:
    return {"user_id": person.id, "name": person.name, "is_manager": member.is_manager}


def label_json(label: Label) -> dict[str, Any]:
    return {"id": label.id, "name": label.name, "color": label.color}


def column_json(column: Column) -> dict[str, Any]:
    return {
        "id": column.id,
        "name": column.name,
        "position": column.position,
        "wip_limit": column.wip_limit,
        "is_done": column.is_done,
    }


def board_json(
    board: Board, columns: list[Column] | None = None, labels: list[Label] | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": board.id,
        "name": board.name,
        "description": board.description,
        "team_id": board.team_id,
        "program_id": board.program_id,
        "visibility": str(board.visibility),
        "is_archived": board.is_archived,
    }
    if columns is not None:
        data["columns"] = [column_json(c) for c in columns]
    if labels is not None:
        data["labels"] = [label_json(label) for label in labels]
    return data


def task_json(card: Card) -> dict[str, Any]:
    task = card.task
    return {
        "id": task.id,
        "board_id": task.board_id,
        "column_id": task.column_id,
        "position": task.position,
        "title": task.title,
        "description": task.description,
        "priority": str(task.priority),
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "version": task.version,
        "assignees": [{"id": u.id, "name": u.name} for u in card.assignees],
        "labels": [label_json(label) for label in card.labels],
        "checklist": {"done": card.checklist_done, "total": card.checklist_total},
        "comments": card.comments,
        "overdue": card.overdue,
        "created_at": task.created_at.isoformat(),
        "updated_at": task.updated_at.isoformat(),
        "completed_at": task.completed_at.isoformat() if task.completed_at else None,
        "repeat": repeat_json(service.repeat_of(task)),
        "previous_id": task.previous_id,
        "next_id": card.next_id,
    }


def repeat_json(repeat: service.Repeat | None) -> dict[str, Any] | None:
    if repeat is None:
        return None
    return {
        "every": repeat.every,
        "unit": repeat.unit,
        "mode": repeat.mode,
        "timezone": repeat.timezone,
    }


def comment_json(comment: Comment) -> dict[str, Any]:
    author = comment.author
    return {
        "id": comment.id,
        "author": {"id": author.id, "name": author.name} if author else None,
        "body": comment.body,
        "created_at": comment.created_at.isoformat(),
    }


def link_json(link: Attachment) -> dict[str, Any]:
    return {
        "id": link.id,
        "url": link.url,
        "title": link.title,
        "added_at": link.added_at.isoformat(),
    }


def checklist_json(item: ChecklistItem) -> dict[str, Any]:
    return {"id": item.id, "text": item.text, "is_done": item.is_done}


def event_json(event: TaskEvent) -> dict[str, Any]:
    actor = event.actor
    return {
        "id": event.id,
        "task_id": event.task_id,
        "actor": {"id": actor.id, "name": actor.name} if actor else None,
        "action": event.action,
        "data": event.data,
        "created_at": event.created_at.isoformat(),
    }


def moved_json(task: Task) -> dict[str, int]:
    """Where a task is (what a mover needs to move it again)."""
    return {
        "id": task.id,
        "column_id": task.column_id,
        "position": task.position,
        "version": task.version,
    }


def move_answer(moved: service.Moved) -> dict[str, Any]:
    """What a move answers: where the task is, and what the move made."""
    following = moved.following
    return {
        **moved_json(moved.task),
        "over_limit": moved.over_limit,
        "next_id": following.id if following is not None else None,
    }


def moved_conflict_json(exc: service.TaskMoved) -> dict[str, Any]:
    return {"error": exc.message, "field": "version", "current": moved_json(exc.current)}
