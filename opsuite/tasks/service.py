"""Tasks: create, edit (with a version check), move, assign, comment, checklists and links.

Every write that changes the order of a column runs in one transaction that first locks the
board's row (PostgreSQL ``FOR UPDATE``; SQLite has one writer), then renumbers the columns it
touched to 0..n-1. Concurrent moves therefore queue up instead of interleaving.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast
from urllib.parse import urlsplit

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.auth.models import User
from opsuite.errors import (
    Conflict,
    EditConflictError,
    FieldErrors,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from opsuite.settings import Settings
from opsuite.tasks import notifications
from opsuite.tasks.access import Level, people_with_access, require
from opsuite.tasks.boards import get_board, get_column
from opsuite.tasks.events import log_event
from opsuite.tasks.models import (
    Attachment,
    Board,
    ChecklistItem,
    Column,
    Comment,
    Label,
    Priority,
    Task,
    TaskAssignee,
    TaskLabel,
)
from opsuite.web.i18n import gettext as _
from opsuite.web.text import has_control, line_problem, text_problem

MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_COMMENT = 5_000
MAX_CHECKLIST = 100
MAX_ASSIGNEES = 20


class WipLimitReached(Conflict):
    """The target column is at its work-in-progress limit (a manager may override)."""

    def __init__(self, column: Column, count: int) -> None:
        super().__init__(
            _(
                "“%(column)s” already holds %(count)s tasks, its limit is %(limit)s.",
                column=column.name,
                count=count,
                limit=column.wip_limit or 0,
            ),
            field="column_id",
        )
        self.column = column


class TaskConflict(EditConflictError):
    """Someone else saved the task since the form was opened; both versions are kept."""

    def __init__(self, current: Task, attempted: TaskInput) -> None:
        super().__init__(
            _(
                "Someone else changed this task while you were editing it. Compare both "
                "versions below; nothing you typed is lost."
            ),
            field="version",
        )
        self.current = current
        self.attempted = attempted


class TaskMoved(Conflict):
    """Someone moved the task since the board was shown (the version differs); nothing moved."""

    def __init__(self, current: Task, column: Column) -> None:
        super().__init__(
            _(
                "Someone else moved or changed “%(title)s” while you were looking: it is now in "
                "%(column)s, place %(place)s. The board below shows where everything is now; "
                "move it again if you still want to.",
                title=current.title,
                column=column.name,
                place=current.position + 1,
            ),
            field="version",
        )
        self.current = current
        self.column = column


@dataclass(frozen=True)
class TaskInput:
    title: str
    description: str = ""
    priority: str = Priority.NORMAL
    due_date: date | None = None
    due_at: datetime | None = None
    label_ids: tuple[int, ...] = field(default_factory=tuple)


async def get_task(task_id: int) -> Task:
    """Raises NotFound."""
    task = await Task.get_or_none(id=task_id)
    if task is None:
        raise NotFound(_("There is no such task. It may have been deleted."))
    return task


async def task_for(user: User, task_id: int, needed: Level) -> tuple[Task, Board, Level]:
    """The task, its board and the user's level there. Raises NotFound, PermissionDenied."""
    task = await get_task(task_id)
    board = await get_board(task.board_id)
    level = await require(user, board, needed)
    return task, board, level


async def _validate(board: Board, data: TaskInput) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("This field is required.")
    elif len(data.title) > MAX_TITLE:
        errors["title"] = _too_long(MAX_TITLE, len(data.title))
    elif problem := line_problem(data.title):
        errors["title"] = problem
    if len(data.description) > MAX_DESCRIPTION:
        errors["description"] = _too_long(MAX_DESCRIPTION, len(data.description))
    elif problem := text_problem(data.description):
        errors["description"] = problem
    if data.priority not in {p.value for p in Priority}:
        errors["priority"] = _("Choose from the list.")
    if data.due_date is not None and data.due_at is not None:
        errors["due_date"] = _("Give a due date, or a date and time, not both.")
    if data.label_ids:
        found = await Label.filter(id__in=list(data.label_ids), board_id=board.id).count()
        if found != len(set(data.label_ids)):
            errors["label_ids"] = _("Choose labels of this board (labels belong to one board).")
    if errors:
        raise FieldErrors(errors)


def _too_long(limit: int, typed: int) -> str:
    return _("At most %(n)s characters, please (you typed %(typed)s).", n=limit, typed=typed)


async def _lock(board_id: int) -> None:
    """Hold the board's row until the transaction ends (ignored on SQLite's single writer)."""
    await Board.filter(id=board_id).select_for_update().first()


