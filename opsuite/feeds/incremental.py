"""Incremental builds: a rebuild serializes only what changed and reuses the rest's bytes.

A feed is made of parts (``shifts``, ``meetings``, ``schedule``, ``tasks``), each a list of
VEVENT blocks kept in a fixed order (by UID and RECURRENCE-ID), so a feed assembled from kept
and new blocks is byte for byte the feed a build from nothing gives. The cache row's ``state``
records, for each part, every block's key, UID, content fingerprint, SEQUENCE, zone and
length; the blocks themselves are the row's body, cut at those lengths. The process that
built a feed keeps its blocks (``kept``), so its next rebuild reads back only the row's ETag.

What a rebuild fetches again comes from the activity log and the task events written since the
last build (every change people care about is written there; areas never call feeds):

- an action that cannot change what any feed shows (a login, a new API token, a poll vote) is
  passed over;
- a change to one meeting (created, changed, cancelled, answered, one occurrence changed or
  skipped) fetches that meeting again, in each feed that may hold it;
- any other action of an area rebuilds that area's part whole; a task event, the tasks part;
- anything else (a person renamed, a team's members, an erasure, an action this module does
  not know) rebuilds the whole feed, as does a build whose basis moved (language, zone, window
  day, address, what the feed shows), a first build, one past ``MAX_CHANGES`` changes, one of
  a feed too big for ``feeds.max_bytes``, and the background job's six-hourly build.

Activities written up to ``LATE`` before the last build are read again (among the last ``SLACK``
ids it saw), so a change whose transaction committed after a later one's is not passed over
(PostgreSQL hands out ids before commit). Applying a change twice is harmless.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any, NamedTuple

from tortoise.expressions import Q, RawSQL

from opsuite.audit.models import Activity
from opsuite.feeds.ics import FeedEvent, event_bytes, zone_key
from opsuite.feeds.zipped import Segments, ends_segment
from opsuite.meetings.models import Meeting

FORMAT = 3
MAX_CHANGES = 500
SLACK = 100
LATE = timedelta(minutes=2)  # longer than any transaction that writes an activity
ORDER = ("shifts", "meetings", "schedule", "tasks")
FULL = "full"  # the part is fetched whole

# Actions that change nothing a feed shows.
PASSED_OVER = (
    "auth.login",
    "auth.password.",
    "auth.two_factor.",
    "auth.user.created",  # a new person is in no feed until a change of an area puts them there
    "auth.api_token.",
    "feeds.",
    "help.",
    "people.person.exported",
    "people.person.invited",
    "people.person.invite_resent",
    "shifts.shift.messaged",
    "meetings.minutes.",
    "meetings.poll.created",
    "meetings.poll.voted",
)
# Actions about one meeting, named by the activity's target: only it is fetched again.
ONE_MEETING = (
    "meetings.meeting.created",
    "meetings.meeting.changed",
    "meetings.meeting.cancelled",
    "meetings.rsvp.answered",
    "meetings.rsvp.occurrence_answered",
    "meetings.occurrence.changed",
    "meetings.occurrence.skipped",
)
PART_OF_AREA = {
    "meetings": "meetings",
    "shifts": "shifts",
    "schedules": "schedule",
    "tasks": "tasks",
}


class Piece(NamedTuple):
    """One VEVENT block of a part (a tuple: a rebuild makes a thousand of them)."""

    key: str  # UID, or UID|RECURRENCE-ID
    uid: str
    fingerprint: str
    sequence: int
    zone: str  # "" when it needs no VTIMEZONE
    chunk: bytes
    row: str  # the block's line in the stored state (``state_of``), made once per block
    ends: bool  # the last block of its gzip segment (``opsuite.feeds.zipped``)


def piece(key: str, uid: str, print_: str, sequence: int, zone: str, chunk: bytes) -> Piece:
    row = "\t".join((key, "" if uid == key else uid, print_, str(sequence), zone, str(len(chunk))))
    return Piece(key, uid, print_, sequence, zone, chunk, row, ends_segment(key))


@dataclass
class Previous:
    """The last build's parts, when it can be built on."""

    parts: dict[str, list[Piece]]
    versions: dict[str, tuple[str, int]]  # key -> (fingerprint, SEQUENCE), every part
    basis: str = ""
    shrunk: bool = False
    segments: Segments = field(default_factory=dict)  # its gzip body's, to compress less


@dataclass
class Plan:
    """Per part: FULL, a set of meeting ids to fetch again, or None (kept as it is); and the
    UIDs of those meetings, whose blocks the fetched ones replace."""

    parts: dict[str, str | set[int] | None] = field(default_factory=dict)
    uids: set[str] = field(default_factory=set)


