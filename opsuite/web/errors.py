"""The one place that turns errors into answers: an HTML page or JSON {"error", "field"}.

Expected failures (bad input, forbidden, not found) are answers, logged at info at most;
anything else is logged with its traceback and the user sees a plain page without internals.
"""

from __future__ import annotations

import errno
import json
import logging
from urllib.parse import quote, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.exceptions import DBConnectionError

from opsuite.errors import (
    Conflict,
    EditConflictError,
    FieldErrors,
    NotAuthenticated,
    OpsuiteError,
    TooManyRequests,
)
from opsuite.web.context import SECURITY_HEADERS, flash
from opsuite.web.forms import has_control_character
from opsuite.web.i18n import gettext as _

log = logging.getLogger("opsuite.web")


def wants_json(request: Request) -> bool:
    """API paths, and any request that sent or asked for JSON (e.g. draft autosave)."""
    return (
        request.url.path.startswith("/api/")
        or request.headers.get("accept", "").startswith("application/json")
        or request.headers.get("content-type", "").startswith("application/json")
    )


def json_error(
    message: str, status: int, field: str | None = None, fields: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, object] = {"error": message, "field": field}
    if fields:
        body["fields"] = fields
    return JSONResponse(body, status_code=status)


def _titles() -> dict[int, str]:
    return {
        400: _("That request could not be understood"),
        401: _("Please log in"),
        403: _("Not allowed"),
        404: _("Page not found"),
        405: _("That action is not available here"),
        409: _("That could not be done"),
        413: _("That upload is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
        503: _("opsuite is briefly unavailable"),
    }


def error_page(request: Request, status: int, message: str, *, title: str = "") -> Response:
    from opsuite.web.templating import render

    title = title or _titles().get(status, _("Something went wrong on our side"))
    try:
        return render(
            request,
            "errors/error.html",
            {
                "status": status,
                "title": title,
                "message": message,
                # Quoted to an administrator, it finds this request's lines in the log.
                "request_id": getattr(request.state, "request_id", "") if status >= 500 else "",
                "back": page_it_came_from(request) or "",
            },
            status=status,
        )
    except Exception:
        log.exception("error page failed to render")
        return Response(
            f"{status} {title}\n{message}\n",
            status_code=status,
            media_type="text/plain; charset=utf-8",
        )


async def handle_opsuite_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, OpsuiteError):  # Starlette only routes OpsuiteErrors here
        return await handle_unexpected(request, exc)
    if isinstance(exc, TooManyRequests):
        response = await _answer_opsuite_error(request, exc)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return await _answer_opsuite_error(request, exc)