async def _renumber(column_id: int, order: list[int]) -> None:
    """Give the tasks ``order`` (ids) positions 0..n-1, writing only what changed."""
    rows = await Task.filter(column_id=column_id).values_list("id", "position")
    current = {int(tid): int(n) for tid, n in rows}
    # Rows that shift by the same amount share one UPDATE: a move is at most three statements
    # (the moved task, the ones that make room, the ones that close the gap).
    by_shift: dict[int, list[int]] = defaultdict(list)
    for n, tid in enumerate(order):
        if tid in current and current[tid] != n:
            by_shift[n - current[tid]].append(tid)
    for shift, ids in by_shift.items():
        await Task.filter(id__in=ids).update(position=F("position") + shift)


async def _order(column_id: int, *, without: int | None = None) -> list[int]:
    ids = (
        await Task.filter(column_id=column_id)
        .order_by("position", "id")
        .values_list("id", flat=True)
    )
    return [int(i) for i in cast(list[int], ids) if i != without]


# --- create, edit, delete -----------------------------------------------------------------------


async def create_task(
    actor: User,
    board: Board,
    data: TaskInput,
    *,
    column_id: int | None = None,
    assignee_ids: tuple[int, ...] = (),
    settings: Settings,
) -> Task:
    """A task at the bottom of a column (the first one unless given). Raises PermissionDenied,
    FieldErrors, InvalidInput."""
    level = await require(actor, board, Level.EDIT)
    await _validate(board, data)
    if assignee_ids:
        await _check_assignees(actor, board, level, added=set(assignee_ids), removed=set())
    if board.is_archived:
        raise Conflict(_("This board is archived; restore it to add tasks."))
    now = clock.now()
    async with in_transaction():
        await _lock(board.id)
        if column_id is None:
            column = await Column.filter(board_id=board.id).order_by("position").first()
            if column is None:
                raise InvalidInput(_("Add a column to the board first."), field="column_id")
        else:
            column = await get_column(board, column_id)
        task = await Task.create(
            board=board,
            column=column,
            position=await Task.filter(column_id=column.id).count(),
            title=data.title.strip(),
            description=data.description,
            priority=data.priority,
            due_date=data.due_date,
            due_at=data.due_at,
            created_by=actor,
            created_at=now,
            updated_at=now,
            completed_at=now if column.is_done else None,
        )
        await TaskLabel.bulk_create([TaskLabel(task=task, label_id=i) for i in set(data.label_ids)])
        await log_event(board.id, actor, "task.created", task, title=task.title, column=column.name)
    if assignee_ids:
        await set_assignees(actor, task.id, assignee_ids, settings=settings, level=level)
    return task


