"""Report figures against hand-computed ones, and who may see which report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.errors import InvalidInput, PermissionDenied
from opsuite.reports.service.filters import parse_filter
from opsuite.reports.service.staff import (
    COVERAGE_GROUPS,
    THROUGHPUT_GROUPS,
    staff_coverage,
    task_throughput,
)
from opsuite.reports.service.volunteering import (
    FILL_GROUPS,
    HOURS_GROUPS,
    shift_fill,
    volunteer_hours,
)
from opsuite.shifts.hours import decide_hours, log_offsite_hours, mark_attendance
from opsuite.shifts.models import Attendance
from opsuite.shifts.planning import cancel_shift
from opsuite.shifts.service import add_to_shift
from opsuite.tasks.service import move_task
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team
from tests.factories.schedules import make_arrangement, make_leave
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer
from tests.factories.tasks import columns, make_board, make_task

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def row(report, group):
    return next(r for r in report.rows if r["group"] == group)


async def hours_world():
    manager = await make_user(Role.MANAGER, name="Mia Manager")
    food = await make_program(manager=manager, name="Food bank")
    other = await make_program(name="Shelter")
    ana = await make_volunteer(name="Ana")
    ben = await make_volunteer(name="Ben")
    clock.set_now(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    await log_offsite_hours(
        ana, program_id=food.id, work_date=date(2026, 2, 10), minutes=120, description="sorting"
    )
    approved = await log_offsite_hours(
        ana, program_id=food.id, work_date=date(2026, 2, 20), minutes=90, description="driving"
    )
    await decide_hours(manager, approved.id, approve=True)
    march = await log_offsite_hours(
        ben, program_id=food.id, work_date=date(2026, 3, 1), minutes=60, description="packing"
    )
    await decide_hours(manager, march.id, approve=True)
    rejected = await log_offsite_hours(
        ben, program_id=food.id, work_date=date(2026, 3, 1), minutes=30, description="?"
    )
    await decide_hours(manager, rejected.id, approve=False)
    await log_offsite_hours(
        ana, program_id=other.id, work_date=date(2026, 2, 11), minutes=300, description="beds"
    )
    return manager, food, other


def hours_filter(manager, **params):
    values = {"start": "2026-02-01", "end": "2026-03-31", **params}
    return parse_filter(values, timezone=manager.timezone, groups=HOURS_GROUPS)


async def test_hours_per_program_count_approved_and_pending_but_not_rejected():
    manager, _food, _other = await hours_world()
    report = await volunteer_hours(manager, hours_filter(manager))
    # The manager runs only the food bank: 90 + 60 minutes approved, 120 pending.
    assert report.rows == [
        {"group": "Food bank", "approved_hours": 2.5, "pending_hours": 2.0, "records": 3}
    ]


async def test_hours_per_month_and_volunteer():
    manager, _food, _other = await hours_world()
    by_month = await volunteer_hours(manager, hours_filter(manager, group="month"))
    assert [(r["group"], r["approved_hours"], r["pending_hours"]) for r in by_month.rows] == [
        ("2026-02", 1.5, 2.0),
        ("2026-03", 1.0, 0.0),
    ]
    by_person = await volunteer_hours(manager, hours_filter(manager, group="volunteer"))
    assert [(r["approved_hours"], r["pending_hours"]) for r in by_person.rows] == [
        (1.5, 2.0),
        (1.0, 0.0),
    ]
    assert by_person.rows[0]["group"].startswith("Ana")


async def test_an_admin_sees_every_program_and_the_range_limits_the_days():
    _manager, _food, _other = await hours_world()
    admin = await make_user(Role.ADMIN)
    everything = await volunteer_hours(admin, hours_filter(admin))
    assert [r["group"] for r in everything.rows] == ["Food bank", "Shelter"]
    assert row(everything, "Shelter")["pending_hours"] == 5.0
    march = await volunteer_hours(admin, parse_filter(MARCH, timezone="UTC", groups=HOURS_GROUPS))
    assert march.rows == [
        {"group": "Food bank", "approved_hours": 1.0, "pending_hours": 0.0, "records": 1}
    ]


async def test_a_manager_may_not_report_on_a_program_they_do_not_run():
    manager, _food, other = await hours_world()
    with pytest.raises(PermissionDenied):
        await volunteer_hours(manager, hours_filter(manager, program=str(other.id)))
    staff = await make_user(Role.STAFF)
    with pytest.raises(PermissionDenied):
        await volunteer_hours(staff, hours_filter(staff))


async def test_bad_filters_name_the_field():
    with pytest.raises(InvalidInput) as bad_date:
        parse_filter({"start": "31/03/2026"}, timezone="UTC", groups=HOURS_GROUPS)
    assert bad_date.value.field == "start"
    with pytest.raises(InvalidInput) as backwards:
        parse_filter({"start": "2026-03-05", "end": "2026-03-01"}, timezone="UTC", groups=("a",))
    assert backwards.value.field == "end"
    with pytest.raises(InvalidInput) as group:
        parse_filter({"group": "planet"}, timezone="UTC", groups=HOURS_GROUPS)
    assert group.value.field == "group"


async def test_fill_rate_and_no_shows_leave_out_cancelled_shifts(settings, frozen_clock):
    manager = await make_user(Role.MANAGER)
    opportunity = await make_opportunity(manager=manager, title="Sorting")
    first = await make_shift(opportunity, capacity=4, starts_at=frozen_clock + timedelta(days=3))
    second = await make_shift(opportunity, capacity=2, starts_at=frozen_clock + timedelta(days=4))
    dropped = await make_shift(opportunity, capacity=9, starts_at=frozen_clock + timedelta(days=5))
    people = [await make_volunteer() for _ in range(4)]
    signups = [await add_to_shift(manager, first.id, p, settings=settings) for p in people[:3]]
    await add_to_shift(manager, second.id, people[3], settings=settings)
    await cancel_shift(manager, dropped, reason="rain", settings=settings)
    clock.set_now(frozen_clock + timedelta(days=8))
    await mark_attendance(manager, signups[0].id, Attendance.ATTENDED)
    await mark_attendance(manager, signups[1].id, Attendance.ATTENDED)
    await mark_attendance(manager, signups[2].id, Attendance.NO_SHOW)

    report = await shift_fill(manager, parse_filter(MARCH, timezone="UTC", groups=FILL_GROUPS))

    assert report.rows == [
        {
            "group": "Sorting",
            "shifts": 2,
            "places": 6,
            "filled": 4,
            "fill_rate": 66.7,
            "attended": 2,
            "no_shows": 1,
            "no_show_rate": 33.3,
        }
    ]
    per_shift = await shift_fill(
        manager, parse_filter({**MARCH, "group": "shift"}, timezone="UTC", groups=FILL_GROUPS)
    )
    assert [(r["places"], r["filled"], r["fill_rate"]) for r in per_shift.rows] == [
        (4, 3, 75.0),
        (2, 1, 50.0),
    ]


async def test_coverage_counts_scheduled_hours_target_and_leave(settings):
    manager = await make_user(Role.MANAGER, timezone="Asia/Shanghai")
    worker = await make_user(Role.STAFF, name="Wen", timezone="Asia/Shanghai")
    team = await make_team(manager=manager, members=[worker], name="Kitchen")
    await make_arrangement(worker, weekly_hours_target=Decimal("40"))
    clock.set_now(datetime(2026, 2, 2, 1, 0, tzinfo=UTC))
    await make_leave(worker, date(2026, 3, 10), settings=settings, approved_by=manager)

    report = await staff_coverage(
        manager,
        parse_filter(
            {**MARCH, "team": str(team.id), "group": "person"},
            timezone="Asia/Shanghai",
            groups=COVERAGE_GROUPS,
        ),
    )
    wen = next(r for r in report.rows if r["group"].startswith("Wen"))
    # March 2026 has 22 weekdays of 8 hours; one of them is taken off. A fixed arrangement's
    # target is its own pattern (tests/reports/test_coverage.py has the whole definition).
    assert wen["scheduled_hours"] == 21 * 8
    assert wen["leave_hours"] == 8
    assert wen["target_hours"] == 22 * 8
    assert wen["coverage"] == round(100 * 21 / 22, 1)
    assert wen["office_share"] == 100.0
    assert wen["remote_share"] == 0.0
    assert wen["month"] == "2026-03"


async def test_throughput_counts_opened_done_overdue_and_cycle_time(settings, frozen_clock):
    manager = await make_user(Role.MANAGER, timezone="UTC")
    helper = await make_user(Role.STAFF, name="Hana")
    board = await make_board(manager=manager, members=[helper], name="Spring appeal")
    quick = await make_task(board, settings=settings, due_date=date(2026, 3, 4), assignees=[helper])
    await make_task(board, settings=settings, due_date=date(2026, 3, 20))
    await make_task(board, settings=settings)
    clock.set_now(frozen_clock + timedelta(days=1))
    done_column = next(c for c in await columns(board) if c.is_done)
    await move_task(manager, quick.id, column_id=done_column.id, settings=settings)
    late = await make_task(board, settings=settings, due_date=date(2026, 3, 3))
    clock.set_now(frozen_clock + timedelta(days=4))

    report = await task_throughput(
        manager, parse_filter(MARCH, timezone="UTC", groups=THROUGHPUT_GROUPS)
    )
    assert report.rows == [
        {"group": "Spring appeal", "opened": 4, "done": 1, "overdue": 1, "cycle_days": 1.0}
    ]
    per_person = await task_throughput(
        manager, parse_filter({**MARCH, "group": "person"}, timezone="UTC", groups=("person",))
    )
    assert [(r["group"].split(" ")[0], r["opened"], r["done"]) for r in per_person.rows] == [
        ("Hana", 1, 1),
        ("Unassigned", 3, 0),
    ]
    assert late.id
