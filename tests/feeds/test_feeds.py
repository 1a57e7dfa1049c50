"""Private calendar feeds as calendar apps see them: three readers agree with our own
expansion (across a daylight-saving change), conditional GET, gzip, HEAD, rotation, 404s
and a fixed number of queries."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime, time, timedelta

import icalendar

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.feeds import changes, service
from opsuite.feeds.models import FeedCache, FeedKind
from opsuite.meetings.models import OccurrenceChange
from opsuite.meetings.occurrences import expand_meeting
from opsuite.meetings.service import (
    OccurrenceInput,
    respond,
    skip_occurrence,
    update_occurrence,
)
from opsuite.schedules.expansion import TIME_OFF, WORK, expand_person
from opsuite.schedules.models import Holiday
from opsuite.schedules.service import add_exception, load_inputs
from opsuite.shifts.planning import ShiftInput, cancel_shift, create_series
from opsuite.shifts.service import sign_up
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, make_leave, make_office, weekday_blocks
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of
from tests.factories.tasks import make_board, make_task
from tests.feeds.readers import with_ical_js, with_icalendar, with_vobject

LO = datetime(2026, 3, 1, tzinfo=UTC)
HI = datetime(2026, 4, 30, tzinfo=UTC)


async def _get(client, token: str, **headers: str):
    return await client.get(f"/feeds/{token}.ics", headers=headers)


async def _series_meeting(settings, person):
    """Mondays 10:00 London from 9 March (the clocks change on 29 March): one skipped, one
    moved."""
    meeting = await make_meeting(
        settings=settings,
        starts_at=datetime(2026, 3, 9, 10, tzinfo=UTC),
        attendees=[person],
        title="周会 Weekly sync",
        rrule="FREQ=WEEKLY;COUNT=6",
    )
    organizer = await meeting.organizer
    await skip_occurrence(
        organizer, meeting, datetime(2026, 3, 16, 10, tzinfo=UTC), settings=settings
    )
    moved = datetime(2026, 3, 24, 14, tzinfo=UTC)
    await update_occurrence(
        organizer,
        meeting,
        datetime(2026, 3, 23, 10, tzinfo=UTC),
        OccurrenceInput(starts_at=moved, ends_at=moved + timedelta(hours=1)),
        settings=settings,
    )
    await meeting.refresh_from_db()
    return meeting


async def test_personal_feed_agrees_with_our_expansion_in_three_readers(
    client, settings, frozen_clock
):
    person = await make_user(Role.STAFF, name="王芳 Wang Fang", timezone="Europe/London")
    await make_arrangement(person)
    meeting = await _series_meeting(settings, person)
    shift = await make_shift(starts_at=datetime(2026, 3, 28, 23, tzinfo=UTC), hours=4)
    await sign_up(person, shift.id, settings=settings)
    board = await make_board(members=[person])
    await make_task(board, settings=settings, assignees=[person], due_date=date(2026, 3, 30))
    new = await service.create_feed(person, FeedKind.PERSON)

    response = await _get(client, new.token)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert b"\r\n" in body
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    for line in body.split(b"\r\n"):
        line.decode("utf-8")  # folding never splits a character
    summaries = {str(e["summary"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert "周会 Weekly sync" in summaries
    for needed in (
        b"VERSION:2.0",
        b"PRODID:",
        b"NAME:",
        b"X-WR-CALNAME:",
        b"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        b"X-PUBLISHED-TTL:PT1H",
        b"BEGIN:VTIMEZONE",
        b"TZID:Europe/London",
        b"RRULE:FREQ=YEARLY",
        b"RECURRENCE-ID;TZID=Europe/London:20260323T100000",
        b"EXDATE;TZID=Europe/London:20260316T100000",
        b"DTSTART;VALUE=DATE:20260330",
        b"DTEND;VALUE=DATE:20260331",
    ):
        assert needed in body, needed
    assert b"RDATE" not in body

    expected = {
        (meeting.uid, o.start, o.end, "CONFIRMED")
        for o in expand_meeting(
            meeting, list(await OccurrenceChange.filter(meeting_id=meeting.id)), LO, HI
        )
    }
    assert len(expected) == 5
    readers = {
        "icalendar": with_icalendar(body, LO, HI),
        "vobject": with_vobject(body, LO, HI),
        "ical.js": with_ical_js(body, LO, HI),
    }
    for name, seen in readers.items():
        meetings = {o for o in seen if o[0] == meeting.uid}
        assert meetings == expected, name
        # 10:00 London is 10:00 UTC before the change and 09:00 UTC after it.
        assert (
            meeting.uid,
            datetime(2026, 3, 30, 9, tzinfo=UTC),
            datetime(2026, 3, 30, 10, tzinfo=UTC),
            "CONFIRMED",
        ) in meetings
        shifts = {o for o in seen if o[0].startswith("shift-")}
        assert shifts == {
            (f"shift-{shift.id}@testserver", shift.starts_at, shift.ends_at, "CONFIRMED")
        }, name
    assert readers["icalendar"] == readers["vobject"] == readers["ical.js"]


async def test_unchanged_feed_answers_304_and_gzip_and_head_work(client, settings, frozen_clock):
    person = await make_user(Role.VOLUNTEER)
    new = await service.create_feed(person, FeedKind.PERSON)
    first = await _get(client, new.token, **{"accept-encoding": "identity"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    plain = {"accept-encoding": "identity"}
    assert (await _get(client, new.token, **plain, **{"if-none-match": etag})).status_code == 304
    assert (await _get(client, new.token, **{"if-modified-since": modified})).status_code == 304
    assert (await _get(client, new.token, **{"if-none-match": '"other"'})).status_code == 200
    zipped = await client.get(f"/feeds/{new.token}.ics", headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == first.content  # httpx undoes the gzip
    head = await client.head(f"/feeds/{new.token}.ics", headers={"accept-encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(first.content)
    raw = await service.fetch(new.token, settings=settings, gzipped=True)
    assert raw.body is not None
    assert gzip.decompress(raw.body) == first.content


async def test_bad_revoked_and_rotated_tokens_get_404(client, settings, frozen_clock):
    person = await make_user(Role.VOLUNTEER)
    old = await service.create_feed(person, FeedKind.PERSON)
    assert (await _get(client, old.token)).status_code == 200
    new = await service.create_feed(person, FeedKind.PERSON)  # regenerate
    assert (await _get(client, old.token)).status_code == 404
    assert (await _get(client, new.token)).status_code == 200
    for bad in ("nope", "cal_" + "x" * 43, "x" * 5000, "%00%ff", "cal_../../etc"):
        assert (await _get(client, bad)).status_code == 404, bad
    await service.revoke_feed(person, new.feed.id)
    assert (await _get(client, new.token)).status_code == 404
    other = await make_user(Role.VOLUNTEER)
    third = await service.create_feed(other, FeedKind.PERSON)
    other.is_active = False
    await other.save()
    assert (await _get(client, third.token)).status_code == 404


async def test_feed_is_built_in_a_fixed_number_of_queries(client, settings, frozen_clock, queries):
    person = await make_user(Role.STAFF, timezone="Asia/Shanghai")
    await make_arrangement(person)
    new = await service.create_feed(person, FeedKind.PERSON)
    assert (await _get(client, new.token)).status_code == 200  # the first fetch builds

    async def count_build() -> int:
        await service.mark_all_stale()
        before = queries.count
        await service.rebuild_stale(settings=settings)
        return queries.count - before

    opportunity = await make_opportunity()
    board = await make_board(members=[person])

    async def add(days: range) -> None:
        for day in days:
            start = datetime(2026, 3, 10 + day, 1, tzinfo=UTC)
            shift = await make_shift(opportunity, starts_at=start, hours=2)
            await sign_up(person, shift.id, settings=settings)
            await make_meeting(
                settings=settings, starts_at=start + timedelta(hours=5), attendees=[person]
            )
            await make_task(
                board, settings=settings, assignees=[person], due_date=date(2026, 3, 20 + day)
            )

    await add(range(1))
    small = await count_build()
    await add(range(1, 8))
    assert await count_build() == small
    before = queries.count
    assert (await _get(client, new.token, **{"if-none-match": '"x"'})).status_code == 200
    polled = queries.count - before
    etag = (await _get(client, new.token)).headers["etag"]
    before = queries.count
    assert (await _get(client, new.token, **{"if-none-match": etag})).status_code == 304
    assert queries.count - before <= 1
    assert polled <= 2


async def test_a_change_shows_at_the_next_poll_without_the_job(
    client, settings, frozen_clock, inbox
):
    volunteer = await make_volunteer(name="Zhao Lei")
    shift = await make_shift(starts_at=clock.now() + timedelta(hours=30))
    await sign_up(volunteer, shift.id, settings=settings)
    new = await service.create_feed(volunteer, FeedKind.PERSON)
    await changes.refresh(settings)  # first run: sets the watermark
    etag = (await _get(client, new.token)).headers["etag"]
    manager = await manager_of(await shift.opportunity)
    await cancel_shift(manager, shift, reason="Storm", settings=settings)
    cancelled_at = clock.now().astimezone(UTC).replace(microsecond=0)
    # No job has run: the next poll rebuilds the feed there and then.
    fresh = await _get(client, new.token, **{"if-none-match": etag})
    assert fresh.status_code == 200
    event = icalendar.Calendar.from_ical(fresh.content).walk("VEVENT")[0]
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) >= 1
    # Stamped by the change, not by the rebuild (nor the mail) that followed it.
    assert event.decoded("last-modified") == event.decoded("dtstamp") == cancelled_at
    # The next poll with the new ETag is a 304 again; the job still mails the change.
    new_etag = fresh.headers["etag"]
    assert (await _get(client, new.token, **{"if-none-match": new_etag})).status_code == 304
    clock.set_now(clock.now() + timedelta(minutes=7))
    result = await changes.refresh(settings)
    assert result["mailed"] == 1
    from opsuite.notify.service import dispatch_due

    await dispatch_due(settings)
    mails = [m for m in inbox.to(volunteer.email) if "Calendar update" in m.subject]
    assert len(mails) == 1
    assert "STATUS:CANCELLED" in mails[0].part("text/calendar")
    [mailed] = icalendar.Calendar.from_ical(mails[0].part("text/calendar")).walk("VEVENT")
    assert mailed.decoded("dtstamp") == cancelled_at


async def test_program_and_public_feeds_publish_a_series_as_one_rule(
    client, settings, frozen_clock
):
    manager = await make_user(Role.MANAGER)
    opportunity = await make_opportunity(manager=manager, is_public=True)
    data = ShiftInput(
        day=date(2026, 3, 21), start=time(9), end=time(12), timezone="Europe/Berlin", capacity=1
    )
    series = await create_series(manager, opportunity, data, rule="FREQ=WEEKLY;COUNT=4")
    from opsuite.shifts.models import Shift

    shifts = await Shift.filter(series_id=series.id).order_by("starts_at")
    volunteer = await make_volunteer()
    await sign_up(volunteer, shifts[1].id, settings=settings)  # full now
    await cancel_shift(manager, shifts[2], reason="", settings=settings)
    program = await opportunity.program
    public = await service.create_feed(manager, FeedKind.PUBLIC, program=program)
    body = (await _get(client, public.token)).content
    assert body.count(b"RRULE:FREQ=WEEKLY") == 1
    assert volunteer.email.encode() not in body
    assert volunteer.name.encode() not in body
    occurrences = with_ical_js(body, LO, HI)
    assert occurrences == with_icalendar(body, LO, HI) == with_vobject(body, LO, HI)
    live = sorted(o[1] for o in occurrences if o[3] != "CANCELLED")
    # The full shift is left out, the cancelled one is marked; 09:00 Berlin across the change.
    assert live == [shifts[0].starts_at, shifts[3].starts_at]
    assert shifts[3].starts_at.hour == 7
    assert shifts[0].starts_at.hour == 8
    program_feed = await service.create_feed(manager, FeedKind.PROGRAM, program=program)
    all_shifts = with_ical_js((await _get(client, program_feed.token)).content, LO, HI)
    assert {o[1] for o in all_shifts} == {s.starts_at for s in shifts}


async def test_only_managers_get_team_and_program_feeds(settings, frozen_clock):
    from opsuite.errors import PermissionDenied
    from tests.factories.people import make_program, make_team

    staff = await make_user(Role.STAFF)
    team = await make_team()
    program = await make_program()
    for kind, target in ((FeedKind.TEAM, {"team": team}), (FeedKind.PROGRAM, {"program": program})):
        try:
            await service.create_feed(staff, kind, **target)
        except PermissionDenied:
            continue
        raise AssertionError(f"{kind} feed given to a non-manager")


async def test_huge_description_and_tiny_limit_still_valid(client, settings, frozen_clock):
    from dataclasses import replace

    small = replace(settings, feeds=replace(settings.feeds, max_bytes=3000))
    person = await make_user(Role.STAFF)
    for week in range(30):
        await make_meeting(
            settings=settings,
            starts_at=clock.now() + timedelta(days=7 * week + 1),
            attendees=[person],
            description="长" * 20000,
        )
    new = await service.create_feed(person, FeedKind.PERSON)
    cache = await service.build(new.feed, settings=small)
    assert cache is not None
    assert cache.days_ahead < settings.feeds.days_ahead
    cal = icalendar.Calendar.from_ical(cache.body)
    starts = sorted(e.decoded("dtstart") for e in cal.walk("VEVENT"))
    assert starts
    assert starts[0] < clock.now() + timedelta(days=2)


async def test_identical_data_gives_identical_bytes_and_etag(client, settings, frozen_clock):
    """A staff feed's bytes (and ETag) come from the person's own data: another person's new
    arrangement, or an hour passing, change nothing; their own new arrangement does."""
    person = await make_user(Role.STAFF, timezone="Asia/Shanghai")
    other = await make_user(Role.STAFF, timezone="Asia/Shanghai")
    await make_arrangement(person)
    await make_arrangement(other)
    new = await service.create_feed(person, FeedKind.PERSON)
    first = await _get(client, new.token)
    assert b"DTSTAMP" in first.content

    clock.set_now(clock.now() + timedelta(hours=1))
    await make_arrangement(other, valid_from=date(2026, 2, 1), blocks=weekday_blocks(time(8)))
    await service.mark_all_stale()
    assert await service.rebuild_stale(settings=settings) >= 1
    again = await _get(client, new.token)
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert (
        await _get(client, new.token, **{"if-none-match": first.headers["etag"]})
    ).status_code == 304

    clock.set_now(clock.now() + timedelta(hours=1))
    await make_arrangement(person, valid_from=date(2026, 2, 1), blocks=weekday_blocks(time(8)))
    await service.mark_all_stale()
    await service.rebuild_stale(settings=settings)
    changed = await _get(client, new.token, **{"if-none-match": first.headers["etag"]})
    assert changed.status_code == 200
    assert changed.headers["etag"] != first.headers["etag"]


def _exdates(event: icalendar.Event) -> set[datetime]:
    found = event.get("exdate", [])
    return {
        d.dt.astimezone(UTC) for x in (found if isinstance(found, list) else [found]) for d in x.dts
    }


async def test_no_stamp_in_a_feed_comes_from_the_build_time(client, settings, frozen_clock):
    """DTSTAMP and LAST-MODIFIED are each item's own last change. A change with no stamp of
    its own (an office holiday) raises the weekly rule's SEQUENCE, not its LAST-MODIFIED; the
    holiday has a fixed stamp; the subscriber's answer dates their meeting."""
    office = await make_office(timezone="Europe/London")
    person = await make_user(Role.STAFF, timezone="Europe/London")
    await make_arrangement(person, office=office)
    meeting = await make_meeting(
        settings=settings, starts_at=clock.now() + timedelta(days=3), attendees=[person]
    )
    new = await service.create_feed(person, FeedKind.PERSON)

    def events(body: bytes) -> dict[str, icalendar.Event]:
        return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}

    def stamps(body: bytes) -> set[datetime]:
        found = set()
        for event in events(body).values():
            assert event.decoded("dtstamp") == event.decoded("last-modified")
            found.add(event.decoded("dtstamp"))
        return found

    first = (await _get(client, new.token)).content
    [rule_uid] = [u for u, e in events(first).items() if "RRULE" in e]
    rule = events(first)[rule_uid]

    clock.set_now(clock.now() + timedelta(hours=2))
    await Holiday.create(office_id=office.id, date=date(2026, 4, 3), name="Good Friday")
    await service.mark_all_stale()
    await service.rebuild_stale(settings=settings)
    second = (await _get(client, new.token)).content
    assert second != first
    assert clock.now().replace(microsecond=0) not in stamps(second)
    changed = events(second)[rule_uid]
    assert datetime(2026, 4, 3, 8, tzinfo=UTC) in _exdates(changed)
    assert datetime(2026, 4, 3, 8, tzinfo=UTC) not in _exdates(rule)
    assert int(changed["sequence"]) == int(rule["sequence"]) + 1
    assert changed.decoded("last-modified") == rule.decoded("last-modified")
    [holiday] = [e for e in events(second).values() if "Good Friday" in str(e["summary"])]
    assert holiday.decoded("dtstamp") == datetime(2000, 1, 1, tzinfo=UTC)

    clock.set_now(clock.now() + timedelta(hours=1))
    answered = clock.now().replace(microsecond=0)
    await respond(meeting, person.id, "accepted", settings=settings)
    await service.mark_all_stale()
    await service.rebuild_stale(settings=settings)
    clock.set_now(clock.now() + timedelta(hours=1))
    await service.mark_all_stale()
    await service.rebuild_stale(settings=settings)  # a later rebuild changes nothing
    third = (await _get(client, new.token)).content
    assert events(third)[meeting.uid].decoded("last-modified") == answered
    assert "Accepted" in str(events(third)[meeting.uid]["description"])
    assert events(third)[rule_uid] == events(second)[rule_uid]


