"""Who works on a task: setting its assignees, and who may be assigned."""

from __future__ import annotations

from typing import cast

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import FieldErrors, PermissionDenied
from opsuite.settings import Settings
from opsuite.tasks import notifications
from opsuite.tasks.access import Level, people_with_access
from opsuite.tasks.events import log_event
from opsuite.tasks.models import Board, TaskAssignee
from opsuite.tasks.service.core import MAX_ASSIGNEES, task_for
from opsuite.web.i18n import gettext as _


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
    people = await check_assignees(actor, board, level, added=added, removed=removed)
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
        if people:
            # the activity log's line (ids only), which outgoing webhooks read as task.assigned
            await record(
                actor, "tasks.task.assigned", task, board_id=board.id,
                added=sorted(p.id for p in people),
            )  # fmt: skip
    if event is not None:
        await notifications.assignment_changed(
            task, board, actor, added=people, removed_ids=removed, n=event.id, settings=settings
        )
        await notifications.schedule_due(task, board, settings=settings)
    return await User.filter(task_assignments__task_id=task.id).order_by("name")


async def check_assignees(
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
