"""Tasks: create, edit (with a version check), move, assign, comment, checklists and links.

Every write that changes the order of a column runs in one transaction that first locks the
board's row (PostgreSQL ``FOR UPDATE``; SQLite has one writer), then renumbers the columns it
touched to 0..n-1. Concurrent moves therefore queue up instead of interleaving.

One module per topic: ``core`` (limits, refusals, finding a task, keeping a column's order),
``edits``, ``moves``, ``assignees``, ``details`` (comments, checklists, links, labels) and
``repeats`` (recurring tasks). The public
names are re-exported here, so ``from opsuite.tasks.service import create_task`` and
``service.create_task`` keep working.
"""

from __future__ import annotations

from opsuite.tasks.service.assignees import set_assignees
from opsuite.tasks.service.core import (
    MAX_ASSIGNEES,
    MAX_CHECKLIST,
    MAX_COMMENT,
    MAX_DESCRIPTION,
    MAX_TITLE,
    Repeat,
    TaskConflict,
    TaskInput,
    TaskMoved,
    WipLimitReached,
    get_task,
    repeat_keeping_zone,
    repeat_of,
    task_for,
)
from opsuite.tasks.service.details import (
    add_checklist_item,
    add_comment,
    add_link,
    check_link,
    delete_checklist_item,
    remove_label,
    remove_link,
    set_checklist_item,
)
from opsuite.tasks.service.edits import create_task, delete_task, update_task
from opsuite.tasks.service.moves import Moved, move_step, move_task
from opsuite.tasks.service.repeats import MAX_EVERY, next_due, stop_repeat

__all__ = [
    "MAX_ASSIGNEES",
    "MAX_CHECKLIST",
    "MAX_COMMENT",
    "MAX_DESCRIPTION",
    "MAX_EVERY",
    "MAX_TITLE",
    "Moved",
    "Repeat",
    "TaskConflict",
    "TaskInput",
    "TaskMoved",
    "WipLimitReached",
    "add_checklist_item",
    "add_comment",
    "add_link",
    "check_link",
    "create_task",
    "delete_checklist_item",
    "delete_task",
    "get_task",
    "move_step",
    "move_task",
    "next_due",
    "remove_label",
    "remove_link",
    "repeat_keeping_zone",
    "repeat_of",
    "set_assignees",
    "set_checklist_item",
    "stop_repeat",
    "task_for",
    "update_task",
]
