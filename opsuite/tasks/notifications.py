"""What tasks tell people, all through notify (which applies each person's preferences):

- ``assignment``: you were given a task;
- ``task_due``: the morning (08:00 in your zone) of the day a task is due, and when it is
  overdue (08:00 the next morning for an all-day date, or at the due time);
- ``task_activity``: comments, @mentions, a changed title, priority or due date, being taken
  off a task.

Due reminders live under the item key ``task:<id>`` and are recomputed on every change; one-off
messages get keys of their own so recomputing the due reminders never cancels them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from opsuite import clock
from opsuite.auth.models import User
from opsuite.notify.reminders import Reminder, cancel_for, schedule_for
from opsuite.settings import Settings
from opsuite.tasks.access import Level
from opsuite.tasks.boards import people_on_board
from opsuite.tasks.models import Board, Comment, Task

MORNING = time(8, 0)


def mentioned(body: str, people: list[User]) -> list[User]:
    """The people a comment @mentions: "@Amira Haddad", "@amira" or "@amira.h" (email)."""
    text = body.lower()
    out = []
    for person in people:
        handles = {person.name.lower(), person.email.split("@")[0].lower()}
        if any(re.search(r"(^|\W)@" + re.escape(h) + r"(\W|$)", text) for h in handles if h):
            out.append(person)
    return out


def _context(task: Task, board: Board, **extra: Any) -> dict[str, Any]:
    return {"task": task, "board": board, "link": f"/tasks/{task.id}", **extra}


async def _assignees(task: Task) -> list[User]:
    return await User.filter(task_assignments__task_id=task.id, is_active=True)


def due_moments(task: Task, timezone: str) -> tuple[datetime | None, datetime | None]:
    """(the due-day morning reminder, the overdue reminder) for someone in ``timezone``."""
    zone = ZoneInfo(timezone)
    if task.due_at is not None:
        day = task.due_at.astimezone(zone).date()
        overdue = task.due_at
    elif task.due_date is not None:
        day = task.due_date
        overdue = datetime.combine(day + timedelta(days=1), MORNING, tzinfo=zone).astimezone(UTC)
    else:
        return None, None
    morning = datetime.combine(day, MORNING, tzinfo=zone).astimezone(UTC)
    if task.due_at is not None and morning >= task.due_at:
        return None, overdue
    return morning, overdue


async def schedule_due(task: Task, board: Board, *, settings: Settings) -> int:
    """(Re)compute the due and overdue reminders of every assignee; none once it is done."""
    key = f"task:{task.id}"
    if task.completed_at is not None or (task.due_date is None and task.due_at is None):
        return await cancel_for(key)
    now = clock.now()
    reminders = []
    for person in await _assignees(task):
        morning, overdue = due_moments(task, person.timezone)
        context = _context(task, board)
        for send_at, template in ((morning, "task_due"), (overdue, "task_overdue")):
            if send_at is not None and send_at >= now:
                reminders.append(
                    Reminder(person, "task_due", template, None, context, send_at=send_at)
                )
    return await schedule_for(key, reminders, settings=settings)


async def cancel_task(task_id: int) -> None:
    await cancel_for(f"task:{task_id}")


async def assignment_changed(
    task: Task,
    board: Board,
    actor: User,
    *,
    added: list[User],
    removed_ids: set[int],
    n: int,
    settings: Settings,
) -> None:
    """Tell the people given the task, and those taken off it (not the one who did it)."""
    context = _context(task, board, actor=actor)
    for person in added:
        if person.id != actor.id:
            await schedule_for(
                f"task:{task.id}:assigned:{person.id}:{n}",
                [Reminder(person, "assignment", "task_assigned", None, context)],
                settings=settings,
            )
    for person in await User.filter(id__in=list(removed_ids - {actor.id})):
        await schedule_for(
            f"task:{task.id}:unassigned:{person.id}:{n}",
            [Reminder(person, "task_activity", "task_unassigned", None, context)],
            settings=settings,
        )


# What an edit tells the assignees about (a new description or repeat is not worth a mail).
TOLD_CHANGES = ("title", "priority", "due")


async def task_changed(
    task: Task, board: Board, actor: User, diff: dict[str, Any], *, settings: Settings
) -> None:
    """Tell the assignees (not the one who edited) what of the title, priority and due date
    changed, in one email per edit."""
    changes = {k: diff[k] for k in TOLD_CHANGES if k in diff}
    if not changes:
        return
    context = _context(task, board, actor=actor, changes=changes)
    reminders = [
        Reminder(p, "task_activity", "task_changed", None, context)
        for p in await _assignees(task)
        if p.id != actor.id
    ]
    await schedule_for(f"task:{task.id}:changed:{task.version}", reminders, settings=settings)


async def commented(
    task: Task, board: Board, comment: Comment, actor: User, *, settings: Settings
) -> None:
    """Assignees and the task's author hear of a comment; @mentioned people (who can see the
    board) are told they were mentioned."""
    readers = await people_on_board(board, Level.VIEW)
    named = {p.id: p for p in mentioned(comment.body, readers)}
    involved = {p.id: p for p in await _assignees(task)}
    if task.created_by_id and task.created_by_id not in involved:
        author = await User.get_or_none(id=task.created_by_id, is_active=True)
        if author is not None:
            involved[author.id] = author
    context = _context(task, board, actor=actor, comment=comment)
    reminders = [
        Reminder(p, "task_activity", "task_mention", None, context)
        for p in named.values()
        if p.id != actor.id
    ] + [
        Reminder(p, "task_activity", "task_comment", None, context)
        for p in involved.values()
        if p.id != actor.id and p.id not in named
    ]
    await schedule_for(f"task:{task.id}:comment:{comment.id}", reminders, settings=settings)
