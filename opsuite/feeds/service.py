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
import hashlib
import zlib
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.models import Activity
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import can, is_admin
from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound, PermissionDenied
from opsuite.feeds import incremental, sources, zipped
from opsuite.feeds.ics import FeedEvent, assemble
from opsuite.feeds.memory import forget_everywhere, is_current
from opsuite.feeds.models import FeedCache, FeedKind, FeedToken
from opsuite.meetings.access import visible_meetings
from opsuite.people.access import may_report_on, programs_read_by
from opsuite.people.models import Program, Team
from opsuite.schedules.expansion import CORE, HOLIDAY, TIME_OFF, WORK
from opsuite.settings import Settings
from opsuite.tasks.models import TaskEvent
from opsuite.tokens import digest, new_token
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext, set_request_locale

PARTS = ("shifts", "meetings", "schedule", "tasks")
TOKEN_PREFIX = "cal_"  # noqa: S105  # a label, not a secret  # nosec B105
MAX_TOKEN_LENGTH = 100
USE_RECORD_EVERY = timedelta(hours=1)  # last use is written at most this often
MIN_DAYS_AHEAD = 14
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


async def _check_owner(
    user: User, kind: FeedKind, team: Team | None, program: Program | None
) -> None:
    if kind == FeedKind.TEAM:
        if team is None or not await can(user, Cap.MANAGE, team):
            raise PermissionDenied(_("Only the team's managers may subscribe to its feed."))
    elif kind == FeedKind.PROGRAM and (program is None or not await may_report_on(user, program)):
        raise PermissionDenied(
            _("Only the program's managers and read-only viewers may subscribe to its feed.")
        )
    elif kind == FeedKind.PUBLIC and (program is None or not await can(user, Cap.MANAGE, program)):
        raise PermissionDenied(_("Only the program's managers may create its feeds."))


async def create_feed(
    user: User,
    kind: FeedKind,
    *,
    team: Team | None = None,
    program: Program | None = None,
) -> NewFeed:
    """A new feed address; an earlier one for the same calendar stops working at once.
    Raises PermissionDenied for a team or program the person does not manage."""
    await _check_owner(user, kind, team, program)
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


# --- building ----------------------------------------------------------------------------------


def window_for(settings: Settings, now: datetime, days_ahead: int = 1) -> sources.Window:
    """The feed's window in whole days (UTC), so every build of one day reads the same window
    and an incremental build can keep what did not change."""
    base = settings.server.base_url.rstrip("/")
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return sources.Window(
        start=midnight - timedelta(days=settings.feeds.days_back),
        end=midnight + timedelta(days=max(1, days_ahead) + 1),
        now=now.replace(microsecond=0),
        cancelled_since=midnight - timedelta(days=settings.feeds.keep_cancelled_days),
        base_url=base,
        host=urlsplit(base).hostname or "opsuite",
    )


Loader = Callable[[sources.Window, "Collection[int] | None"], Awaitable[list[FeedEvent]]]


async def _parts(feed: FeedToken, owner: User) -> tuple[str, list[tuple[str, Loader]]]:
    """The feed's name and its parts, each a loader of its items in a fixed number of queries
    whatever their number (the meetings loader can fetch only some meetings again)."""
    parts: list[tuple[str, Loader]] = []
    if feed.kind == FeedKind.PERSON:
        if feed.include_shifts:
            parts.append(("shifts", lambda w, _ids: sources.shifts_of_person(owner, w)))
        if feed.include_meetings:
            parts.append(("meetings", lambda w, ids: sources.meetings_of_person(owner, w, ids)))
        if feed.include_schedule:
            kinds = frozenset({WORK, CORE, TIME_OFF, HOLIDAY})

            async def schedule(w: sources.Window, _ids: Collection[int] | None) -> list[FeedEvent]:
                return await sources.schedule_of_people([owner], w, kinds=kinds, prefix_names=False)

            parts.append(("schedule", schedule))
        if feed.include_tasks:
            parts.append(("tasks", lambda w, _ids: sources.tasks_of_person(owner, w)))
        return _("%(name)s (opsuite)", name=owner.name), parts
    if feed.kind == FeedKind.TEAM:
        team = await Team.get(id=feed.team_id)
        visible = await visible_meetings(owner)

        async def team_time_off(w: sources.Window, _ids: Collection[int] | None) -> list[FeedEvent]:
            members = await sources.team_members(team.id)
            return await sources.schedule_of_people(
                members, w, kinds=frozenset({TIME_OFF}), prefix_names=True
            )

        parts.append(
            (
                "meetings",
                lambda w, ids: sources.meetings_of(w, team_id=team.id, visible=visible, ids=ids),
            )
        )
        parts.append(("schedule", team_time_off))
        return _("Team %(name)s (opsuite)", name=team.name), parts
    program = await Program.get(id=feed.program_id)
    if feed.kind == FeedKind.PROGRAM:
        # A read-only viewer (a funder) gets the program's shifts with sign-up counts; its
        # meetings are the staff's own business.
        if await can(owner, Cap.MANAGE, program):
            visible = await visible_meetings(owner)
            parts.append(
                (
                    "meetings",
                    lambda w, ids: sources.meetings_of(
                        w, program_id=program.id, visible=visible, ids=ids
                    ),
                )
            )
        parts.append(
            ("shifts", lambda w, _ids: sources.shifts_of_program(program.id, w, public_only=False))
        )
        return _("Program %(name)s (opsuite)", name=program.name), parts
    parts.append(
        ("shifts", lambda w, _ids: sources.shifts_of_program(program.id, w, public_only=True))
    )
    return sources.both(lazy_gettext("Open shifts: %(name)s"), name=program.name), parts


