"""Declaring routes: every route names the capability it needs, and the wrapper asks the one
permission function and checks CSRF before the handler runs.

``page`` is for HTML, ``api`` for JSON under /api/v1 (documented in the OpenAPI document).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from opsuite.auth.permissions import Cap, authorize
from opsuite.errors import PermissionDenied
from opsuite.web.i18n import gettext as _

Handler = Callable[[Request], Awaitable[Response]]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class ApiDoc:
    summary: str
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    params: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    paginated: bool = False


class OpsRoute(Route):
    cap: Cap
    api_doc: ApiDoc | None


async def check_csrf(request: Request) -> None:
    """State-changing requests must echo the CSRF cookie (form field or X-CSRF-Token header).
    Requests authenticated by a bearer token carry no cookie and need none."""
    if request.method in SAFE_METHODS or request.state.via_token:
        return
    expected = request.state.csrf_token
    given = request.headers.get("x-csrf-token", "")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token", "")
        given = value if isinstance(value, str) else ""
    if not (given and request.cookies.get("opsuite_csrf") and hmac.compare_digest(given, expected)):
        raise PermissionDenied(
            _("Your form had expired or came from another site. Please submit it again.")
        )


def _wrap(endpoint: Handler, cap: Cap) -> Handler:
    async def guarded(request: Request) -> Response:
        await authorize(request.state.user, cap)
        await check_csrf(request)
        return await endpoint(request)

    guarded.__name__ = endpoint.__name__
    guarded.__doc__ = endpoint.__doc__
    return guarded


def page(
    path: str, endpoint: Handler, *, cap: Cap, name: str, methods: tuple[str, ...] = ("GET",)
) -> OpsRoute:
    route = OpsRoute(path, _wrap(endpoint, cap), methods=list(methods), name=name)
    route.cap = cap
    route.api_doc = None
    return route


def signed_link(
    path: str, endpoint: Handler, *, name: str, methods: tuple[str, ...] = ("GET", "POST")
) -> OpsRoute:
    """A public route whose URL carries its own HMAC proof (e.g. one-click unsubscribe, which
    mail providers POST without cookies). The handler must verify the signature; no CSRF check,
    since no session is involved."""

    async def checked(request: Request) -> Response:
        await authorize(request.state.user, Cap.PUBLIC)
        return await endpoint(request)

    checked.__name__ = endpoint.__name__
    route = OpsRoute(path, checked, methods=list(methods), name=name)
    route.cap = Cap.PUBLIC
    route.api_doc = None
    return route


def api(
    path: str,
    endpoint: Handler,
    *,
    cap: Cap,
    name: str,
    doc: ApiDoc,
    methods: tuple[str, ...] = ("GET",),
) -> OpsRoute:
    route = page(path, endpoint, cap=cap, name=name, methods=methods)
    route.api_doc = doc
    return route
