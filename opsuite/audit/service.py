"""The one activity log every area writes to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tortoise.models import Model

from opsuite import clock
from opsuite.audit.models import Activity

if TYPE_CHECKING:
    from opsuite.auth.models import User

# Called with each activity line right after it is written, inside the writer's transaction,
# so a higher area can act on what happened without the writer knowing it (chat channels post
# a team's notices from here). Filled in an area's register(); a hook adds each callable once.
after_record: list[Callable[[Activity], Awaitable[None]]] = []


async def record(
    actor: User | None, action: str, target: Model | None = None, **data: Any
) -> Activity:
    """Write one activity line; ``action`` is a dotted code such as ``people.user.deactivated``."""
    activity = await Activity.create(
        actor=actor,
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
        created_at=clock.now(),
    )
    for hook in after_record:
        await hook(activity)
    return activity


async def list_activity(
    *, action_prefix: str = "", actor_id: int | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[Activity], int]:
    query = Activity.all()
    if action_prefix:
        query = query.filter(action__startswith=action_prefix)
    if actor_id:
        query = query.filter(actor_id=actor_id)
    total = await query.count()
    rows = await query.offset(offset).limit(limit).prefetch_related("actor")
    return rows, total
