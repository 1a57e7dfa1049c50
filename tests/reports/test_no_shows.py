"""The no-show report: places attended, missed and given up late per program, counted by hand,
on the page, in the CSV and in the JSON."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from opsuite import clock
from opsuite.shifts import hours, service
from opsuite.shifts.models import Attendance, SignUp
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer

MARCH = "start=2026-03-01&end=2026-03-31"


async def _shift_with(manager, opportunity, start, outcomes, settings):
    """A shift at ``start`` with one volunteer per outcome: attended (checked in), marked
    (attended by the coordinator), missed, late (cancelled 20 hours before), early (cancelled
    two days before: not counted)."""
    clock.set_now(start - timedelta(days=3))
    shift = await make_shift(opportunity, starts_at=start, capacity=10)
    people = {}
    for index in range(len(outcomes)):
        people[index] = person = await make_volunteer()
        await service.sign_up(person, shift.id, settings=settings)
    clock.set_now(start - timedelta(days=2))
    for index, outcome in enumerate(outcomes):
        if outcome == "early":
            await service.cancel_signup(people[index], shift.id, settings=settings)
    clock.set_now(start - timedelta(hours=20))
    for index, outcome in enumerate(outcomes):
        if outcome == "late":
            await service.cancel_signup(people[index], shift.id, settings=settings)
    clock.set_now(start + timedelta(minutes=5))
    for index, outcome in enumerate(outcomes):
        signup = await SignUp.get(shift_id=shift.id, volunteer_id=people[index].id)
        if outcome == "attended":
            await hours.check_in(people[index], signup.id)
        elif outcome == "marked":
            await hours.mark_attendance(manager, signup.id, Attendance.ATTENDED)
    return shift


async def test_no_show_rates_per_program_by_hand(client, settings):
    manager = await make_user("manager", email="mia@example.org", timezone="UTC")
    food = await make_program(manager=manager, name="Food bank")
    shelter = await make_program(manager=manager, name="Shelter")
    food_sorting = await make_opportunity(program=food, manager=manager)
    beds = await make_opportunity(program=shelter, manager=manager)
    march = datetime(2026, 3, 10, 9, tzinfo=UTC)
    # Food bank: 2 + 1 attended, 2 missed, 1 late, 1 early (not counted): 2 of 5 missed, 40.0 %.
    await _shift_with(
        manager, food_sorting, march, ["attended", "marked", "missed", "late", "early"], settings
    )
    await _shift_with(
        manager, food_sorting, march + timedelta(days=5), ["attended", "missed"], settings
    )
    # Shelter: 1 attended, nothing missed; a shift in April is outside the range.
    await _shift_with(manager, beds, march + timedelta(days=1), ["attended"], settings)
    await _shift_with(manager, beds, march + timedelta(days=30), ["missed"], settings)
    clock.set_now(datetime(2026, 4, 20, 9, tzinfo=UTC))
    await log_in(client, "mia@example.org")

    page = await client.get(f"/reports/no_shows?{MARCH}")
    as_csv = await client.get(f"/reports/no_shows?{MARCH}&format=csv")
    as_json = (await client.get(f"/reports/no_shows?{MARCH}&format=json")).json()

    assert page.status_code == 200
    assert "No-show rates" in page.text
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows == [
        ["Program", "Attended", "No-shows", "Late cancellations", "No-show rate (%)"],
        ["Food bank", "3", "2", "1", "40.0"],
        ["Shelter", "1", "0", "0", "0.0"],
    ]
    assert as_json["totals"] == {
        "attended": 4,
        "no_shows": 2,
        "late_cancellations": 1,
        "no_show_rate": 33.3,
    }
