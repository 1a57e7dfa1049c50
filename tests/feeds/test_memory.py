"""The poll hot path (``opsuite.feeds.memory``): a feed this worker served lately is answered
from memory with no database work, header for header as the route answers it, and never
after a change it knows of."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opsuite import clock
from opsuite.audit.models import Activity
from opsuite.auth.models import Role
from opsuite.feeds import service
from opsuite.feeds.memory import ENTRY_SECONDS, RECHECK_SECONDS, FeedMemory
from opsuite.feeds.models import FeedKind
from opsuite.feeds.service import Cached
from opsuite.shifts.planning import cancel_shift
from opsuite.shifts.service import sign_up
from tests.factories.auth import make_user
from tests.factories.schedules import make_arrangement
from tests.factories.shifts import make_shift, make_volunteer, manager_of

VARYING = {"x-request-id", "date", "server"}


def _headers(answer) -> dict[str, list[str]]:
    return {k: answer.headers.get_list(k) for k in answer.headers if k not in VARYING}


async def test_a_repeated_poll_is_answered_from_memory_without_a_query(
    client, settings, frozen_clock, queries
):
    person = await make_user(Role.STAFF, timezone="Asia/Shanghai")
    await make_arrangement(person)
    new = await service.create_feed(person, FeedKind.PERSON)
    url = f"/feeds/{new.token}.ics"
    for encoding in ("gzip", "identity"):
        first = await client.get(url, headers={"accept-encoding": encoding})  # the route
        before = queries.count
        again = await client.get(url, headers={"accept-encoding": encoding})
        not_modified = await client.get(
            url, headers={"accept-encoding": encoding, "if-none-match": first.headers["etag"]}
        )
        head = await client.head(url, headers={"accept-encoding": encoding})
        for _ in range(10):
            assert (await client.get(url, headers={"accept-encoding": encoding})).is_success
        # 13 polls: at most one look at the newest-change ids (two small queries), a second
        # apart at most; no token lookup, no body read.
        assert queries.count - before <= 2, "warm polls, 304s or HEADs ran SQL"
        assert again.status_code == 200
        assert again.content == first.content
        assert _headers(again) == _headers(first)
        assert again.headers["x-request-id"] != first.headers["x-request-id"]
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified.headers["etag"] == first.headers["etag"]
        assert "content-type" not in not_modified.headers
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == first.headers["content-length"]
        assert "set-cookie" not in again.headers
        assert again.headers["x-content-type-options"] == "nosniff"
    # Anything unusual takes the route: a query string, a POST, an unknown token.
    before = queries.count
    assert (await client.get(url + "?x=1")).status_code == 200
    assert (await client.get(f"/feeds/{new.token[:-2]}xx.ics")).status_code == 404
    assert queries.count > before


async def test_a_change_through_this_worker_shows_at_the_next_poll(client, settings, frozen_clock):
    volunteer = await make_volunteer(name="Lin Wei")
    shift = await make_shift(starts_at=clock.now() + timedelta(hours=30))
    await sign_up(volunteer, shift.id, settings=settings)
    new = await service.create_feed(volunteer, FeedKind.PERSON)
    url = f"/feeds/{new.token}.ics"
    first = await client.get(url)
    assert b"STATUS:CONFIRMED" in first.content
    assert (await client.get(url)).content == first.content  # from memory
    await cancel_shift(
        await manager_of(await shift.opportunity), shift, reason="Rain", settings=settings
    )
    fresh = await client.get(url, headers={"if-none-match": first.headers["etag"]})
    assert fresh.status_code == 200
    assert b"STATUS:CANCELLED" in fresh.content
    await service.revoke_feed(volunteer, new.feed.id)
    assert (await client.get(url)).status_code == 404


def _cached(body: bytes, marks: tuple[int, int]) -> Cached:
    moment = datetime(2026, 3, 2, 9, tzinfo=UTC)
    return Cached('"e"', moment, body, False, False, service.MAX_AGE, marks)


class _Now:
    def __init__(self) -> None:
        self.value = 100.0

    def __call__(self) -> float:
        return self.value


async def test_a_change_in_another_worker_is_seen_within_a_second_and_entries_expire():
    now, newest = _Now(), [(5, 7)]
    calls = []

    async def watermarks() -> tuple[int, int]:
        calls.append(now.value)
        return newest[0]

    memory = FeedMemory(max_bytes=10_000, monotonic=now, watermarks=watermarks)
    memory.keep("a", _cached(b"BEGIN:VCALENDAR", (5, 7)))
    assert await memory.get("a", False) is not None
    assert await memory.get("a", True) is None  # the other encoding was never kept
    assert len(calls) == 1
    newest[0] = (6, 7)  # another worker wrote an activity: no signal reaches this one
    now.value += RECHECK_SECONDS / 2
    assert await memory.get("a", False) is not None  # not yet looked at again
    now.value += RECHECK_SECONDS / 2
    assert await memory.get("a", False) is None
    assert len(calls) == 2
    memory.keep("b", _cached(b"x", (6, 7)))
    now.value += ENTRY_SECONDS - 0.5
    memory.dirty = False
    memory.checked_at = now.value
    assert await memory.get("b", False) is not None
    now.value += 0.5
    assert await memory.get("b", False) is None  # a minute old: the route looks again


async def test_a_local_write_makes_the_next_poll_look_again():
    newest = [(1, 1)]

    async def watermarks() -> tuple[int, int]:
        return newest[0]

    memory = FeedMemory(max_bytes=10_000, watermarks=watermarks)
    memory.keep("a", _cached(b"x", (1, 1)))
    assert await memory.get("a", False) is not None
    await Activity.create(action="test.thing", target_type="thing", created_at=clock.now())
    newest[0] = (2, 1)
    assert memory.dirty
    assert await memory.get("a", False) is None


async def test_memory_keeps_the_most_recently_polled_within_its_bytes():
    async def watermarks() -> tuple[int, int]:
        return (0, 0)

    memory = FeedMemory(max_bytes=3 * (1000 + 512), watermarks=watermarks)
    for name in "abc":
        memory.keep(name, _cached(b"x" * 1000, (0, 0)))
    assert await memory.get("a", False) is not None  # a is now the most recent
    memory.keep("d", _cached(b"x" * 1000, (0, 0)))
    assert await memory.get("b", False) is None
    assert all([await memory.get(n, False) for n in "acd"])
    assert memory.size <= memory.max_bytes
    memory.keep("huge", _cached(b"x" * 10_000, (0, 0)))
    assert await memory.get("huge", False) is None
    # A rebuild in progress elsewhere (no marks) is never kept.
    memory.keep("e", Cached('"e"', datetime.now(UTC), b"x", False, False, 5, None))
    assert await memory.get("e", False) is None
