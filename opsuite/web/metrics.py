"""GET /metrics for Prometheus: served to admins, and to scrapers on this machine or behind the
trusted proxies; anyone else gets 404 (the figures are operational, not public)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import NotFound
from opsuite.observe import metrics_text
from opsuite.web.access import is_admin
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page

LOCAL = ("127.0.0.1", "::1")


async def metrics(request: Request) -> Response:
    user = request.state.user
    client = request.client.host if request.client else ""
    trusted = request.app.state.settings.server.trusted_proxies
    if not (is_admin(user) or client in LOCAL or client in trusted):
        raise NotFound(
            _("There is nothing at this address. Check the link, or start from the home page.")
        )
    return PlainTextResponse(
        await metrics_text(), media_type="text/plain; version=0.0.4; charset=utf-8"
    )


def routes() -> list[BaseRoute]:
    return [page("/metrics", metrics, cap=Cap.PUBLIC, name="web:metrics")]
