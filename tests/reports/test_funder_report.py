"""A program's report for funders against hand-computed figures: a small program with known
hours, shifts, meetings and tasks inside the period and just outside it, with the period's
edges in the organisation's zone (Asia/Shanghai, UTC+8), not UTC (issue #22)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.errors import InvalidInput, NotFound, PermissionDenied
from opsuite.reports.service import sharing
from opsuite.reports.service.funder import Figures, build_funder_report, parse_period
from opsuite.reports.service.prose import narrative_html
from opsuite.shifts.hours import decide_hours, log_offsite_hours
from opsuite.shifts.planning import cancel_shift
from opsuite.shifts.service import add_to_shift
from opsuite.tasks.service import move_task
from opsuite.tokens import digest
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer
from tests.factories.tasks import columns, make_board, make_task

ZONE = "Asia/Shanghai"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def world(settings):
    """Q1 2026 in Shanghai is [2025-12-31 16:00 UTC, 2026-03-31 16:00 UTC)."""
    clock.set_now(utc(2025, 12, 1, 0, 0))
    manager = await make_user(Role.MANAGER, timezone=ZONE)
    funder = await make_user(Role.VOLUNTEER, email="funder@example.org", timezone=ZONE)
    care = await make_program(manager=manager, name="Elderly care", readers=[funder])
    youth = await make_program(manager=manager, name="Youth tutoring")
    ana, ben, cai, dan = [await make_volunteer(name=n, timezone=ZONE) for n in "ABCD"]
    visits = await make_opportunity(program=care, manager=manager, title="Visits")

    async def shift(starts_at, capacity, people):
        made = await make_shift(visits, capacity=capacity, starts_at=starts_at, timezone=ZONE)
        for person in people:
            await add_to_shift(manager, made.id, person, settings=settings)
        return made

    await shift(utc(2026, 1, 20, 2, 0), 4, [ana, ben, cai])  # Jan 20 10:00: in
    await shift(utc(2026, 3, 31, 15, 30), 2, [dan])  # Mar 31 23:30 in Shanghai: in
    await shift(utc(2026, 3, 31, 16, 30), 5, [ana])  # Apr 1 00:30 in Shanghai: out
    await shift(utc(2025, 12, 31, 17, 0), 3, [])  # Jan 1 01:00 in Shanghai: in
    rained = await shift(utc(2026, 2, 10, 2, 0), 9, [ben])  # cancelled: out
    await cancel_shift(manager, rained, reason="rain", settings=settings)

    meeting = {"settings": settings, "organizer": manager, "timezone": ZONE}
    # Tuesdays 10:00 from March 10: 10, 17, 24, 31 March in, 7 April out.
    await make_meeting(
        **meeting,
        starts_at=utc(2026, 3, 10, 2, 0),
        rrule="FREQ=WEEKLY;COUNT=5",
        program_id=care.id,
    )
    await make_meeting(**meeting, starts_at=utc(2026, 2, 5, 2, 0), program_id=care.id)
    await make_meeting(**meeting, starts_at=utc(2026, 2, 6, 2, 0), program_id=youth.id)
    await make_meeting(**meeting, starts_at=utc(2026, 2, 7, 2, 0))  # no program

    board = await make_board(manager=manager, program_id=care.id)
    elsewhere = await make_board(manager=manager)
    done = next(c for c in await columns(board) if c.is_done)
    done_elsewhere = next(c for c in await columns(elsewhere) if c.is_done)
    in_feb = await make_task(board, settings=settings, title="Rota")
    in_april = await make_task(board, settings=settings, title="Leaflet")
    await make_task(board, settings=settings, title="Not done")
    other = await make_task(elsewhere, settings=settings, title="Elsewhere")
    clock.set_now(utc(2026, 2, 10, 3, 0))
    await move_task(manager, in_feb.id, column_id=done.id, settings=settings)
    await move_task(manager, other.id, column_id=done_elsewhere.id, settings=settings)
    clock.set_now(utc(2026, 3, 31, 17, 0))  # April 1 in Shanghai
    await move_task(manager, in_april.id, column_id=done.id, settings=settings)

    clock.set_now(utc(2026, 4, 5, 1, 0))

    async def hours(person, program, day, minutes, *, approve=True):
        logged = await log_offsite_hours(
            person, program_id=program.id, work_date=day, minutes=minutes, description="visits"
        )
        if approve:
            await decide_hours(manager, logged.id, approve=True)

    await hours(ana, care, date(2026, 1, 10), 120)
    await hours(ben, care, date(2026, 2, 15), 90)
    await hours(ana, care, date(2026, 3, 31), 30)  # the last day: in
    await hours(ana, care, date(2026, 4, 1), 60)  # out
    await hours(ben, care, date(2025, 12, 31), 60)  # out
    await hours(cai, care, date(2026, 2, 1), 45, approve=False)  # pending: not counted
    await hours(cai, youth, date(2026, 2, 2), 600)  # another program
    return {"manager": manager, "funder": funder, "care": care, "youth": youth}


async def test_last_quarter_in_the_organisations_zone(settings):
    w = await world(settings)
    period = parse_period({"period": "last_quarter"}, timezone=ZONE)
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 3, 31))

    report = await build_funder_report(w["care"], period)

    assert report.totals == Figures(
        approved_hours=4.0,  # 120 + 90 + 30 minutes
        volunteers_active=2,  # Ana and Ben
        shifts_held=3,
        places=9,  # 4 + 2 + 3
        places_filled=4,  # 3 + 1 + 0
        fill_rate_percent=44.4,
        meetings_held=5,  # 5 February, and four Tuesdays in March
        tasks_done=1,
    )
    months = dict(report.months)
    assert list(months) == ["2026-01", "2026-02", "2026-03"]
    assert months["2026-01"] == Figures(2.0, 1, 2, 7, 3, 42.9, 0, 0)
    assert months["2026-02"] == Figures(1.5, 1, 0, 0, 0, 0.0, 1, 1)
    assert months["2026-03"] == Figures(0.5, 1, 1, 2, 1, 50.0, 4, 0)
    assert report.table()[-1] == ["total", 4.0, 2, 3, 9, 4, 44.4, 5, 1]


async def test_only_what_has_taken_place_counts_as_held(settings):
    w = await world(settings)
    april = parse_period({"start": "2026-04-01", "end": "2026-04-30"}, timezone=ZONE)

    report = await build_funder_report(w["care"], april)

    # Now is 5 April: the 1 April shift was held, the 7 April meeting not yet.
    assert (report.totals.shifts_held, report.totals.meetings_held) == (1, 0)
    assert (report.totals.approved_hours, report.totals.tasks_done) == (1.0, 1)


def test_presets_are_the_whole_months_before_today():
    clock.set_now(utc(2026, 1, 10, 20, 0))  # 11 January in Shanghai
    last = {p: parse_period({"period": p}, timezone=ZONE) for p in ("last_month", "last_year")}
    quarter = parse_period({"period": "last_quarter"}, timezone=ZONE)
    assert (last["last_month"].start, last["last_month"].end) == (
        date(2025, 12, 1),
        date(2025, 12, 31),
    )
    assert (last["last_year"].start, last["last_year"].end) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    assert (quarter.start, quarter.end) == (date(2025, 10, 1), date(2025, 12, 31))
    assert parse_period({}, timezone=ZONE).preset == "last_month"
    with pytest.raises(InvalidInput) as bad:
        parse_period({"period": "forever"}, timezone=ZONE)
    assert bad.value.field == "period"
    with pytest.raises(InvalidInput) as backwards:
        parse_period({"start": "2026-03-02", "end": "2026-03-01"}, timezone=ZONE)
    assert backwards.value.field == "end"


async def test_the_narrative_belongs_to_its_program_and_period(settings):
    w = await world(settings)
    quarter = parse_period({"period": "last_quarter"}, timezone=ZONE)
    march = parse_period({"start": "2026-03-01", "end": "2026-03-31"}, timezone=ZONE)

    await sharing.save_narrative(w["manager"], w["care"].id, quarter, "First draft")
    await sharing.save_narrative(w["manager"], w["care"].id, quarter, "We visited **40** homes.")

    assert (await build_funder_report(w["care"], quarter)).narrative_text == (
        "We visited **40** homes."
    )
    assert (await build_funder_report(w["care"], march)).narrative_text == ""
    assert (await build_funder_report(w["youth"], quarter)).narrative_text == ""
    with pytest.raises(PermissionDenied):
        await sharing.save_narrative(w["funder"], w["care"].id, quarter, "Not mine to write")
    # The read-only viewer may read it.
    seen = await sharing.program_report(w["funder"], w["care"].id, quarter)
    assert seen.totals.approved_hours == 4.0
    with pytest.raises(PermissionDenied):
        await sharing.program_report(w["funder"], w["youth"].id, quarter)


def test_the_narrative_is_escaped_with_a_little_markdown():
    html = narrative_html("# Plan\n\nWe **did** it <script>x</script>\nline two\n\n- one\n- two")
    assert str(html) == (
        "<h3>Plan</h3><p>We <strong>did</strong> it &lt;script&gt;x&lt;/script&gt;<br>line two"
        "</p><ul><li>one</li><li>two</li></ul>"
    )


async def test_a_share_link_opens_until_revoked_or_expired(settings):
    w = await world(settings)
    quarter = parse_period({"period": "last_quarter"}, timezone=ZONE)
    new = await sharing.create_link(
        w["manager"], w["care"].id, quarter, label="Foundation", expires_on=None
    )
    short = await sharing.create_link(
        w["manager"], w["care"].id, quarter, label="", expires_on=date(2026, 4, 6)
    )

    assert new.link.token_hash == digest(new.token)
    assert new.token not in new.link.token_hash
    shared = await sharing.shared_report(new.token, timezone=ZONE)
    assert (shared.period.start, shared.period.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert shared.totals.approved_hours == 4.0

    await sharing.revoke_link(w["manager"], w["care"].id, new.link.id)
    with pytest.raises(sharing.LinkGoneError):
        await sharing.shared_report(new.token, timezone=ZONE)
    clock.set_now(utc(2026, 4, 6, 15, 59))  # 6 April 23:59 in Shanghai: the last day
    assert (await sharing.shared_report(short.token, timezone=ZONE)).program.id == w["care"].id
    clock.set_now(utc(2026, 4, 6, 16, 0))
    with pytest.raises(sharing.LinkGoneError):
        await sharing.shared_report(short.token, timezone=ZONE)
    with pytest.raises(NotFound):
        await sharing.shared_report("rpt_" + "x" * 43, timezone=ZONE)
    links = await sharing.list_links(w["manager"], w["care"].id, quarter)
    assert [link.label for link in links] == ["", "Foundation"]
    with pytest.raises(PermissionDenied):
        await sharing.create_link(w["funder"], w["care"].id, quarter, label="", expires_on=None)
    with pytest.raises(InvalidInput):
        await sharing.create_link(
            w["manager"], w["care"].id, quarter, label="", expires_on=date(2026, 4, 1)
        )
