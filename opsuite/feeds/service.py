"""Feed tokens (create, regenerate, choose what a feed shows, revoke), building a feed into
its cache, and answering a calendar client from that cache.

A client's poll reads one cache row by the token's digest, and in the same query the newest
activity and task-event ids: when they moved past what the build saw (or the row is marked
stale), the poll rebuilds the feed there and then, so a change shows at the next poll. One
poll at a time per feed holds the build lease; the others answer the previous bytes with a
short max-age. An unchanged feed answers 304 without touching the body. The ``feeds.refresh``
job also rebuilds stale feeds in the background (see ``opsuite.feeds.changes``).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.models import Activity
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin
from opsuite.errors import InvalidInput, NotFound
from opsuite.feeds.building import Built, build, check_owner, newest_id
from opsuite.feeds.memory import forget_everywhere, is_current
from opsuite.feeds.models import FeedCache, FeedKind, FeedToken
from opsuite.people.access import programs_read_by
from opsuite.people.models import Program, Team
from opsuite.settings import Settings
from opsuite.tasks.models import TaskEvent
from opsuite.tokens import digest, new_token
from opsuite.web.i18n import gettext as _

PARTS = ("shifts", "meetings", "schedule", "tasks")
TOKEN_PREFIX = "cal_"  # noqa: S105  # a label, not a secret  # nosec B105
MAX_TOKEN_LENGTH = 100
USE_RECORD_EVERY = timedelta(hours=1)  # last use is written at most this often
BUILD_LEASE = timedelta(seconds=30)  # a crashed build frees its feed after this
BUILDING_MAX_AGE = 5  # seconds a client may keep the previous bytes while another poll builds
MAX_AGE = 300


@dataclass(frozen=True)
class NewFeed:
    token: str  # shown once; only its digest is kept
    feed: FeedToken


@dataclass(frozen=True)
class Cached:
    etag: str
    last_modified: datetime
    body: bytes | None  # None when the client's copy is current (304)
    gzipped: bool
    public: bool = False  # the open-shift feed: nothing personal, shared caches may keep it
    max_age: int = MAX_AGE  # short while another poll rebuilds the feed
    # The newest activity and task-event ids these bytes are known current for (None while
    # another poll rebuilds them): what ``opsuite.feeds.memory`` checks before answering.
    marks: tuple[int, int] | None = None


# --- addresses ---------------------------------------------------------------------------------


def feed_url(settings: Settings, token: str) -> str:
    return f"{settings.server.base_url.rstrip('/')}/feeds/{token}.ics"


def webcal_url(settings: Settings, token: str) -> str:
    url = feed_url(settings, token)
    return "webcal://" + url.split("://", 1)[1]


def google_url(settings: Settings, token: str) -> str:
    return "https://calendar.google.com/calendar/r?cid=" + quote(webcal_url(settings, token), "")


def outlook_url(settings: Settings, token: str, name: str) -> str:
    return (
        "https://outlook.live.com/calendar/0/addfromweb?url="
        + quote(feed_url(settings, token), "")
        + "&name="
        + quote(name, "")
    )


# --- tokens ------------------------------------------------------------------------------------


async def create_feed(
    user: User,
    kind: FeedKind,
    *,
    team: Team | None = None,
    program: Program | None = None,
) -> NewFeed:
    """A new feed address; an earlier one for the same calendar stops working at once.
    Raises PermissionDenied for a team or program the person does not manage."""
    await check_owner(user, kind, team, program)
    token = new_token(TOKEN_PREFIX)
    now = clock.now()
    async with in_transaction():
        same = FeedToken.filter(
            user_id=user.id,
            kind=kind,
            team_id=team.id if team else None,
            program_id=program.id if program else None,
            revoked_at=None,
        )
        previous = await same.first()
        await same.update(revoked_at=now)
        feed = await FeedToken.create(
            token_hash=digest(token),
            prefix=token[:10],
            kind=kind,
            user=user,
            team=team,
            program=program,
            created_at=now,
            **(
                {f"include_{p}": getattr(previous, f"include_{p}") for p in PARTS}
                if previous
                else {}
            ),
        )
        await record(
            user, "feeds.token." + ("regenerated" if previous else "created"), feed, kind=kind
        )
    return NewFeed(token, feed)


async def get_own_feed(user: User, feed_id: int) -> FeedToken:
    """Raises NotFound unless the feed is the person's and still active."""
    feed = await FeedToken.get_or_none(id=feed_id, user_id=user.id, revoked_at=None)
    if feed is None:
        raise NotFound(_("No such calendar feed."))
    return feed