async def test_a_subscription_names_people_in_the_description_not_as_attendees(
    client, settings, frozen_clock, inbox
):
    """Calendar apps treat an event with ORGANIZER and the subscriber's own ATTENDEE as an
    invitation and offer replies that go nowhere: the feed names them in the description,
    while the emailed invitation (METHOD:REQUEST) keeps them."""
    person = await make_user(Role.STAFF, name="Chen Jing", email="chen@example.org")
    meeting = await make_meeting(
        settings=settings, starts_at=clock.now() + timedelta(days=2), attendees=[person]
    )
    organizer = await meeting.organizer
    new = await service.create_feed(person, FeedKind.PERSON)
    body = (await _get(client, new.token)).content
    [event] = list(icalendar.Calendar.from_ical(body).walk("VEVENT"))
    assert "ATTENDEE" not in event
    assert "ORGANIZER" not in event
    assert b"METHOD" not in body
    description = str(event["description"])
    assert f"Organizer: {organizer.name}" in description
    assert "Your answer: No answer yet" in description
    assert person.email not in body.decode()

    from opsuite.notify.service import dispatch_due

    await dispatch_due(settings)
    [mail] = [m for m in inbox.to(person.email) if m.part("text/calendar")]
    invitation = mail.part("text/calendar")
    assert "METHOD:REQUEST" in invitation
    assert "ATTENDEE" in invitation
    assert "ORGANIZER" in invitation


