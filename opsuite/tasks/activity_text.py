"""One line of words for each entry of a board's activity log, in the viewer's language.

The log is append-only and keeps rows written by every earlier release, so an entry may lack
any key its kind has today (an edit records only the fields it changed). Every key is
therefore optional here: a missing or odd value leaves its part out rather than failing the
page (issue #14: one edit made a task unviewable).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from opsuite.tasks.forms import priority_labels
from opsuite.tasks.models import TaskEvent
from opsuite.web.i18n import format_date, format_datetime
from opsuite.web.i18n import gettext as _


def describe(event: TaskEvent) -> str:
    """What happened, e.g. "edited the task: priority Normal → Urgent"."""
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    words = _DESCRIBERS.get(event.action)
    return words(data) if words is not None else event.action


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def _pair(data: dict[str, Any], key: str) -> tuple[str, str] | None:
    value = data.get(key)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return str(value[0] or ""), str(value[1] or "")
    return None


def _names(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return ", ".join(str(v) for v in value) if isinstance(value, list) else ""


def _due_words(iso: str) -> str:
    try:
        if "T" in iso:
            return format_datetime(datetime.fromisoformat(iso), "short")
        return format_date(date.fromisoformat(iso))
    except ValueError:
        return iso


def _created(d: dict[str, Any]) -> str:
    column = _text(d, "column")
    return _("created the task in %(column)s", column=column) if column else _("created the task")


def _updated(d: dict[str, Any]) -> str:
    changes: list[str] = []
    title = _pair(d, "title")
    if title:
        changes.append(_("title “%(old)s” → “%(new)s”", old=title[0], new=title[1]))
    priority = _pair(d, "priority")
    if priority:
        labels = priority_labels()
        changes.append(
            _(
                "priority %(old)s → %(new)s",
                old=labels.get(priority[0], priority[0]),
                new=labels.get(priority[1], priority[1]),
            )
        )
    due = _pair(d, "due")
    if due and due[0] != due[1]:
        old, new = _due_words(due[0]), _due_words(due[1])
        if not old:
            changes.append(_("due date set to %(new)s", new=new))
        elif not new:
            changes.append(_("due date %(old)s removed", old=old))
        else:
            changes.append(_("due date %(old)s → %(new)s", old=old, new=new))
    if d.get("description"):
        changes.append(_("changed the description"))
    if "repeat" in d:
        changes.append(_("set how it repeats") if d["repeat"] else _("stopped the repeat"))
    if not changes:
        return _("edited the task")
    return _("edited the task: %(changes)s", changes=_separator().join(changes))


def _separator() -> str:
    return _("; ")


def _moved(d: dict[str, Any]) -> str:
    column, position = _text(d, "column"), d.get("position")
    if column and isinstance(position, int):
        text = _("moved it to %(column)s, place %(place)s", column=column, place=position + 1)
    elif column:
        text = _("moved it to %(column)s", column=column)
    else:
        text = _("moved it")
    if d.get("over_limit"):
        text += " " + _("(past the column's limit)")
    return text


def _assigned(d: dict[str, Any]) -> str:
    added, removed = _names(d, "added"), _names(d, "removed")
    parts = []
    if added:
        parts.append(_("assigned %(names)s", names=added))
    if removed:
        parts.append(_("unassigned %(names)s", names=removed))
    return _separator().join(parts) or _("changed who works on it")


def _with(message: Callable[..., str], key: str, fallback: Callable[[], str]) -> Any:
    """A describer for kinds whose one detail is ``key``: ``message`` if present."""

    def words(d: dict[str, Any]) -> str:
        value = _text(d, key)
        return message(value) if value else fallback()

    return words


_DESCRIBERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "task.created": _created,
    "task.updated": _updated,
    "task.moved": _moved,
    "task.assigned": _assigned,
    "task.deleted": _with(
        lambda v: _("deleted the task “%(title)s”", title=v), "title", lambda: _("deleted a task")
    ),
    "comment.added": lambda d: _("commented"),
    "checklist.added": _with(
        lambda v: _("added “%(text)s” to the checklist", text=v),
        "text",
        lambda: _("changed the checklist"),
    ),
    "checklist.done": _with(
        lambda v: _("ticked “%(text)s”", text=v), "text", lambda: _("changed the checklist")
    ),
    "checklist.undone": _with(
        lambda v: _("unticked “%(text)s”", text=v), "text", lambda: _("changed the checklist")
    ),
    "checklist.removed": _with(
        lambda v: _("removed “%(text)s” from the checklist", text=v),
        "text",
        lambda: _("changed the checklist"),
    ),
    "link.added": _with(
        lambda v: _("added the link %(url)s", url=v), "url", lambda: _("changed the links")
    ),
    "link.removed": _with(
        lambda v: _("removed the link %(url)s", url=v), "url", lambda: _("changed the links")
    ),
    "board.created": lambda d: _("created the board"),
    "board.updated": lambda d: _("changed the board's settings"),
    "board.archived": lambda d: _("archived the board"),
    "board.restored": lambda d: _("restored the board"),
    "member.added": _with(
        lambda v: _("added %(name)s to the board", name=v),
        "person",
        lambda: _("changed the board's members"),
    ),
    "member.removed": _with(
        lambda v: _("removed %(name)s from the board", name=v),
        "person",
        lambda: _("changed the board's members"),
    ),
    "column.added": _with(
        lambda v: _("added the column %(name)s", name=v), "name", lambda: _("changed the columns")
    ),
    "column.updated": _with(
        lambda v: _("changed the column %(name)s", name=v), "name", lambda: _("changed the columns")
    ),
    "column.deleted": _with(
        lambda v: _("deleted the column %(name)s", name=v), "name", lambda: _("changed the columns")
    ),
    "label.added": _with(
        lambda v: _("added the label %(name)s", name=v), "name", lambda: _("changed the labels")
    ),
    "label.removed": _with(
        lambda v: _("took the label %(name)s off the task", name=v),
        "name",
        lambda: _("changed the labels"),
    ),
    "task.repeated": lambda d: _("finished the previous one; this is the next, as it repeats"),
    "repeat.stopped": lambda d: _("stopped the repeat"),
}