async def revoke_feed(user: User, feed_id: int) -> None:
    """The address stops working at once. Raises NotFound."""
    feed = await get_own_feed(user, feed_id)
    await FeedToken.filter(id=feed.id).update(revoked_at=clock.now())
    await FeedCache.filter(token_id=feed.id).delete()
    await record(user, "feeds.token.revoked", feed, kind=feed.kind)


async def set_parts(user: User, feed_id: int, parts: set[str], *, settings: Settings) -> FeedToken:
    """Choose what a personal feed shows; the feed is rebuilt now. Raises NotFound or
    InvalidInput."""
    if not parts <= set(PARTS):
        raise InvalidInput(_("Unknown part of a feed."), field="parts")
    feed = await get_own_feed(user, feed_id)
    for part in PARTS:
        setattr(feed, f"include_{part}", part in parts)
    await feed.save(update_fields=[f"include_{p}" for p in PARTS])
    await record(user, "feeds.token.changed", feed, parts=sorted(parts))
    await build(feed, settings=settings)
    return feed


async def list_feeds(user: User) -> list[FeedToken]:
    return (
        await FeedToken.filter(user_id=user.id, revoked_at=None)
        .order_by("kind", "id")
        .prefetch_related("team", "program")
    )


async def managed_teams(user: User) -> list[Team]:
    if is_admin(user):
        return list(await Team.filter(is_active=True).order_by("name"))
    return list(
        await Team.filter(members__user_id=user.id, members__is_manager=True).order_by("name")
    )


async def read_programs(user: User) -> list[Program]:
    """The active programs ``user`` has read-only access to (their program feed only)."""
    ids = await programs_read_by(user)
    return list(await Program.filter(id__in=ids, is_active=True).order_by("name"))


# --- serving -----------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    """The digest to look up; a malformed token is hashed too (same work as a real one)."""
    if len(token) > MAX_TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        return digest(f"malformed:{len(token)}")
    return digest(token)


def representation_tag(etag: str, gzipped: bool) -> str:
    """The strong ETag of one body: the gzip body's differs from the identity body's."""
    return etag[:-1] + '-gz"' if gzipped else etag


async def fetch(
    token: str,
    *,
    settings: Settings,
    gzipped: bool,
    if_none_match: str = "",
    if_modified_since: datetime | None = None,
) -> Cached:
    """The feed for a token, from its cache (built now on the first fetch). Raises NotFound
    for an unknown, revoked or malformed token, or one whose owner was deactivated."""
    hashed = token_digest(token)
    # Field names, not secrets.
    live = {
        "token__token_hash": hashed,  # nosec B105
        "token__revoked_at": None,
        "token__user__is_active": True,
    }
    conditional = bool(if_none_match) or if_modified_since is not None
    head = [
        "token_id",
        "etag",
        "last_modified",
        "token__last_used_at",
        "token__kind",
        "stale",
        "seen_activity",
        "seen_event",
        "building_until",
        "newest_activity",
        "newest_event",
    ]
    # One query: the row, and whether anything changed since its build.
    rows = (
        await FeedCache.filter(**live)
        .annotate(newest_activity=newest_id(Activity), newest_event=newest_id(TaskEvent))
        .values(*(head if conditional else [*head, "gzip_body"]))
    )
    if not rows:
        return await _first_fetch(hashed, settings=settings, gzipped=gzipped)
    row = rows[0]
    await _note_use(row["token_id"], row["token__last_used_at"])
    max_age = MAX_AGE
    if _is_stale(row):
        fresh = await _rebuild_on_poll(row, settings=settings, gzipped=gzipped)
        if fresh is not None:
            if conditional and is_current(
                fresh.etag, fresh.last_modified, if_none_match, if_modified_since
            ):
                return replace(fresh, body=None)  # rebuilt to the same bytes
            return fresh
        max_age = BUILDING_MAX_AGE  # another poll is building: the previous bytes, briefly
    etag, modified = representation_tag(row["etag"], gzipped), row["last_modified"]
    public = row["token__kind"] == FeedKind.PUBLIC
    marks = (
        (int(row["newest_activity"] or 0), int(row["newest_event"] or 0))
        if max_age == MAX_AGE
        else None
    )
    if conditional and is_current(etag, modified, if_none_match, if_modified_since):
        return Cached(etag, modified, None, gzipped, public, max_age, marks)
    if conditional:
        found = await FeedCache.filter(token_id=row["token_id"]).values_list("gzip_body", flat=True)
        if not found:
            raise NotFound(_("No such calendar feed."))
        body = _representation(bytes(found[0]), gzipped)
        return Cached(etag, modified, body, gzipped, public, max_age, marks)
    body = _representation(bytes(row["gzip_body"]), gzipped)
    return Cached(etag, modified, body, gzipped, public, max_age, marks)