async def update_task(
    actor: User, task_id: int, data: TaskInput, *, version: int, settings: Settings
) -> Task:
    """Save an edit made on ``version`` of the task. Raises TaskConflict when someone saved in
    between (nothing is overwritten), PermissionDenied, FieldErrors."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    await _validate(board, data)
    now = clock.now()
    async with in_transaction():
        changed = await Task.filter(id=task.id, version=version).update(
            title=data.title.strip(),
            description=data.description,
            priority=data.priority,
            due_date=data.due_date,
            due_at=data.due_at,
            version=version + 1,
            updated_at=now,
        )
        if not changed:
            current = await get_task(task.id)
            raise TaskConflict(current, data)
        await TaskLabel.filter(task_id=task.id).delete()
        await TaskLabel.bulk_create(
            [TaskLabel(task_id=task.id, label_id=i) for i in set(data.label_ids)]
        )
        diff = _diff(task, data)
        await log_event(board.id, actor, "task.updated", task, **diff)
    fresh = await get_task(task.id)
    if "due" in diff:
        await notifications.due_changed(fresh, board, actor, diff["due"], settings=settings)
    await notifications.schedule_due(fresh, board, settings=settings)
    return fresh


def _due_text(due_date: date | None, due_at: datetime | None) -> str:
    if due_at is not None:
        return due_at.isoformat()
    return due_date.isoformat() if due_date else ""


def _diff(before: Task, after: TaskInput) -> dict[str, Any]:
    diff: dict[str, Any] = {}
    if before.title != after.title.strip():
        diff["title"] = [before.title, after.title.strip()]
    if before.description != after.description:
        diff["description"] = True
    if before.priority != after.priority:
        diff["priority"] = [str(before.priority), after.priority]
    old_due, new_due = (
        _due_text(before.due_date, before.due_at),
        _due_text(after.due_date, after.due_at),
    )
    if old_due != new_due:
        diff["due"] = [old_due, new_due]
    return diff


async def delete_task(actor: User, task_id: int) -> None:
    """Board managers, or whoever created the task, may delete it; its log lines stay.
    Raises PermissionDenied."""
    task, board, level = await task_for(actor, task_id, Level.EDIT)
    if level < Level.MANAGE and task.created_by_id != actor.id:
        raise PermissionDenied(_("Only the board's managers or the task's author may delete it."))
    async with in_transaction():
        await _lock(board.id)
        column_id = task.column_id
        await log_event(board.id, actor, "task.deleted", None, title=task.title, task_id=task.id)
        await task.delete()
        await _renumber(column_id, await _order(column_id))
    await notifications.cancel_task(task.id)


# --- moving -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moved:
    task: Task
    column: Column
    over_limit: bool  # a manager overrode the column's limit


async def move_task(
    actor: User,
    task_id: int,
    *,
    column_id: int,
    position: int | None = None,
    override: bool = False,
    version: int | None = None,
    settings: Settings,
) -> Moved:
    """Put a task at ``position`` (0 is the top; None or past the end is the bottom) in a
    column of its board. A move made on ``version`` of the task (what the mover saw) is
    refused with TaskMoved if the task changed since; a move that changes anything makes a
    new version. Raises TaskMoved, WipLimitReached (unless a board manager overrides),
    InvalidInput for another board's column, PermissionDenied."""
    task, board, level = await task_for(actor, task_id, Level.EDIT)
    if override and level < Level.MANAGE:
        raise PermissionDenied(_("Only the board's managers may go past a column's limit."))
    async with in_transaction():
        await _lock(board.id)
        task = await get_task(task.id)  # re-read under the lock: someone may have moved it
        if version is not None and task.version != version:
            raise TaskMoved(task, await get_column(board, task.column_id))
        target = await get_column(board, column_id)
        order = await _order(target.id, without=task.id)
        entering = task.column_id != target.id
        over = entering and target.wip_limit is not None and len(order) >= target.wip_limit
        if over and not override:
            raise WipLimitReached(target, len(order))
        at = len(order) if position is None else max(0, min(position, len(order)))
        order.insert(at, task.id)
        source_id = task.column_id
        now = clock.now()
        completed_at = task.completed_at
        if entering:
            completed_at = (completed_at or now) if target.is_done else None
            await Task.filter(id=task.id).update(
                column_id=target.id, completed_at=completed_at, updated_at=now
            )
            await _renumber(source_id, await _order(source_id))
        await _renumber(target.id, order)
        if entering or task.position != at:
            await Task.filter(id=task.id).update(version=task.version + 1, updated_at=now)
            await log_event(
                board.id,
                actor,
                "task.moved",
                task,
                column=target.name,
                position=at,
                over_limit=bool(over),
            )
    fresh = await get_task(task.id)
    if entering:
        await notifications.schedule_due(fresh, board, settings=settings)
    return Moved(fresh, target, bool(over))


async def move_step(
    actor: User, task_id: int, *, up: bool, version: int | None = None, settings: Settings
) -> Moved:
    """One place up or down within its column (the buttons on each card). Raises as
    move_task."""
    task = await get_task(task_id)
    position = max(0, task.position - 1) if up else task.position + 1
    return await move_task(
        actor,
        task_id,
        column_id=task.column_id,
        position=position,
        version=version,
        settings=settings,
    )


# --- assignment ---------------------------------------------------------------------------------


async def set_assignees(
    actor: User,
    task_id: int,
    user_ids: tuple[int, ...],
    *,
    settings: Settings,
    level: Level | None = None,
) -> list[User]:
    """Make exactly these people the task's assignees and tell those added and removed.
    Editors may take or drop a task themselves; assigning others needs a board manager.
    Raises PermissionDenied, FieldErrors (someone without access to the board)."""
    task, board, my_level = await task_for(actor, task_id, Level.EDIT)
    level = level or my_level
    wanted = set(user_ids)
    current = set(
        cast(
            list[int], await TaskAssignee.filter(task_id=task.id).values_list("user_id", flat=True)
        )
    )
    added, removed = wanted - current, current - wanted
    people = await _check_assignees(actor, board, level, added=added, removed=removed)
    now = clock.now()
    async with in_transaction():
        await TaskAssignee.filter(task_id=task.id, user_id__in=list(removed)).delete()
        await TaskAssignee.bulk_create(
            [TaskAssignee(task_id=task.id, user_id=p.id, assigned_at=now) for p in people]
        )
        event = None
        if added or removed:
            removed_people = await User.filter(id__in=list(removed)) if removed else []
            event = await log_event(
                board.id,
                actor,
                "task.assigned",
                task,
                added=sorted(p.name for p in people),
                removed=sorted(p.name for p in removed_people),
            )
    if event is not None:
        await notifications.assignment_changed(
            task, board, actor, added=people, removed_ids=removed, n=event.id, settings=settings
        )
        await notifications.schedule_due(task, board, settings=settings)
    return await User.filter(task_assignments__task_id=task.id).order_by("name")


