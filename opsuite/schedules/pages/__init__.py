"""Schedule pages, one module per audience: mine.py (everyone on staff: my week or month, my
leave, a team's schedule) and manage.py (managers and admins: the arrangement editor,
exceptions, approvals, offices and holidays)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from opsuite.schedules.pages import manage, mine


def routes() -> list[BaseRoute]:
    return [*mine.routes(), *manage.routes()]