def _representation(gzip_body: bytes, gzipped: bool) -> bytes:
    """The stored bytes as the client takes them: nearly every calendar app takes gzip; the
    others get them unzipped (a millisecond for a 500 KB feed)."""
    return gzip_body if gzipped else gzip.decompress(gzip_body)


def _is_stale(row: dict[str, Any]) -> bool:
    return bool(
        row["stale"]
        or int(row["newest_activity"] or 0) > int(row["seen_activity"] or 0)
        or int(row["newest_event"] or 0) > int(row["seen_event"] or 0)
    )


async def _rebuild_on_poll(
    row: dict[str, Any], *, settings: Settings, gzipped: bool
) -> Cached | None:
    """Rebuild a stale feed now when this poll wins the build lease (a conditional UPDATE, so
    one poll at a time per feed across workers); None when another poll holds it."""
    now = clock.now()
    claimed = (
        await FeedCache.filter(token_id=row["token_id"])
        .filter(Q(building_until=None) | Q(building_until__lt=now))
        .update(building_until=now + BUILD_LEASE)
    )
    if not claimed:
        return None
    feed = await FeedToken.get_or_none(id=row["token_id"])
    try:
        cache = await build(feed, settings=settings) if feed is not None else None
    except BaseException:
        await FeedCache.filter(token_id=row["token_id"]).update(building_until=None)
        raise
    if feed is None or cache is None:
        raise NotFound(_("No such calendar feed."))
    return _answer(cache, gzipped, public=feed.kind == FeedKind.PUBLIC)


def _answer(cache: Built, gzipped: bool, *, public: bool) -> Cached:
    """A just-built feed as an answer, current for the marks its build read."""
    body = cache.gzip_body if gzipped else cache.body
    etag = representation_tag(cache.etag, gzipped)
    marks = (int(cache.seen_activity), int(cache.seen_event))
    return Cached(etag, cache.last_modified, bytes(body), gzipped, public, MAX_AGE, marks)


async def _first_fetch(hashed: str, *, settings: Settings, gzipped: bool) -> Cached:
    feed = await FeedToken.get_or_none(token_hash=hashed, revoked_at=None, user__is_active=True)
    cache = await build(feed, settings=settings) if feed is not None else None
    if feed is None or cache is None:
        raise NotFound(_("No such calendar feed."))
    await _note_use(feed.id, feed.last_used_at)
    return _answer(cache, gzipped, public=feed.kind == FeedKind.PUBLIC)


async def _note_use(feed_id: int, last_used_at: datetime | None) -> None:
    now = clock.now()
    if last_used_at is None or now - last_used_at > USE_RECORD_EVERY:
        await FeedToken.filter(id=feed_id).update(last_used_at=now)


# --- background ---------------------------------------------------------------------------------


async def mark_all_stale() -> int:
    """Have every feed rebuilt from nothing at its next poll (or by the job)."""
    forget_everywhere()  # other workers' memories let go within a minute (ENTRY_SECONDS)
    return await FeedCache.filter(stale=False).update(stale=True)


async def rebuild_stale(
    *, settings: Settings, limit: int = 200, max_age: timedelta = timedelta(hours=6)
) -> int:
    """Rebuild from nothing the feeds marked stale and those older than ``max_age`` (the
    safety net under incremental builds), most recently used first. One bad feed is logged by
    the job and does not stop the others."""
    old = clock.now() - max_age
    await FeedCache.filter(stale=False, built_at__lt=old).update(stale=True)
    ids = await (
        FeedCache.filter(stale=True, token__revoked_at=None)
        .order_by("-token__last_used_at")
        .limit(limit)
        .values_list("token_id", flat=True)
    )
    feeds = await FeedToken.filter(id__in=list(ids))
    for feed in feeds:
        await build(feed, settings=settings)
    return len(feeds)