async def test_no_feed_kind_carries_organizer_or_attendee_lines(client, settings, frozen_clock):
    """Not the personal feed of an attendee or the organiser, not the team feed, not a moved
    occurrence of a series (RECURRENCE-ID): a subscription is never an invitation."""
    manager = await make_user(Role.MANAGER, email="lead@example.org")
    person = await make_user(Role.STAFF, email="chen@example.org")
    team = await make_team(manager=manager, members=[person])
    start = datetime(2026, 3, 9, 10, tzinfo=UTC)
    meeting = await make_meeting(
        settings=settings,
        organizer=manager,
        starts_at=start,
        attendees=[person],
        team_id=team.id,
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    moved = start + timedelta(days=8)
    await update_occurrence(
        manager,
        meeting,
        start + timedelta(days=7),
        OccurrenceInput(starts_at=moved, ends_at=moved + timedelta(hours=1)),
        settings=settings,
    )
    feeds = [
        await service.create_feed(person, FeedKind.PERSON),
        await service.create_feed(manager, FeedKind.PERSON),
        await service.create_feed(manager, FeedKind.TEAM, team=team),
    ]
    for new in feeds:
        body = (await _get(client, new.token)).content
        assert body.count(b"RECURRENCE-ID") == 1, body
        for line in (b"ATTENDEE", b"ORGANIZER", b"METHOD", b"mailto:", b"@example.org"):
            assert line not in body, (new.feed.kind, line)


async def _fixed_person_with_exceptions(settings):
    """Monday to Friday 09:00-17:00 London at an office (the clocks change on 29 March),
    with an office holiday, an approved leave day, a day moved home, a swapped-away day and
    an extra Saturday."""
    office = await make_office(timezone="Europe/London")
    person = await make_user(Role.STAFF, name="Li Na", timezone="Europe/London")
    admin = await make_user(Role.ADMIN)
    await make_arrangement(person, office=office)
    await Holiday.create(office_id=office.id, date=date(2026, 4, 3), name="Good Friday")
    await make_leave(person, date(2026, 3, 18), settings=settings, approved_by=admin)
    await add_exception(admin, person, day=date(2026, 3, 25), kind="move", location="home")
    await add_exception(admin, person, day=date(2026, 4, 7), kind="day_off")
    await add_exception(
        admin, person, day=date(2026, 4, 11), kind="extra", start=time(10), end=time(14)
    )
    return person


async def test_a_fixed_arrangement_is_one_weekly_rule_with_the_same_instants(
    client, settings, frozen_clock
):
    person = await _fixed_person_with_exceptions(settings)
    new = await service.create_feed(person, FeedKind.PERSON)
    body = (await _get(client, new.token)).content
    cal = icalendar.Calendar.from_ical(body)
    rules = [e for e in cal.walk("VEVENT") if e.get("rrule") is not None]
    assert len(rules) == 1
    assert "BYDAY=MO,TU,WE,TH,FR" in rules[0]["rrule"].to_ical().decode()
    assert b"DTSTART;TZID=Europe/London:" in body
    assert b"EXDATE;TZID=Europe/London:20260318T090000" in body  # the leave day

    inputs = await load_inputs([person.id], LO.date() - timedelta(days=2), HI.date() + timedelta(2))
    ours = {
        (i.start, i.end)
        for i in expand_person(
            inputs[person.id], LO.date() - timedelta(days=2), HI.date() + timedelta(days=2)
        )
        if i.kind in (WORK, TIME_OFF) and i.start < HI and i.end > LO
    }
    assert (datetime(2026, 3, 30, 8, tzinfo=UTC), datetime(2026, 3, 30, 16, tzinfo=UTC)) in ours
    assert (datetime(2026, 4, 11, 9, tzinfo=UTC), datetime(2026, 4, 11, 13, tzinfo=UTC)) in ours
    assert not any(s.date() in (date(2026, 4, 3), date(2026, 4, 7)) for s, _e in ours)
    readers = {
        "icalendar": with_icalendar(body, LO, HI),
        "vobject": with_vobject(body, LO, HI),
        "ical.js": with_ical_js(body, LO, HI),
    }
    for name, seen in readers.items():
        timed = {(s, e) for uid, s, e, _st in seen if "-work-" in uid or "-time_off-" in uid}
        assert timed == ours, name


async def test_a_fixed_9_to_5_feed_of_18_months_holds_a_handful_of_events(
    client, settings, frozen_clock
):
    person = await _fixed_person_with_exceptions(settings)
    new = await service.create_feed(person, FeedKind.PERSON)
    body = (await _get(client, new.token)).content
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert len(events) <= 30, len(events)
    assert settings.feeds.days_back + settings.feeds.days_ahead >= 540
    rule = next(e for e in events if e.get("rrule") is not None)

    clock.set_now(clock.now() + timedelta(days=1))  # the window moves, within its months
    await service.mark_all_stale()
    await service.rebuild_stale(settings=settings)
    later = icalendar.Calendar.from_ical((await _get(client, new.token)).content)
    again = next(e for e in later.walk("VEVENT") if e.get("rrule") is not None)
    assert again.to_ical() == rule.to_ical()  # same rule, same SEQUENCE: nothing to resync


async def test_a_night_block_across_the_clock_change_keeps_its_real_length(
    client, settings, frozen_clock
):
    """22:00-06:00 London on Saturdays: the night the clocks go forward is 7 hours long, so
    that night is an EXDATE and an event of its own; the readers still see our instants."""
    person = await make_user(Role.STAFF, timezone="Europe/London")
    await make_arrangement(person, blocks=weekday_blocks(time(22), time(6), days=[5]))
    new = await service.create_feed(person, FeedKind.PERSON)
    body = (await _get(client, new.token)).content
    assert b"BYDAY=SA" in body
    assert b"EXDATE;TZID=Europe/London:20260328T220000" in body
    first, last = LO.date() - timedelta(days=2), HI.date() + timedelta(days=2)
    inputs = await load_inputs([person.id], first, last)
    ours = {
        (i.start, i.end)
        for i in expand_person(inputs[person.id], first, last)
        if i.kind == WORK and i.start < HI and i.end > LO
    }
    assert (datetime(2026, 3, 28, 22, tzinfo=UTC), datetime(2026, 3, 29, 5, tzinfo=UTC)) in ours
    for reader in (with_icalendar, with_vobject, with_ical_js):
        seen = {(s, e) for uid, s, e, _st in reader(body, LO, HI) if "-work-" in uid}
        assert seen == ours, reader.__name__


async def test_a_second_poll_while_one_builds_gets_the_previous_bytes_briefly(
    client, settings, frozen_clock
):
    volunteer = await make_volunteer(name="Ana Lima")
    shift = await make_shift(starts_at=clock.now() + timedelta(hours=30))
    await sign_up(volunteer, shift.id, settings=settings)
    new = await service.create_feed(volunteer, FeedKind.PERSON)
    first = await _get(client, new.token)
    assert "max-age=300" in first.headers["cache-control"]
    await service.mark_all_stale()
    # Another worker holds the build lease: this poll does not build a second time.
    until = clock.now() + service.BUILD_LEASE
    await FeedCache.all().update(building_until=until)
    busy = await _get(client, new.token)
    assert busy.status_code == 200
    assert busy.content == first.content
    assert "max-age=5" in busy.headers["cache-control"]
    # The lease runs out (a crashed build): the next poll builds and answers normally.
    clock.set_now(clock.now() + timedelta(minutes=1))
    again = await _get(client, new.token)
    assert "max-age=300" in again.headers["cache-control"]
    assert (await FeedCache.get(token_id=new.feed.id)).building_until is None