def _newest_id(model: Any) -> Subquery:
    return Subquery(model.all().order_by("-id").limit(1).values("id"))


async def watermarks() -> tuple[int, int]:
    """The newest activity and task event ids (0 when there are none)."""
    activity = await Activity.all().order_by("-id").limit(1).values_list("id", flat=True)
    event = await TaskEvent.all().order_by("-id").limit(1).values_list("id", flat=True)
    return (int(str(activity[0])) if activity else 0, int(str(event[0])) if event else 0)


async def _owner_may_see(feed: FeedToken) -> User | None:
    """The feed's owner, or None (and the token revoked) when they may no longer see it
    (deactivated, or no longer managing the team or program)."""
    owner = await User.get(id=feed.user_id)
    team = await Team.get_or_none(id=feed.team_id) if feed.team_id else None
    program = await Program.get_or_none(id=feed.program_id) if feed.program_id else None
    try:
        if not owner.is_active:
            raise PermissionDenied("inactive")
        await _check_owner(owner, FeedKind(feed.kind), team, program)
    except PermissionDenied:
        await FeedToken.filter(id=feed.id).update(revoked_at=clock.now())
        await FeedCache.filter(token_id=feed.id).delete()
        return None
    return owner


@dataclass(frozen=True)
class Built:
    """A feed just built: its bytes, plain and gzipped, as stored in its cache row."""

    token_id: int
    body: bytes
    gzip_body: bytes
    etag: str
    last_modified: datetime
    days_ahead: int
    seen_activity: int
    seen_event: int


_HEAD = (
    "id",
    "etag",
    "built_at",
    "last_modified",
    "days_ahead",
    "stale",
    "seen_activity",
    "seen_event",
)


