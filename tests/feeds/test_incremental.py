"""Incremental builds (``opsuite.feeds.incremental``): after each change made the way people
make it, the rebuild on the last build gives the very bytes a build from nothing gives, and
fetches again only what the change can touch."""

from __future__ import annotations

import gzip
import zlib
from datetime import timedelta

import icalendar

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import Role
from opsuite.feeds import incremental, service
from opsuite.feeds.models import FeedCache, FeedKind
from opsuite.meetings.service import cancel_meeting, respond, update_meeting
from opsuite.shifts.planning import cancel_shift
from opsuite.shifts.service import sign_up
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting, meeting_input
from tests.factories.schedules import make_arrangement
from tests.factories.shifts import make_shift, manager_of
from tests.factories.tasks import make_board, make_task


async def _rebuild(feed, settings, queries, *, from_row: bool = False) -> tuple[bytes, int]:
    """The incremental rebuild's bytes and queries, checked against a build from nothing.
    ``from_row``: the last build is read back from its row, as another worker (or this one
    after a restart) does, instead of from this process's memory."""
    if from_row:
        incremental.kept.clear()
    before = queries.count
    cache = await service.build(feed, settings=settings)
    used = queries.count - before
    assert cache is not None
    rebuilt = bytes(cache.body)
    again = await service.build(feed, settings=settings, full=True)
    assert again is not None
    assert bytes(again.body) == rebuilt, "the incremental build differs from a full one"
    # The same bytes compressed from kept segments and from nothing: the same ETag.
    assert (again.gzip_body, again.etag) == (cache.gzip_body, cache.etag)
    assert gzip.decompress(cache.gzip_body) == rebuilt
    return rebuilt, used


def _summaries(body: bytes) -> dict[str, str]:
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return {str(e["uid"]): str(e["summary"]) for e in events if "RECURRENCE-ID" not in e}


async def test_each_change_rebuilds_only_its_part_and_equals_a_build_from_nothing(
    settings, frozen_clock, queries
):
    person = await make_user(Role.STAFF, timezone="Asia/Shanghai", name="Chen Jing")
    await make_arrangement(person)
    organizer = await make_user(Role.STAFF)
    soon = clock.now() + timedelta(days=2)
    meetings = [
        await make_meeting(
            settings=settings,
            organizer=organizer,
            starts_at=soon + timedelta(days=n),
            attendees=[person],
            title=f"Sync {n}",
        )
        for n in range(6)
    ]
    shift = await make_shift(starts_at=soon)
    await sign_up(person, shift.id, settings=settings)
    board = await make_board(members=[person])
    await make_task(
        board, settings=settings, title="Report to funder", assignees=[person], due_date=soon.date()
    )
    new = await service.create_feed(person, FeedKind.PERSON)
    first = await service.build(new.feed, settings=settings, full=True)
    assert first is not None
    full_queries = queries.count
    await service.build(new.feed, settings=settings, full=True)
    full_queries = queries.count - full_queries

    # Nothing happened: every part kept, a handful of queries, the same ETag.
    body, used = await _rebuild(new.feed, settings, queries)
    assert body == bytes(first.body)
    assert used < full_queries

    # A login changes nothing a feed shows. (Each step comes a few minutes after the last
    # build: changes from just before a build are read again, in case they committed late.)
    clock.set_now(clock.now() + timedelta(minutes=5))
    await record(person, "auth.login", person)
    body, used = await _rebuild(new.feed, settings, queries)
    assert body == bytes(first.body)

    # One meeting renamed: only it is fetched again.
    clock.set_now(clock.now() + timedelta(minutes=5))
    target = meetings[3]
    data = meeting_input(
        starts_at=target.starts_at, attendees=[person], title="Sync 3, moved to the big room"
    )
    await update_meeting(organizer, target, data, settings=settings)
    body, used_one = await _rebuild(new.feed, settings, queries)
    assert _summaries(body)[target.uid] == "Sync 3, moved to the big room"
    assert used_one < full_queries

    clock.set_now(clock.now() + timedelta(minutes=5))
    # The person is taken off a meeting: it leaves the feed; a new one they are invited to
    # comes in.
    await update_meeting(
        organizer, meetings[1], meeting_input(starts_at=meetings[1].starts_at, title="Sync 1"),
        settings=settings,
    )  # fmt: skip
    added = await make_meeting(
        settings=settings, organizer=organizer, starts_at=soon, attendees=[person], title="New"
    )
    body, _ = await _rebuild(new.feed, settings, queries)
    assert meetings[1].uid not in _summaries(body)
    assert _summaries(body)[added.uid] == "New"

    # An answer and a cancellation.
    clock.set_now(clock.now() + timedelta(minutes=5))
    await respond(meetings[2], person.id, "declined", settings=settings)
    await cancel_meeting(organizer, meetings[4], settings=settings)
    body, _ = await _rebuild(new.feed, settings, queries, from_row=True)
    assert b"Your answer: Declined" in body.replace(b"\r\n ", b"")
    cancelled = {
        str(e["uid"]): str(e["status"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
    }
    assert cancelled[meetings[4].uid] == "CANCELLED"

    # A shift cancelled: its part is fetched whole.
    clock.set_now(clock.now() + timedelta(minutes=5))
    await cancel_shift(
        await manager_of(await shift.opportunity), shift, reason="Rain", settings=settings
    )
    body, _ = await _rebuild(new.feed, settings, queries, from_row=True)
    assert b"STATUS:CANCELLED" in body

    # The person's name changes (an action of another area): everything is fetched again.
    person.name = "Chen Jing (Jenny)"
    await person.save(update_fields=["name"])
    await record(organizer, "people.person.updated", person)
    body, used = await _rebuild(new.feed, settings, queries)
    assert "Chen Jing (Jenny)" in icalendar.Calendar.from_ical(body)["x-wr-calname"]


async def test_a_new_day_or_a_damaged_record_starts_from_nothing(settings, frozen_clock, queries):
    person = await make_user(Role.STAFF)
    await make_meeting(
        settings=settings, starts_at=clock.now() + timedelta(days=1), attendees=[person]
    )
    new = await service.create_feed(person, FeedKind.PERSON)
    await service.build(new.feed, settings=settings)
    before = queries.count
    await service.build(new.feed, settings=settings)
    kept = queries.count - before
    # The next day the window moved: a build from nothing.
    clock.set_now(clock.now() + timedelta(days=1))
    before = queries.count
    await service.build(new.feed, settings=settings)
    assert queries.count - before > kept
    # A record that does not describe the body is not built on (read back from the row, as
    # another worker would).
    incremental.kept.clear()
    cache = await FeedCache.get(token_id=new.feed.id)
    good = gzip.decompress(cache.gzip_body)
    header, *rows = zlib.decompress(cache.state).decode().split("\n")
    cells = [row.split("\t") for row in rows]
    damaged = ["\t".join([*c[:5], str(int(c[5]) - 3)]) for c in cells]
    await FeedCache.filter(id=cache.id).update(
        state=zlib.compress("\n".join([header, *damaged]).encode())
    )
    before = queries.count
    rebuilt = await service.build(new.feed, settings=settings)
    assert queries.count - before > kept
    assert rebuilt is not None
    assert rebuilt.body == good
    stored = (await FeedCache.get(id=cache.id)).state
    assert zlib.decompress(stored).decode().split("\n")[1:] == rows
