"""One throttle for every write nobody signed in for: each anonymous POST (register, forgot
password, contact, join a shift, links from emails ...) counts per client address and form, and
each write with an API token counts per token owner. Past the limit (settings [throttle]) the
answer is 429 with Retry-After, as a page or JSON (web/errors.py).

The counters are the login lockout's (auth.service.count_request, reached through web.access),
kept in the database so every worker process sees the same numbers. Every route declared with
``page``, ``api`` or ``signed_link`` (web/routing.py) passes through here before anything else
runs.
"""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request

from opsuite.settings import Settings
from opsuite.web.access import count_request
from opsuite.web.context import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def throttle(request: Request, family: str) -> None:
    """Count this request against its limit. Raises TooManyRequests past it."""
    if request.method in SAFE_METHODS:
        return
    settings: Settings = request.app.state.settings
    limits = settings.throttle
    window = timedelta(seconds=limits.window_seconds)
    user = request.state.user
    if user is None:
        key, limit = f"post:{family}:{client_ip(request)}", limits.anonymous_posts
    elif request.state.via_token:
        key, limit = f"api:{user.id}", limits.api_writes
    else:
        return  # a signed-in browser session: its own person, CSRF-checked, not a stranger
    await count_request(key, limit=limit, window=window)