async def _check_assignees(
    actor: User, board: Board, level: Level, *, added: set[int], removed: set[int]
) -> list[User]:
    if len(added) > MAX_ASSIGNEES:
        raise FieldErrors({"assignee_ids": _("At most %(n)s assignees.", n=MAX_ASSIGNEES)})
    if level < Level.MANAGE and (added | removed) - {actor.id}:
        raise PermissionDenied(_("Only the board's managers may assign other people."))
    people = await User.filter(id__in=list(added)) if added else []
    if len(people) != len(added):
        raise FieldErrors({"assignee_ids": _("Choose people from the list.")})
    levels = await people_with_access(board, people)
    without = [p.name for p in people if levels[p.id] < Level.EDIT]
    if without:
        raise FieldErrors(
            {
                "assignee_ids": _(
                    "%(names)s cannot work on this board; add them to it first.",
                    names=", ".join(sorted(without)),
                )
            }
        )
    return people


# --- comments -----------------------------------------------------------------------------------


async def add_comment(actor: User, task_id: int, body: str, *, settings: Settings) -> Comment:
    """Comment on a task; assignees, the author and anyone @mentioned (by name or by the part
    of their email before the @) hear of it. Raises PermissionDenied, FieldErrors."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    body = body.strip()
    if not body:
        raise FieldErrors({"body": _("Write something first.")})
    if len(body) > MAX_COMMENT:
        raise FieldErrors({"body": _too_long(MAX_COMMENT, len(body))})
    if problem := text_problem(body):
        raise FieldErrors({"body": problem})
    comment = await Comment.create(task=task, author=actor, body=body, created_at=clock.now())
    await log_event(board.id, actor, "comment.added", task, comment=comment.id)
    await notifications.commented(task, board, comment, actor, settings=settings)
    return comment


# --- checklist and links ------------------------------------------------------------------------


async def add_checklist_item(actor: User, task_id: int, text: str) -> ChecklistItem:
    """Raises PermissionDenied, FieldErrors."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    text = text.strip()
    if not text:
        raise FieldErrors({"text": _("This field is required.")})
    if len(text) > 200:
        raise FieldErrors({"text": _too_long(200, len(text))})
    if problem := line_problem(text):
        raise FieldErrors({"text": problem})
    count = await ChecklistItem.filter(task_id=task.id).count()
    if count >= MAX_CHECKLIST:
        raise FieldErrors({"text": _("A checklist has at most %(n)s items.", n=MAX_CHECKLIST)})
    item = await ChecklistItem.create(task=task, text=text, position=count)
    await log_event(board.id, actor, "checklist.added", task, text=text)
    return item


async def _checklist_item(task: Task, item_id: int) -> ChecklistItem:
    item = await ChecklistItem.get_or_none(id=item_id, task_id=task.id)
    if item is None:
        raise NotFound(_("That checklist item is gone."))
    return item


async def set_checklist_item(
    actor: User, task_id: int, item_id: int, *, done: bool
) -> ChecklistItem:
    """Tick or untick an item. Raises NotFound, PermissionDenied."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    item = await _checklist_item(task, item_id)
    if item.is_done != done:
        item.is_done, item.done_at = done, clock.now() if done else None
        await item.save(update_fields=["is_done", "done_at"])
        action = "checklist.done" if done else "checklist.undone"
        await log_event(board.id, actor, action, task, text=item.text)
    return item


async def delete_checklist_item(actor: User, task_id: int, item_id: int) -> None:
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    item = await _checklist_item(task, item_id)
    await item.delete()
    await log_event(board.id, actor, "checklist.removed", task, text=item.text)


def check_link(url: str) -> str | None:
    """Why ``url`` is not an acceptable link, or None."""
    if len(url) > 1000:
        return _too_long(1000, len(url))
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return _("Give a web address starting with http:// or https://.")
    if any(ch.isspace() for ch in url) or has_control(url):
        return _("A web address has no spaces, line breaks or control characters.")
    return None


async def add_link(actor: User, task_id: int, *, url: str, title: str = "") -> Attachment:
    """Attach a link (http or https only). Raises PermissionDenied, FieldErrors."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    url, title = url.strip(), title.strip()
    problem = check_link(url)
    errors = {"url": problem} if problem else {}
    if len(title) > 200:
        errors["title"] = _too_long(200, len(title))
    elif problem := line_problem(title):
        errors["title"] = problem
    if errors:
        raise FieldErrors(errors)
    link = await Attachment.create(
        task=task, url=url, title=title, added_by=actor, added_at=clock.now()
    )
    await log_event(board.id, actor, "link.added", task, url=url)
    return link


async def remove_link(actor: User, task_id: int, link_id: int) -> None:
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    link = await Attachment.get_or_none(id=link_id, task_id=task.id)
    if link is None:
        raise NotFound(_("That link is gone."))
    await link.delete()
    await log_event(board.id, actor, "link.removed", task, url=link.url)