def _meeting_uid() -> RawSQL:
    """The UID of the meeting an activity names, read in the same query as the activity (an
    activity's target is a type and an id as text; only a meeting's is looked up)."""
    activities, meetings = Activity._meta.db_table, Meeting._meta.db_table
    # Only our own table names are formatted in: nothing from a request.
    target = f'"{activities}"."target_type" = \'meeting\''
    target_id = f'CAST("{activities}"."target_id" AS INTEGER)'
    uid = f'SELECT "uid" FROM "{meetings}" WHERE "id" = {target_id}'  # noqa: S608  # nosec B608
    return RawSQL(f"CASE WHEN {target} THEN ({uid}) END")


def basis(*values: object) -> str:
    """What every block of a feed depends on besides its own data (language, zone, window
    days, address, parts shown): a build on another basis starts from nothing."""
    return hashlib.sha256(json.dumps([str(v) for v in values]).encode()).hexdigest()[:24]


def key_of(event: FeedEvent) -> str:
    if event.recurrence_id is None:
        return event.uid
    return f"{event.uid}|{event.recurrence_id:%Y%m%dT%H%M%S}"


_PRINTED = tuple(f.name for f in fields(FeedEvent) if f.name not in ("sequence", "last_modified"))


def fingerprint(event: FeedEvent) -> str:
    """What the item says, but its SEQUENCE and stamps. ``repr`` of str, int, bool, date,
    aware datetime and tuples of them is the same in every process and version we run."""
    values = tuple(getattr(event, name) for name in _PRINTED)
    return hashlib.blake2b(repr(values).encode(), digest_size=8).hexdigest()


# --- the stored state ---------------------------------------------------------------------
#
# The cache row's ``state`` is zlib-compressed text: a JSON header line
# ``{"v": 3, "basis": ..., "shrunk": ..., "parts": [[name, count], ...]}``, then one line per
# block, in body order: key, UID (empty when it is the key), fingerprint, SEQUENCE, zone and
# length, tab-separated. Text
# rather than JSON rows: a rebuild joins the kept blocks' lines as they are (``Piece.row``)
# instead of encoding a thousand lists again, and it is a third of the size to write.


def state_of(parts: dict[str, list[Piece]], wanted: str, *, shrunk: bool) -> bytes:
    names = [name for name in ORDER if name in parts]
    header = {"v": FORMAT, "basis": wanted, "shrunk": shrunk}
    header["parts"] = [[name, len(parts[name])] for name in names]
    lines = [json.dumps(header), *(p.row for name in names for p in parts[name])]
    return zlib.compress("\n".join(lines).encode(), 1)


