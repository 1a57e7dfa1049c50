"""The hot path of a calendar poll: feeds this worker served lately, answered from memory.

Calendar apps poll all day and nearly always get the same bytes (or a 304). A poll whose feed
this worker read or built since the newest change it knows of is answered here, before the web
stack, with no database work and no per-request parsing beyond the headers it needs:

- *the newest change* is the pair of the newest activity and task-event ids, the same
  watermarks a build records (``opsuite.feeds.service``). This worker reads them at most once
  a second (``RECHECK_SECONDS``), and before its next poll after it wrote an activity or a task
  event itself (a Tortoise ``post_save`` signal). So a change made through this worker shows at
  the next poll, and one made through another worker within a second;
- an entry is kept at most ``ENTRY_SECONDS`` (a feed's window moves, the background job
  rebuilds old feeds, a token's last use is written hourly: all on the ordinary path), and the
  entries of one worker hold at most ``feeds.memory_mb`` of bodies (least recently used go);
- anything else (a token not in memory, a query string, a stale feed, a database error) goes
  on to the ``feeds:feed`` route (``opsuite.feeds.pages``), which answers from the feed cache
  table, rebuilds when stale, answers errors as every page does, and keeps its answer here.

The answer is the route's, header for header (``answer_headers``), including the security
headers the web stack adds to every response.
"""

from __future__ import annotations

import os
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise.signals import post_save

from opsuite.audit.models import Activity
from opsuite.settings import Settings
from opsuite.tasks.models import TaskEvent
from opsuite.web.context import SECURITY_HEADERS, hsts_header

if TYPE_CHECKING:
    from opsuite.feeds.service import Cached

RECHECK_SECONDS = 1.0  # how old the newest-change marks may be (changes in other workers)
ENTRY_SECONDS = 60.0  # how long an entry answers before the ordinary path looks again
PATH_PREFIX, PATH_SUFFIX = "/feeds/", ".ics"
# A calendar is data, not a page: nothing in it may run or be framed.
CALENDAR_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"

_memories: weakref.WeakSet[FeedMemory] = weakref.WeakSet()


def accepts_gzip(raw: str) -> bool:
    """Whether an Accept-Encoding value allows gzip: named (or ``*``) with a q-value above 0."""
    quality: dict[str, float] = {}
    for item in raw[:500].lower().split(","):
        coding, _sep, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[coding.strip()] = q
    return quality.get("gzip", quality.get("x-gzip", quality.get("*", 0.0))) > 0


def if_modified_since(raw: str) -> datetime | None:
    if not raw or len(raw) > 100:
        return None
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None


def is_current(
    etag: str, last_modified: datetime, if_none_match: str, modified_since: datetime | None
) -> bool:
    """Whether the client's copy is this one (If-None-Match wins over If-Modified-Since)."""
    if if_none_match:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag in tags or "*" in tags
    return modified_since is not None and last_modified <= modified_since


def answer_headers(cached: Cached, *, hsts: str = "") -> list[tuple[str, str]]:
    """The headers of a feed answer (200 and 304 alike; the route adds the request id).

    The public open-shift feed holds nothing personal and may be kept by shared caches; a
    personal, team or program feed only by the client. No answer sets a cookie."""
    headers = [
        ("etag", cached.etag),
        ("last-modified", format_datetime(cached.last_modified.astimezone(UTC), usegmt=True)),
        (
            "cache-control",
            ("public" if cached.public else "private") + f", max-age={cached.max_age}",
        ),
        ("vary", "Accept-Encoding"),
        ("x-robots-tag", "noindex"),
        ("content-security-policy", CALENDAR_CSP),
        *((k, v) for k, v in SECURITY_HEADERS.items() if k != "content-security-policy"),
    ]
    if hsts:
        headers.append(("strict-transport-security", hsts))
    if cached.body is not None:
        headers.append(("content-disposition", 'inline; filename="calendar.ics"'))
        headers.append(("content-type", "text/calendar; charset=utf-8"))
        if cached.gzipped:
            headers.append(("content-encoding", "gzip"))
    return headers


@dataclass
class _Entry:
    cached: Cached
    marks: tuple[int, int]  # the newest activity and task-event ids the bytes are current for
    kept_at: float
    size: int
    headers: list[tuple[bytes, bytes]]  # everything but content-length and x-request-id
    unchanged_headers: list[tuple[bytes, bytes]]  # those of a 304 (no body headers)


