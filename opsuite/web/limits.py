"""One limit on the size of every request body (server.max_body_bytes), enforced as it streams.

A declared Content-Length past the limit is refused with 413 before a byte of the body is read;
a chunked (or lying) body is counted as it arrives and refused the moment it passes the limit,
so a 50 MB upload never sits in memory and no handler parses it. Bodies that fit pass through
untouched. Sits inside WebContextMiddleware so the 413 page is in the visitor's language.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opsuite.errors import OpsuiteError
from opsuite.web.i18n import gettext as _


class BodyTooLarge(OpsuiteError):
    status = 413


def too_large(limit: int) -> BodyTooLarge:
    megabytes = max(1, limit // 1_000_000)
    return BodyTooLarge(
        _(
            "That is more than %(mb)s MB, the most opsuite accepts in one request. "
            "Send a smaller file, or split it into parts.",
            mb=megabytes,
        )
    )


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        length = declared_length(scope)
        if length is not None and length > self.max_bytes:
            await refuse(scope, receive, send, self.max_bytes)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Raised inside the app, so the error funnel (web/errors.py) answers it.
                    raise too_large(self.max_bytes)
            return message

        await self.app(scope, counted, send)


async def refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    from opsuite.web.errors import error_page, json_error, wants_json

    request = Request(scope, receive)
    message = too_large(limit).message
    response: Response
    if wants_json(request):
        response = json_error(message, 413)
    else:
        response = error_page(request, 413, message)
    # The client may still be sending; tell it (and any proxy) this connection is done.
    response.headers["connection"] = "close"
    await response(scope, receive, send)
