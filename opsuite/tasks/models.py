"""Boards, their columns and labels, tasks with assignees, checklists, links and comments, and
the per-board activity log.

Positions are dense: the tasks of a column are numbered 0..n-1 and every move renumbers the
columns it touches inside one transaction that holds the board's row lock, so concurrent moves
never leave gaps or duplicates.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from opsuite.labels import LabelledEnum
from opsuite.web.i18n import gettext as _

if TYPE_CHECKING:
    from opsuite.auth.models import User
    from opsuite.people.models import Program, Team


class Visibility(StrEnum):
    MEMBERS = "members"  # the board's members, its team or its program
    STAFF = "staff"  # as above, and every staff member may read it


class Priority(LabelledEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {"low": _("Low"), "normal": _("Normal"), "high": _("High"), "urgent": _("Urgent")}


class RepeatUnit(LabelledEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {"days": _("days"), "weeks": _("weeks"), "months": _("months")}


class RepeatMode(LabelledEnum):
    """What the next due date counts from."""

    AFTER_COMPLETION = "after_completion"  # the day the task was done
    FIXED_SCHEDULE = "fixed_schedule"  # the previous due date, whenever it was done

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "after_completion": _("after it is done"),
            "fixed_schedule": _("on a fixed schedule"),
        }


class Board(Model):
    """A board for one team or program (or neither), with its own members and labels."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="boards", null=True, on_delete=fields.SET_NULL
    )
    team_id: int | None
    program: fields.ForeignKeyNullableRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="boards", null=True, on_delete=fields.SET_NULL
    )
    program_id: int | None
    visibility = fields.CharEnumField(Visibility, max_length=10, default=Visibility.MEMBERS)
    is_archived = fields.BooleanField(default=False)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="boards_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "task_boards"
        ordering = ["name", "id"]


class BoardMember(Model):
    """Someone who works on a board. Board managers may change its columns and members."""

    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "models.Board", related_name="members", on_delete=fields.CASCADE
    )
    board_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="board_memberships", on_delete=fields.CASCADE
    )
    user_id: int
    is_manager = fields.BooleanField(default=False)

    class Meta:
        table = "task_board_members"
        unique_together = (("board", "user"),)


class Column(Model):
    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "models.Board", related_name="columns", on_delete=fields.CASCADE
    )
    board_id: int
    name = fields.CharField(max_length=60)
    position = fields.IntField(default=0)
    wip_limit = fields.IntField(null=True)
    is_done = fields.BooleanField(default=False)

    class Meta:
        table = "task_columns"
        ordering = ["position", "id"]


class Label(Model):
    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "models.Board", related_name="labels", on_delete=fields.CASCADE
    )
    board_id: int
    name = fields.CharField(max_length=40)
    color = fields.CharField(max_length=7, default="#888888")

    class Meta:
        table = "task_labels"
        unique_together = (("board", "name"),)
        ordering = ["name", "id"]


class Task(Model):
    """One piece of work. ``version`` grows with every edit so a stale form is detected."""

    id = fields.IntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "models.Board", related_name="tasks", on_delete=fields.CASCADE
    )
    board_id: int
    column: fields.ForeignKeyRelation[Column] = fields.ForeignKeyField(
        "models.Column", related_name="tasks", on_delete=fields.RESTRICT
    )
    column_id: int
    position = fields.IntField(default=0)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    priority = fields.CharEnumField(Priority, max_length=8, default=Priority.NORMAL)
    # Either an all-day due date (the assignee's local date) or a due instant, not both.
    due_date = fields.DateField(null=True)
    due_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tasks_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    completed_at = fields.DatetimeField(null=True)
    # A repeating task: when it is done, the next one is made (service.repeats). The zone is
    # the one its wall-clock times were set in, so a 09:00 due time stays 09:00 across a DST
    # change. ``previous`` is unique: a task has at most one next instance, however often (or
    # however concurrently) it is completed.
    repeat_every = fields.IntField(null=True)
    repeat_unit = fields.CharEnumField(RepeatUnit, max_length=8, null=True)
    repeat_mode = fields.CharEnumField(RepeatMode, max_length=16, null=True)
    repeat_timezone = fields.CharField(max_length=64, default="")
    previous: fields.OneToOneNullableRelation[Task] = fields.OneToOneField(
        "models.Task", related_name="next_instance", null=True, on_delete=fields.SET_NULL
    )
    previous_id: int | None

    class Meta:
        table = "tasks"
        ordering = ["position", "id"]
        indexes = (("board_id", "column_id", "position"),)


class TaskAssignee(Model):
    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="assignees", on_delete=fields.CASCADE
    )
    task_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="task_assignments", on_delete=fields.CASCADE
    )
    user_id: int
    assigned_at = fields.DatetimeField()

    class Meta:
        table = "task_assignees"
        unique_together = (("task", "user"),)


class TaskLabel(Model):
    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="task_labels", on_delete=fields.CASCADE
    )
    task_id: int
    label: fields.ForeignKeyRelation[Label] = fields.ForeignKeyField(
        "models.Label", related_name="task_labels", on_delete=fields.CASCADE
    )
    label_id: int

    class Meta:
        table = "task_label_links"
        unique_together = (("task", "label"),)


class ChecklistItem(Model):
    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="checklist", on_delete=fields.CASCADE
    )
    task_id: int
    text = fields.CharField(max_length=200)
    position = fields.IntField(default=0)
    is_done = fields.BooleanField(default=False)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "task_checklist_items"
        ordering = ["position", "id"]


class Attachment(Model):
    """A link to a document kept elsewhere (http or https only)."""

    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="attachments", on_delete=fields.CASCADE
    )
    task_id: int
    url = fields.CharField(max_length=1000)
    title = fields.CharField(max_length=200, default="")
    added_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="task_attachments", null=True, on_delete=fields.SET_NULL
    )
    added_by_id: int | None
    added_at = fields.DatetimeField()

    class Meta:
        table = "task_attachments"
        ordering = ["added_at", "id"]


class Comment(Model):
    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="comments", on_delete=fields.CASCADE
    )
    task_id: int
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="task_comments", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    body = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "task_comments"
        ordering = ["created_at", "id"]


class TaskEvent(Model):
    """One line of a board's activity log: who changed what, when. Never edited or deleted
    (a deleted task keeps its lines, with the task link cleared and its title in ``data``)."""

    id = fields.BigIntField(primary_key=True)
    board: fields.ForeignKeyRelation[Board] = fields.ForeignKeyField(
        "models.Board", related_name="events", on_delete=fields.CASCADE
    )
    board_id: int
    task: fields.ForeignKeyNullableRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    task_id: int | None
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="task_events", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    action = fields.CharField(max_length=40)
    data: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "task_events"
        ordering = ["-created_at", "-id"]