class FeedMemory:
    """The entries of one worker (one per application), keyed by token digest and encoding."""

    def __init__(
        self,
        *,
        max_bytes: int,
        hsts: str = "",
        monotonic: Callable[[], float] = time.monotonic,
        watermarks: Callable[[], Any] | None = None,
    ) -> None:
        self.max_bytes, self.hsts, self.monotonic = max_bytes, hsts, monotonic
        self._watermarks = watermarks
        self.entries: OrderedDict[tuple[str, bool], _Entry] = OrderedDict()
        self.size = 0
        self.marks = (0, 0)
        self.checked_at = float("-inf")
        self.dirty = True
        _memories.add(self)

    async def newest(self) -> tuple[int, int]:
        """The newest-change marks, read again when a second old or after a local write."""
        now = self.monotonic()
        if self.dirty or now - self.checked_at >= RECHECK_SECONDS:
            self.dirty, self.checked_at = False, now
            if self._watermarks is None:
                from opsuite.feeds.building import watermarks

                self._watermarks = watermarks
            try:
                activity, event = await self._watermarks()
            except BaseException:
                self.checked_at = float("-inf")
                raise
            # Answers may come back out of order: ids only grow.
            self.marks = (max(self.marks[0], activity), max(self.marks[1], event))
        return self.marks

    async def get(self, digest: str, gzipped: bool) -> _Entry | None:
        entry = self.entries.get((digest, gzipped))
        if entry is None:
            return None
        if self.monotonic() - entry.kept_at >= ENTRY_SECONDS:
            self._drop((digest, gzipped))
            return None
        newest = await self.newest()
        if entry.marks[0] < newest[0] or entry.marks[1] < newest[1]:
            self._drop((digest, gzipped))
            return None
        self.entries.move_to_end((digest, gzipped))
        return entry

    def keep(self, digest: str, cached: Cached) -> None:
        """Remember an answer of the ordinary path (a rebuild in progress is not kept)."""
        if cached.marks is None:
            return
        key = (digest, cached.gzipped)
        self._drop(key)
        size = len(cached.body or b"") + 512
        if size > self.max_bytes:
            return
        headers = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in answer_headers(cached, hsts=self.hsts)
        ]
        unchanged = [h for h in headers if h[0] not in _BODY_HEADERS]
        self.entries[key] = _Entry(cached, cached.marks, self.monotonic(), size, headers, unchanged)
        self.size += size
        while self.size > self.max_bytes:
            self._drop(next(iter(self.entries)))

    def forget_all(self) -> None:
        self.entries.clear()
        self.size = 0
        self.dirty = True

    def _drop(self, key: tuple[str, bool]) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= entry.size


def forget_everywhere() -> None:
    """Drop every entry of this process (feeds marked stale in bulk)."""
    for memory in list(_memories):
        memory.forget_all()


async def _changed(*_args: Any, **_kwargs: Any) -> None:
    for memory in list(_memories):
        memory.dirty = True


post_save(Activity)(_changed)
post_save(TaskEvent)(_changed)


class _FeedRoute:
    name = "feeds:feed"  # how the access log and /metrics name an answer from memory


class FeedFastPath:
    """ASGI middleware answering polls from ``FeedMemory``; everything else passes through.
    Installed by the feeds area (``register``) right inside the request log and metrics."""

    route = _FeedRoute()

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.memory = FeedMemory(
            max_bytes=settings.feeds.memory_mb * 1024 * 1024, hsts=hsts_header(settings)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path.startswith(PATH_PREFIX) and path.endswith(PATH_SUFFIX)):
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["feed_memory"] = self.memory
        if scope["method"] not in ("GET", "HEAD") or scope.get("query_string"):
            await self.app(scope, receive, send)
            return
        token = path[len(PATH_PREFIX) : -len(PATH_SUFFIX)]
        # Only the three request headers a poll needs (a session cookie is left as it is, as
        # the route does); no dict of all of them.
        encoding = none_match = modified = b""
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                encoding = value
            elif name == b"if-none-match":
                none_match = value
            elif name == b"if-modified-since":
                modified = value
        gzipped = _accepts_gzip_cached(encoding)
        try:
            entry = await self.memory.get(_token_digest(token), gzipped)
        # The database is away (or anything else): the ordinary path answers, as every page.
        except Exception:  # noqa: BLE001
            entry = None
        if entry is None:
            await self.app(scope, receive, send)
            return
        cached = entry.cached
        scope["route"], scope["path_params"] = self.route, {"token": token}
        since = if_modified_since(modified.decode("latin-1")) if modified else None
        current = (none_match or since is not None) and is_current(
            cached.etag, cached.last_modified, none_match[:500].decode("latin-1"), since
        )
        if not current and cached.body is None:
            await self.app(scope, receive, send)  # only a 304 was kept: read the body there
            return
        request_id = str(scope["state"].get("request_id") or os.urandom(8).hex())
        if current:
            out = [*entry.unchanged_headers, (b"x-request-id", request_id.encode("latin-1"))]
            await send({"type": "http.response.start", "status": 304, "headers": out})
            await send({"type": "http.response.body", "body": b""})
            return
        body = cached.body or b""
        out = [
            *entry.headers,
            (b"x-request-id", request_id.encode("latin-1")),
            (b"content-length", str(len(body)).encode("latin-1")),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )


_gzip_answers: dict[bytes, bool] = {}


def _accepts_gzip_cached(raw: bytes) -> bool:
    """accepts_gzip of a header value, remembered: clients send a handful of values."""
    answer = _gzip_answers.get(raw)
    if answer is None:
        answer = accepts_gzip(raw.decode("latin-1"))
        if len(_gzip_answers) < 256:  # bounded: a client inventing values gains nothing
            _gzip_answers[raw] = answer
    return answer


_digests: list[Callable[[str], str]] = []


def _token_digest(token: str) -> str:
    if not _digests:
        from opsuite.feeds.service import token_digest  # the service imports this module

        _digests.append(token_digest)
    return _digests[0](token)


_BODY_HEADERS = frozenset({b"content-disposition", b"content-type", b"content-encoding"})
