"""Schedule pages, one module per audience: mine.py (everyone on staff: my week or month, my
leave, a team's schedule) and manage.py (managers and admins: the arrangement editor,
exceptions, approvals, offices and holidays) and leave.py (requests, balances, the decision
page, allowances and policies)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.schedules.pages import leave, manage, mine


def routes() -> list[BaseRoute]:
    return [*mine.routes(), *leave.routes(), *manage.routes()]
