"""Weekly availability and blackouts (in the volunteer's zone, across daylight-saving changes),
"fits my availability", attendance records and inviting the available to a short shift."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from opsuite import clock
from opsuite.errors import Conflict, InvalidInput
from opsuite.notify.models import Notification
from opsuite.notify.preferences import save_preferences
from opsuite.notify.service import dispatch_due
from opsuite.shifts import hours, listing, service
from opsuite.shifts.models import Attendance, ShiftInvitation, SignUp
from opsuite.shifts.service import WeeklyBlock
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of

NEW_YORK = "America/New_York"  # clocks go forward on Sunday 2026-03-08
SATURDAY = 5
_days_back = itertools.count()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def test_saturday_mornings_fit_on_both_sides_of_the_clock_change(frozen_clock):
    ana = await make_volunteer(name="Ana Lima", timezone=NEW_YORK)
    await service.set_weekly_availability(ana, [WeeklyBlock(SATURDAY, 9 * 60, 13 * 60)])
    opportunity = await make_opportunity()
    # 09:00-13:00 in New York: 14:00 UTC before the change, 13:00 UTC after it.
    before = await make_shift(
        opportunity, starts_at=utc(2026, 3, 7, 14), hours=4, timezone=NEW_YORK
    )
    after = await make_shift(
        opportunity, starts_at=utc(2026, 3, 14, 13), hours=4, timezone=NEW_YORK
    )
    an_hour_late = await make_shift(opportunity, starts_at=utc(2026, 3, 14, 14), hours=4)

    fits = await service.fitting_shifts([ana.id], [before, after, an_hour_late])

    assert fits[ana.id] == {before.id, after.id}


async def test_a_blackout_takes_its_days_out_in_the_volunteers_zone(frozen_clock):
    ana = await make_volunteer(timezone=NEW_YORK)
    await service.set_weekly_availability(ana, [WeeklyBlock(SATURDAY, 0, 24 * 60)])
    await service.add_blackout(
        ana, first_day=date(2026, 3, 14), last_day=date(2026, 3, 14), note="Exams"
    )
    opportunity = await make_opportunity()
    first = await make_shift(opportunity, starts_at=utc(2026, 3, 7, 14))
    blacked_out = await make_shift(opportunity, starts_at=utc(2026, 3, 14, 14))
    # 21:00-23:00 in New York on Friday the 13th is already Saturday in UTC, and still fits.
    friday_evening = await make_shift(opportunity, starts_at=utc(2026, 3, 14, 1), hours=2)

    fits = await service.fitting_shifts([ana.id], [first, blacked_out, friday_evening])

    assert fits[ana.id] == {first.id}
    [kept] = await service.blackouts_of(ana.id)
    assert (kept.note, kept.timezone) == ("Exams", NEW_YORK)


async def test_stretches_either_side_of_midnight_hold_an_overnight_shift(frozen_clock):
    ana = await make_volunteer(timezone="UTC")
    await service.set_weekly_availability(
        ana, [WeeklyBlock(4, 22 * 60, 24 * 60), WeeklyBlock(SATURDAY, 0, 2 * 60)]
    )
    overnight = await make_shift(starts_at=utc(2026, 3, 6, 23), hours=2, timezone="UTC")
    assert (await service.fitting_shifts([ana.id], [overnight]))[ana.id] == {overnight.id}


@pytest.mark.parametrize(
    ("blocks", "field"),
    [
        ([WeeklyBlock(1, 21 * 60, 18 * 60)], "day1"),  # ends before it starts
        ([WeeklyBlock(1, 18 * 60, 21 * 60), WeeklyBlock(1, 20 * 60, 22 * 60)], "day1"),
        ([WeeklyBlock(1, 18 * 60, 25 * 60)], "day1"),
        ([WeeklyBlock(7, 60, 120)], "weekday"),
        ([WeeklyBlock(2, h * 60, h * 60 + 30) for h in range(7)], "day2"),  # too many
    ],
)
async def test_weekly_stretches_that_make_no_sense_are_refused(blocks, field):
    ana = await make_volunteer()
    await service.set_weekly_availability(ana, [WeeklyBlock(0, 60, 120)])
    with pytest.raises(InvalidInput) as refused:
        await service.set_weekly_availability(ana, blocks)
    assert refused.value.field == field
    assert [(b.weekday, b.start_minute) for b in await service.weekly_blocks(ana.id)] == [(0, 60)]


async def test_blackouts_backwards_too_long_or_with_control_characters_are_refused():
    ana = await make_volunteer()
    for first, last, note, field in (
        (date(2026, 5, 2), date(2026, 5, 1), "", "last_day"),
        (date(2026, 1, 1), date(2027, 6, 1), "", "last_day"),
        (date(2026, 5, 1), date(2026, 5, 2), "a\x00b", "note"),
    ):
        with pytest.raises(InvalidInput) as refused:
            await service.add_blackout(ana, first_day=first, last_day=last, note=note)
        assert refused.value.field == field
    assert await service.blackouts_of(ana.id) == []


async def test_the_list_marks_and_filters_what_fits_in_a_fixed_number_of_queries(
    frozen_clock, queries
):
    ana = await make_volunteer(timezone="UTC")
    await service.set_weekly_availability(ana, [WeeklyBlock(d, 8 * 60, 12 * 60) for d in range(7)])
    opportunity = await make_opportunity()
    fitting = [
        await make_shift(opportunity, starts_at=utc(2026, 3, 3 + i, 9), hours=2) for i in range(4)
    ]
    for i in range(4):
        await make_shift(opportunity, starts_at=utc(2026, 3, 3 + i, 13), hours=2)
    every, only = listing.ShiftFilters(), listing.ShiftFilters(fits_availability=True)

    async def count(filters):
        queries.count = 0
        cards = await listing.list_open_shifts(ana, filters)
        return queries.count, cards

    (marked_queries, cards), (filtered_queries, only_fitting) = (
        await count(every),
        await count(only),
    )
    assert [c.shift.id for c in cards if c.fits] == [s.id for s in fitting]
    assert len(cards) == 8
    assert [c.shift.id for c in only_fitting] == [s.id for s in fitting]
    for i in range(4):  # more shifts, the same number of queries
        await make_shift(opportunity, starts_at=utc(2026, 3, 8 + i, 9), hours=2)
        await make_shift(opportunity, starts_at=utc(2026, 3, 8 + i, 15), hours=2)
    assert (await count(every))[0] == marked_queries
    assert (await count(only))[0] == filtered_queries
    assert len((await count(only))[1]) == 8
    nobody = await make_volunteer()
    assert {c.fits for c in await listing.list_open_shifts(nobody, every)} == {None}


async def _past_outcome(manager, opportunity, volunteer, outcome: str, settings) -> None:
    """A shift last month that ``volunteer`` attended, missed or cancelled late."""
    now = clock.now()
    start = now - timedelta(days=10 + next(_days_back))
    clock.set_now(start - timedelta(days=3))
    shift = await make_shift(opportunity, starts_at=start)
    await service.sign_up(volunteer, shift.id, settings=settings)
    if outcome == "late":
        clock.set_now(start - timedelta(hours=20))  # inside 24 hours, before the 12-hour cut
        await service.cancel_signup(volunteer, shift.id, settings=settings)
    clock.set_now(start + timedelta(hours=4))
    signup = await SignUp.get(shift_id=shift.id, volunteer_id=volunteer.id)
    if outcome == "attended":
        await hours.mark_attendance(manager, signup.id, Attendance.ATTENDED)
    clock.set_now(now)


async def test_attendance_records_count_attended_no_shows_and_late_cancellations(
    frozen_clock, settings
):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    ana = await make_volunteer()
    for outcome in ("attended", "attended", "missed", "late"):
        await _past_outcome(manager, opportunity, ana, outcome, settings)
    # Cancelling two days ahead is not late.
    early = await make_shift(opportunity, starts_at=clock.now() + timedelta(days=5))
    await service.sign_up(ana, early.id, settings=settings)
    await service.cancel_signup(ana, early.id, settings=settings)

    record = (await service.attendance_records([ana.id]))[ana.id]

    assert (record.attended, record.no_shows, record.late_cancellations) == (2, 1, 1)


async def test_inviting_the_available_goes_to_the_most_reliable_once_and_capped(
    frozen_clock, settings, inbox
):
    opportunity = await make_opportunity(title="Food sorting", required_skills=["Forklift"])
    manager = await manager_of(opportunity)
    every_day = [WeeklyBlock(d, 0, 24 * 60) for d in range(7)]
    people = {}
    for name in ("Ana", "Ben", "Cai", "Dee", "Eve", "Fay", "Gus", "Hal"):
        skills = [] if name == "Hal" else ["forklift"]
        people[name] = await make_volunteer(name=name, skills=skills, email=f"{name}@example.org")
        await service.set_weekly_availability(people[name], every_day)
    for name, outcomes in {"Ana": ["attended"] * 2, "Ben": ["attended", "missed"]}.items():
        for outcome in outcomes:
            await _past_outcome(manager, opportunity, people[name], outcome, settings)
    await _past_outcome(manager, opportunity, people["Dee"], "attended", settings)
    shift = await make_shift(opportunity, capacity=1, starts_at=utc(2026, 3, 5, 9))
    await save_preferences(
        people["Eve"],
        disabled_kinds={"shift_invite"},
        lead_minutes={},
        quiet_start=None,
        quiet_end=None,
    )
    await service.add_blackout(
        people["Fay"], first_day=date(2026, 3, 5), last_day=date(2026, 3, 5), note=""
    )
    elsewhere = await make_shift(starts_at=shift.starts_at)
    await service.sign_up(people["Gus"], elsewhere.id, settings=settings)
    inbox.clear()

    first = await service.invite_available(manager, shift.id, settings=settings)
    again = await service.invite_available(manager, shift.id, settings=settings)
    last = await service.invite_available(manager, shift.id, settings=settings)

    assert (first.invited, first.open_places, again.invited, last.invited) == (3, 1, 1, 0)
    invited = (
        await ShiftInvitation.filter(shift_id=shift.id)
        .order_by("id")
        .values_list("volunteer__name", flat=True)
    )
    assert invited == ["Ana", "Dee", "Cai", "Ben"]  # no misses first, the most attended first
    await dispatch_due(settings)
    invitations = [m for m in inbox.messages if m.subject.startswith("Can you help?")]
    assert sorted(m.rcpt_tos[0] for m in invitations) == [
        f"{n}@example.org" for n in ("ana", "ben", "cai", "dee")
    ]
    [mail] = [m for m in invitations if "ana@example.org" in m.rcpt_tos]
    assert mail.subject.startswith("Can you help? Food sorting")
    assert f"/shifts/{shift.id}" in mail.text
    assert "notification settings" in mail.part("text/html")


async def test_invitations_wait_for_short_shifts_that_start_soon(frozen_clock, settings):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    far = await make_shift(opportunity, capacity=1, starts_at=clock.now() + timedelta(days=8))
    full = await make_shift(opportunity, capacity=1)
    await service.sign_up(await make_volunteer(), full.id, settings=settings)
    for shift in (far, full):
        with pytest.raises(Conflict):
            await service.invite_available(manager, shift.id, settings=settings)
    await service.set_policy(
        manager, opportunity.program_id, auto_promote=False, offer_hours=12, invite_within_days=9
    )
    assert (await service.invite_available(manager, far.id, settings=settings)).invited == 0


async def test_an_invitation_waits_for_the_end_of_quiet_hours(frozen_clock, settings):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    ana = await make_volunteer(timezone="UTC")
    await service.set_weekly_availability(ana, [WeeklyBlock(d, 0, 24 * 60) for d in range(7)])
    await save_preferences(
        ana, disabled_kinds=set(), lead_minutes={}, quiet_start=time(8), quiet_end=time(12)
    )
    shift = await make_shift(opportunity, capacity=1, starts_at=utc(2026, 3, 5, 9))

    await service.invite_available(manager, shift.id, settings=settings)

    [mail] = await Notification.filter(kind="shift_invite", recipient_id=ana.id)
    assert mail.due_at == utc(2026, 3, 2, 12)  # now is 09:00, inside 08:00-12:00
