"""Incremental builds: a rebuild serializes only what changed and reuses the rest's bytes.

A feed is made of parts (``shifts``, ``meetings``, ``schedule``, ``tasks``), each a list of
VEVENT blocks kept in a fixed order (by UID and RECURRENCE-ID), so a feed assembled from kept
and new blocks is byte for byte the feed a build from nothing gives. The cache row's ``items``
column records, for each part, every block's key, UID, content fingerprint, SEQUENCE, zone and
length; the blocks themselves are the row's body, cut at those lengths.

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

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from tortoise.expressions import Q

from opsuite.audit.models import Activity
from opsuite.feeds.ics import FeedEvent, event_bytes, zone_key

FORMAT = 2
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


@dataclass
class Previous:
    """The last build's parts, when it can be built on."""

    parts: dict[str, list[Piece]]
    versions: dict[str, tuple[str, int]]  # key -> (fingerprint, SEQUENCE), every part


@dataclass
class Plan:
    """Per part: FULL, a set of meeting ids to fetch again, or None (kept as it is)."""

    parts: dict[str, str | set[int] | None] = field(default_factory=dict)


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
    return hashlib.blake2b(repr(values).encode(), digest_size=12).hexdigest()


def versions_of(state: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """Each item's last fingerprint and SEQUENCE, from a state of either format."""
    if state.get("v") != FORMAT:  # the first format: key -> [fingerprint, sequence, stamp]
        return {
            k: (str(v[0]), int(v[1]))
            for k, v in state.items()
            if isinstance(v, list) and len(v) >= 2
        }
    return {
        row[0]: (row[2], int(row[3])) for rows in state.get("parts", {}).values() for row in rows
    }


def previous(state: dict[str, Any], body: bytes, wanted: str) -> Previous | None:
    """The last build's parts cut from its body, or None when it cannot be built on."""
    if state.get("v") != FORMAT or state.get("basis") != wanted or state.get("shrunk"):
        return None
    start = body.find(b"\r\nBEGIN:VEVENT\r\n")
    offset = start + 2 if start >= 0 else body.rfind(b"END:VCALENDAR")
    parts: dict[str, list[Piece]] = {}
    for name in ORDER:
        rows = state["parts"].get(name)
        if rows is None:
            continue
        pieces: list[Piece] = []
        for key, uid, print_, sequence, zone, length in rows:
            chunk = body[offset : offset + int(length)]
            if not (chunk.startswith(b"BEGIN:VEVENT\r\n") and chunk.endswith(b"END:VEVENT\r\n")):
                return None  # not the body this state describes: start over
            pieces.append(Piece(key, uid, print_, int(sequence), zone, chunk))
            offset += int(length)
        parts[name] = pieces
    if body[offset:] != b"END:VCALENDAR\r\n":
        return None
    return Previous(parts, versions_of(state))


def state_of(parts: dict[str, list[Piece]], wanted: str, *, shrunk: bool) -> dict[str, Any]:
    return {
        "v": FORMAT,
        "basis": wanted,
        "shrunk": shrunk,
        "parts": {
            name: [[p.key, p.uid, p.fingerprint, p.sequence, p.zone, len(p.chunk)] for p in pieces]
            for name, pieces in parts.items()
        },
    }


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
        .values_list("action", "target_type", "target_id")
    )
    if len(rows) > MAX_CHANGES:
        return everything
    for action, target_type, target_id in rows:
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
        else:
            result.parts[part] = FULL
    return result


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
            out.append(Piece(key, event.uid, print_, sequence, zone_key(event) or "", chunk))
    out.sort(key=lambda p: p.key)
    return out


def splice(kept: list[Piece], fresh: list[Piece], uids: set[str]) -> list[Piece]:
    """A part's blocks with those of ``uids`` replaced by ``fresh`` (ordered by key)."""
    return sorted([p for p in kept if p.uid not in uids] + fresh, key=lambda p: p.key)
