"""What tasks adds to the managers' daily digest: overdue tasks on the boards they manage."""

from __future__ import annotations

from datetime import date

from opsuite.auth.models import User
from opsuite.notify.digests import Section, add_section
from opsuite.tasks.access import Level, levels_for
from opsuite.tasks.models import Task
from opsuite.tasks.queries import is_overdue, visible_boards
from opsuite.web.i18n import format_date
from opsuite.web.i18n import gettext as _

MAX_LINES = 20


async def overdue_tasks(manager: User, day: date) -> Section | None:
    boards = await visible_boards(manager)
    levels = await levels_for(manager, boards)
    managed = {b.id: b for b in boards if levels[b.id] >= Level.MANAGE}
    if not managed:
        return None
    open_tasks = await Task.filter(
        board_id__in=list(managed), completed_at__isnull=True, due_date__isnull=False
    ).order_by("due_date", "id")
    late = [t for t in open_tasks if is_overdue(t, manager.timezone)]
    lines = tuple(
        _(
            "%(title)s (%(board)s), due %(due)s",
            title=t.title,
            board=managed[t.board_id].name,
            due=format_date(t.due_date),
        )
        for t in late[:MAX_LINES]
    )
    if len(late) > MAX_LINES:
        lines += (_("and %(n)s more", n=len(late) - MAX_LINES),)
    return Section(_("Overdue tasks on your boards"), lines) if lines else None


def register() -> None:
    add_section("digest_daily", overdue_tasks)
