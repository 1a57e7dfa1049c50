"""Tasks in feeds: a person's open tasks with a due date, as all-day events."""

from __future__ import annotations

from datetime import timedelta

from tortoise.expressions import Q

from opsuite.auth.models import User
from opsuite.feeds.ics import FeedEvent, zone_of
from opsuite.feeds.sources.common import Window, join_text
from opsuite.tasks.models import TaskAssignee
from opsuite.web.i18n import gettext as _


async def tasks_of_person(user: User, window: Window) -> list[FeedEvent]:
    """Open tasks assigned to the person with a due date, as all-day events (one query)."""
    zone = zone_of(user.timezone)
    rows = await (
        TaskAssignee.filter(user_id=user.id, task__completed_at__isnull=True)
        .filter(task__board__is_archived=False)
        .filter(
            Q(task__due_date__gte=window.start.date(), task__due_date__lt=window.end.date())
            | Q(task__due_at__gte=window.start, task__due_at__lt=window.end)
        )
        .select_related("task__board")
    )
    out: list[FeedEvent] = []
    for row in rows:
        task = row.task
        due_day = task.due_date or (task.due_at.astimezone(zone).date() if task.due_at else None)
        if due_day is None:
            continue
        extra = ""
        if task.due_at is not None:
            due_local = task.due_at.astimezone(zone)
            extra = _("Due at %(time)s (%(zone)s)", time=f"{due_local:%H:%M}", zone=zone.key)
        out.append(
            FeedEvent(
                uid=window.uid("task", task.id),
                summary=_("Due: %(title)s", title=task.title),
                start=due_day,
                end=due_day + timedelta(days=1),
                last_modified=task.updated_at,
                sequence=task.version,
                description=join_text(
                    extra,
                    task.description,
                    _("Board: %(name)s", name=task.board.name),
                    _("Details: %(url)s", url=f"{window.base_url}/tasks/{task.id}"),
                ),
                url=f"{window.base_url}/tasks/{task.id}",
                categories=(_("Task"),),
            )
        )
    return out