async def _answer_opsuite_error(request: Request, exc: OpsuiteError) -> Response:
    if wants_json(request):
        fields = exc.errors if isinstance(exc, FieldErrors) else None
        status = 401 if isinstance(exc, NotAuthenticated) else exc.status
        return json_error(exc.message, status, exc.field, fields)
    if isinstance(exc, NotAuthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    log.info("refused %s %s: %s", request.method, request.url.path, exc.message)
    if isinstance(exc, EditConflictError):
        return error_page(request, exc.status, exc.message, title=_("Someone else changed this"))
    back = page_it_came_from(request) if request.method == "POST" else None
    if isinstance(exc, Conflict) and back is not None:
        # A rule said no (the shift needs a skill, check-in opens later): the person stays on
        # the page they were on and reads why there, not on a dead end.
        return flash(request, RedirectResponse(back, status_code=303), exc.message, "error")
    return error_page(request, exc.status, exc.message)


def page_it_came_from(request: Request) -> str | None:
    """The page (path and query) of this site that the request came from, by its Referer."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/"):
        return None
    if referer.path.startswith("//") or has_control_character(referer.path + referer.query):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


async def handle_http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # Starlette only routes HTTPExceptions here
        return await handle_unexpected(request, exc)
    messages = {
        404: _("There is nothing at this address. Check the link, or start from the home page."),
        405: _("That action is not available here."),
    }
    message = messages.get(exc.status_code, _titles().get(exc.status_code, str(exc.detail)))
    if wants_json(request):
        response: Response = json_error(message, exc.status_code)
    else:
        response = error_page(request, exc.status_code, message)
    # e.g. the Allow header of a 405, which clients need to know what would work.
    response.headers.update(exc.headers or {})
    return response


RETRY_AFTER_SECONDS = 60

# A connection to the database that is refused, reset or closed under us. asyncpg's own classes
# are added when it is installed (SQLite needs none).
_LOST_CONNECTION: tuple[type[BaseException], ...] = (
    DBConnectionError,
    ConnectionError,
    TimeoutError,
)
try:
    import asyncpg

    _LOST_CONNECTION += (
        asyncpg.PostgresConnectionError,  # includes ConnectionDoesNotExistError
        asyncpg.CannotConnectNowError,  # starting up or shutting down
        asyncpg.AdminShutdownError,  # pg_ctl stop while a query ran
        asyncpg.InterfaceError,  # "connection is closed"
        # "cannot switch to state ...": the pool resetting a connection that died mid-query.
        asyncpg.exceptions.InternalClientError,
    )
except ImportError:  # pragma: no cover - asyncpg is a dependency
    pass


_NETWORK_ERRNOS = {
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ETIMEDOUT,
    errno.EPIPE,
}


def is_database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the database could not be reached.

    Tortoise wraps some driver errors (in OperationalError, for one), so the cause chain is
    followed; an OperationalError on its own (a bad query) is a bug, not an outage."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _LOST_CONNECTION):
            return True
        if isinstance(current, OSError) and current.errno in _NETWORK_ERRNOS:
            return True
        current = current.__cause__ or current.__context__
    return False


def database_unavailable(request: Request) -> Response:
    """503 with Retry-After: the database went away; the next try usually works."""
    message = _("opsuite is briefly unavailable, please try again in a minute.")
    response = (
        json_error(message, 503) if wants_json(request) else error_page(request, 503, message)
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers.update(SECURITY_HEADERS)
    return response


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    if is_database_unavailable(exc):
        log.warning(
            "database unavailable on %s %s (request %s): %s",
            request.method,
            request.url.path,
            getattr(request.state, "request_id", "-"),
            type(exc).__name__,
        )
        return database_unavailable(request)
    log.error(
        "unhandled error on %s %s (request %s)",
        request.method,
        request.url.path,
        getattr(request.state, "request_id", "-"),
        exc_info=exc,
    )
    message = _(
        "The error has been logged. Please try again in a moment; what you typed "
        "has not been saved yet."
    )
    response = (
        json_error(message, 500) if wants_json(request) else error_page(request, 500, message)
    )
    # Starlette answers this one outside our middleware, so the headers are added here.
    response.headers.update(SECURITY_HEADERS)
    return response


async def handle_bad_json(request: Request, exc: Exception) -> Response:
    return json_error(_("The request body is not valid JSON."), 400)


class ErrorFunnelMiddleware:
    """Answers whatever the routes and the middleware inside it raise (a lost database during
    the session lookup, a bug) with ``handle_unexpected``, and returns normally.

    Starlette's own last resort (ServerErrorMiddleware) re-raises after answering, so the
    server logs the traceback a second time and closes the keep-alive connection: behind a
    proxy that keeps connections open, every 503 of a database outage became a 502 and a
    traceback. Here an outage is one warning line per request and a real bug one traceback
    with its request id. Sits inside ObserveMiddleware, so the access line has the status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:  # noqa: BLE001 - the last resort: every error gets its answer
            request = Request(scope, receive)
            _fill_missing_state(request)
            response = await handle_unexpected(request, exc)
            if started:  # half an answer is out: nothing more can be said on this connection
                return
            await response(scope, receive, send)


def _fill_missing_state(request: Request) -> None:
    """What the error page needs when the failure came before WebContextMiddleware set it."""
    from opsuite.web.i18n import current_locale

    state = request.scope.setdefault("state", {})
    state.setdefault("user", None)
    state.setdefault("via_token", False)
    state.setdefault("csrf_token", "")
    state.setdefault("flashes", [])
    state.setdefault("locale", current_locale())
    state.setdefault("secure", False)


EXCEPTION_HANDLERS = {
    OpsuiteError: handle_opsuite_error,
    HTTPException: handle_http_error,
    json.JSONDecodeError: handle_bad_json,
    Exception: handle_unexpected,
}