def _read(state: bytes) -> tuple[dict[str, Any], list[list[str]]] | None:
    """The header and the rows of a stored state; None for an empty, old or damaged one."""
    try:
        lines = zlib.decompress(state).decode().split("\n")
        header = json.loads(lines[0])
        rows = [line.split("\t") for line in lines[1:]]
    except (zlib.error, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(header, dict) or header.get("v") != FORMAT:
        return None
    if any(len(row) != 6 for row in rows):
        return None
    return header, rows


def versions_of(state: bytes) -> dict[str, tuple[str, int]]:
    """Each item's last fingerprint and SEQUENCE (empty when the state cannot be read)."""
    read = _read(state)
    if read is None:
        return {}
    versions: dict[str, tuple[str, int]] = {}
    for key, _uid, print_, sequence, _zone, _length in read[1]:
        with contextlib.suppress(ValueError):
            versions[key] = (print_, int(sequence))
    return versions


def previous(state: bytes, body: bytes) -> Previous | None:
    """The last build's parts cut from its body, or None when the state does not describe
    that body."""
    read = _read(state)
    if read is None:
        return None
    header, rows = read
    start = body.find(b"\r\nBEGIN:VEVENT\r\n")
    offset = start + 2 if start >= 0 else body.rfind(b"END:VCALENDAR")
    parts: dict[str, list[Piece]] = {}
    versions: dict[str, tuple[str, int]] = {}
    at = 0
    try:
        for name, count in header["parts"]:
            pieces: list[Piece] = []
            for row in rows[at : at + int(count)]:
                key, uid, print_, sequence, zone, length = row
                end = offset + int(length)
                chunk = body[offset:end]
                if not (
                    chunk.startswith(b"BEGIN:VEVENT\r\n") and chunk.endswith(b"END:VEVENT\r\n")
                ):
                    return None  # not the body this state describes: start over
                seq = int(sequence)
                line, uid = "\t".join(row), uid or key
                pieces.append(Piece(key, uid, print_, seq, zone, chunk, line, ends_segment(key)))
                versions[key] = (print_, seq)
                offset = end
            at += int(count)
            parts[str(name)] = pieces
    except (TypeError, ValueError):
        return None
    if at != len(rows) or body[offset:] != b"END:VCALENDAR\r\n":
        return None
    return Previous(parts, versions, str(header.get("basis", "")), bool(header.get("shrunk")))


class Kept:
    """The last build of each feed this process built lately, so that its next rebuild reads
    neither the body nor the state back and cuts nothing: only the row's ETag and build time
    are checked (``stamp``), and any other build (another worker's) is read from the row.
    Holds at most ``limit`` bytes of blocks; the least recently built go first."""

    def __init__(self) -> None:
        self._entries: OrderedDict[int, tuple[tuple[str, datetime], Previous, int]] = OrderedDict()
        self.size = 0

    def get(self, feed_id: int, stamp: tuple[str, datetime]) -> Previous | None:
        entry = self._entries.get(feed_id)
        if entry is None or entry[0] != stamp:
            return None
        self._entries.move_to_end(feed_id)
        return entry[1]

    def put(
        self, feed_id: int, stamp: tuple[str, datetime], last: Previous, *, size: int, limit: int
    ) -> None:
        """Keep ``last`` (``size``: about the bytes its blocks hold) under ``stamp``."""
        self.forget(feed_id)
        if size > limit:
            return
        self._entries[feed_id] = (stamp, last, size)
        self.size += size
        while self.size > limit:
            _id, (_stamp, _last, dropped) = self._entries.popitem(last=False)
            self.size -= dropped

    def forget(self, feed_id: int) -> None:
        entry = self._entries.pop(feed_id, None)
        if entry is not None:
            self.size -= entry[2]

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0


kept = Kept()


async def plan(
    last: Previous | None,
    names: Iterable[str],
    *,
    since: tuple[int, int],
    upto: tuple[int, int],
    built_at: datetime,
) -> Plan:
    """What to fetch again for each of ``names``, from the changes between the marks of the
    last build (made at ``built_at``) and this one."""
    names = list(names)
    everything = Plan(dict.fromkeys(names, FULL))
    if last is None or any(name not in last.parts for name in names):
        return everything
    result = Plan(dict.fromkeys(names))
    if upto[1] != since[1] and "tasks" in names:
        result.parts["tasks"] = FULL
    if upto[0] == since[0]:
        return result
    rows = await (
        Activity.filter(id__gt=max(0, since[0] - SLACK), id__lte=upto[0])
        .filter(Q(id__gt=since[0]) | Q(created_at__gte=built_at - LATE))
        .limit(MAX_CHANGES + 1)
        .annotate(meeting_uid=_meeting_uid())
        .values_list("action", "target_type", "target_id", "meeting_uid")
    )
    if len(rows) > MAX_CHANGES:
        return everything
    for action, target_type, target_id, meeting_uid in rows:
        action = str(action)
        if action.startswith(PASSED_OVER):
            continue
        part = PART_OF_AREA.get(action.split(".", 1)[0])
        if part is None:
            return everything
        if part not in result.parts or result.parts[part] == FULL:
            continue
        if action in ONE_MEETING and target_type == "meeting" and str(target_id).isdigit():
            ids = result.parts[part]
            result.parts[part] = {*(ids if isinstance(ids, set) else ()), int(target_id)}
            if meeting_uid:
                result.uids.add(str(meeting_uid))
        else:
            result.parts[part] = FULL
    return result


def versions_after(
    versions: dict[str, tuple[str, int]], made: list[Piece], last: Previous | None
) -> dict[str, tuple[str, int]]:
    """Every item's version after a build: the blocks it made over the last build's versions
    (an item that left the feed keeps its version, should it come back; the blocks kept from
    the last build have theirs already)."""
    out = {} if last is None else dict(versions)
    out.update((p.key, (p.fingerprint, p.sequence)) for p in made)
    return out


def pieces_of(events: Iterable[FeedEvent], versions: dict[str, tuple[str, int]]) -> list[Piece]:
    """Blocks for freshly fetched items, ordered by key (those that do not render are left
    out, logged). An item whose content changed since the last build gets a higher SEQUENCE
    (a moved shift has no version of its own); its stamps stay its own last change, never the
    build time, so a rebuild of the same data gives the same bytes whenever it runs."""
    out: list[Piece] = []
    for event in events:
        key, print_ = key_of(event), fingerprint(event)
        sequence = event.sequence
        if key in versions:
            old_print, old_sequence = versions[key]
            sequence = max(sequence, old_sequence + (old_print != print_))
        if sequence != event.sequence:
            event = replace(event, sequence=sequence)
        chunk = event_bytes(event)
        if chunk is not None:
            out.append(piece(key, event.uid, print_, sequence, zone_key(event) or "", chunk))
    out.sort(key=lambda p: p.key)
    return out


_KEY = attrgetter("key")


def splice(kept: list[Piece], fresh: list[Piece], uids: set[str]) -> list[Piece]:
    """A part's blocks with those of ``uids`` replaced by ``fresh`` (ordered by key). A fresh
    block equal to the kept one (the same bytes and version) is replaced by the kept one:
    items fetched again only to be safe (``LATE``) then keep their gzip segments."""
    out: list[Piece] = []
    same: dict[str, Piece] = {}
    for p in kept:
        if p.uid in uids:
            same[p.key] = p
        else:
            out.append(p)
    for p in fresh:  # a few blocks into a thousand kept in order: no sort of them all
        old = same.get(p.key)
        bisect.insort(out, old if old is not None and old == p else p, key=_KEY)
    return out