async def build(feed: FeedToken, *, settings: Settings, full: bool = False) -> Built | None:
    """Build the feed into its cache row, on the last build where it can
    (``opsuite.feeds.incremental``; ``full`` starts from nothing). None (and the token
    revoked) when its owner may no longer see it."""
    # The last build's head and the newest change ids in one query, read before the data: a
    # change committed meanwhile is newer and rebuilds again.
    rows = await (
        FeedCache.filter(token_id=feed.id)
        .annotate(newest_activity=_newest_id(Activity), newest_event=_newest_id(TaskEvent))
        .values(*_HEAD, "newest_activity", "newest_event")
    )
    cache = rows[0] if rows else None
    if cache is None:
        seen_activity, seen_event = await watermarks()
    else:
        seen_activity = int(cache["newest_activity"] or 0)
        seen_event = int(cache["newest_event"] or 0)
    owner = await _owner_may_see(feed)
    if owner is None:
        return None
    set_request_locale(owner.locale, owner.timezone)
    now = clock.now()
    window = window_for(settings, now, settings.feeds.days_ahead)
    name, loaders = await _parts(feed, owner)
    description = _("Private calendar feed from opsuite. Do not share this address.")
    if feed.kind == FeedKind.PUBLIC:
        description = sources.both(
            lazy_gettext("Open volunteer shifts from opsuite. Safe to share.")
        )
    wanted = incremental.basis(
        owner.locale, owner.timezone, window.start, window.end, window.base_url, name,
        description, feed.kind, [part for part, _load in loaders],
    )  # fmt: skip
    last, versions = await _last_build(feed.id, cache)
    # Marked stale by hand (``mark_all_stale``): something changed that the log may not name.
    if (
        full
        or cache is None
        or cache["stale"]
        or last is None
        or last.basis != wanted
        or last.shrunk
    ):
        last = None
    since = (int(cache["seen_activity"]), int(cache["seen_event"])) if cache else (0, 0)
    plan = await incremental.plan(
        last,
        (p for p, _load in loaders),
        since=since,
        upto=(seen_activity, seen_event),
        built_at=cache["built_at"] if cache else now,
    )
    parts: dict[str, list[incremental.Piece]] = {}
    for part, load in loaders:
        how = plan.parts[part]
        if how is None and last is not None:
            parts[part] = last.parts[part]
        elif isinstance(how, set) and last is not None:
            fresh = incremental.pieces_of(await load(window, how), versions)
            parts[part] = incremental.splice(last.parts[part], fresh, plan.uids)
        else:
            parts[part] = incremental.pieces_of(await load(window, None), versions)
    body, pieces, head = _assemble(name, parts, window, description)
    days_ahead = settings.feeds.days_ahead
    # Too big: publish a shorter future (never cut the near future silently).
    while len(body) > settings.feeds.max_bytes and days_ahead > MIN_DAYS_AHEAD:
        days_ahead = max(MIN_DAYS_AHEAD, days_ahead // 2)
        shorter = window_for(settings, now, days_ahead)
        parts = {
            part: incremental.pieces_of(await load(shorter, None), versions)
            for part, load in loaders
        }
        body, pieces, head = _assemble(name, parts, window, description)
    shrunk = days_ahead < settings.feeds.days_ahead
    # Compressed again only where blocks changed; the same blocks give the same bytes, so
    # the ETag can be taken over the (smaller) gzip body.
    gzip_body, segments = zipped.gzip_body(body, head, pieces, last.segments if last else None)
    etag = '"' + hashlib.sha256(gzip_body).hexdigest()[:32] + '"'
    values: dict[str, Any] = {
        "built_at": now,
        "stale": False,
        "state": incremental.state_of(parts, wanted, shrunk=shrunk),
        "seen_activity": seen_activity,
        "seen_event": seen_event,
        "building_until": None,
    }
    if cache is None or cache["etag"] != etag:
        values |= {
            "gzip_body": gzip_body,
            "etag": etag,
            "last_modified": now.replace(microsecond=0),
            "days_ahead": days_ahead,
        }
    if cache is None:
        await FeedCache.create(token_id=feed.id, **values)
    else:
        await FeedCache.filter(id=cache["id"]).update(**values)
    incremental.kept.put(
        feed.id,
        (etag, now),
        incremental.Previous(
            parts, incremental.versions_after(versions, parts, last), wanted, shrunk, segments
        ),
        size=len(body),
        limit=settings.feeds.memory_mb * 1024 * 1024,
    )
    if cache is not None and "last_modified" not in values:  # the same bytes keep their date
        values["last_modified"], values["days_ahead"] = cache["last_modified"], cache["days_ahead"]
    return Built(
        feed.id, body, gzip_body, etag, values["last_modified"], values["days_ahead"],
        seen_activity, seen_event,
    )  # fmt: skip


async def _last_build(
    feed_id: int, cache: dict[str, Any] | None
) -> tuple[incremental.Previous | None, dict[str, tuple[str, int]]]:
    """The last build's blocks and every item's last version: from this process's memory
    when it made that build, else read back from the row."""
    if cache is None:
        return None, {}
    last = incremental.kept.get(feed_id, (cache["etag"], cache["built_at"]))
    if last is not None:
        return last, last.versions
    stored = await FeedCache.filter(id=cache["id"]).values_list("gzip_body", "state")
    if not stored:
        return None, {}
    zipped, state = (bytes(v or b"") for v in stored[0])
    try:
        body = gzip.decompress(zipped)
    except (OSError, EOFError, zlib.error):
        return None, incremental.versions_of(state)
    last = incremental.previous(state, body)
    return last, last.versions if last else incremental.versions_of(state)


def _assemble(
    name: str, parts: dict[str, list[incremental.Piece]], window: sources.Window, description: str
) -> tuple[bytes, list[incremental.Piece], int]:
    """The feed's bytes, its blocks in order, and where the first block starts."""
    pieces = [p for part in incremental.ORDER for p in parts.get(part, ())]
    body = assemble(
        name,
        (p.chunk for p in pieces),
        {p.zone for p in pieces if p.zone},
        first=window.start.date(),
        last=window.end.date(),
        description=description,
    )
    return body, pieces, len(body) - sum(len(p.chunk) for p in pieces) - len(b"END:VCALENDAR\r\n")


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
        .annotate(newest_activity=_newest_id(Activity), newest_event=_newest_id(TaskEvent))
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
