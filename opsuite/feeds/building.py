"""Building a feed into its cache row: its parts' items from the sources, on the last build
where it can (``opsuite.feeds.incremental``), compressed where its blocks changed
(``opsuite.feeds.zipped``). ``opsuite.feeds.service`` answers polls from the row.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tortoise.expressions import Subquery

from opsuite import clock
from opsuite.audit.models import Activity
from opsuite.auth.models import User
from opsuite.auth.permissions import can
from opsuite.caps import Cap
from opsuite.errors import PermissionDenied
from opsuite.feeds import incremental, sources, zipped
from opsuite.feeds.ics import FeedEvent, assemble
from opsuite.feeds.models import FeedCache, FeedKind, FeedToken
from opsuite.meetings.access import visible_meetings
from opsuite.people.access import may_report_on
from opsuite.people.models import Program, Team
from opsuite.schedules.expansion import CORE, HOLIDAY, TIME_OFF, WORK
from opsuite.settings import Settings
from opsuite.tasks.models import TaskEvent
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext, set_request_locale

MIN_DAYS_AHEAD = 14


async def check_owner(
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


def newest_id(model: Any) -> Subquery:
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
        await check_owner(owner, FeedKind(feed.kind), team, program)
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
        .annotate(newest_activity=newest_id(Activity), newest_event=newest_id(TaskEvent))
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
    made: list[incremental.Piece] = []  # the blocks this build made; the others are kept
    for part, load in loaders:
        how = plan.parts[part]
        if how is None and last is not None:
            parts[part] = last.parts[part]
        elif isinstance(how, set) and last is not None:
            fresh = incremental.pieces_of(await load(window, how), versions)
            parts[part] = incremental.splice(last.parts[part], fresh, plan.uids)
            made += fresh
        else:
            parts[part] = incremental.pieces_of(await load(window, None), versions)
            made += parts[part]
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
        made = pieces
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
            parts, incremental.versions_after(versions, made, last), wanted, shrunk, segments
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
