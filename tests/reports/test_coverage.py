"""Staff coverage on hand-computed data: scheduled hours against each person's own target.

March 2026 starts on a Sunday and has 22 weekdays: 5 Mondays, 5 Tuesdays, 4 Wednesdays,
4 Thursdays and 4 Fridays. Three people work in Asia/Shanghai:

- Fang, fixed, Monday to Friday 09:00-17:00 at the office: target 22 x 8 = 176 h, all of it
  scheduled (100 %), all at the office.
- Lei, flexible, 20 h a week over Monday to Friday (window 08:00-20:00, core 10:00-12:00,
  from home): 4 h a weekday, target 22 x 4 = 88 h, all scheduled (100 %), all remote.
- Hu, hybrid, 09:00-17:00: Monday and Tuesday at the office (10 days), Wednesday in the field
  (4 days), Thursday and Friday from home (8 days): target 176 h. Monday 2 March is a holiday
  of Hu's office (8 h) and Thursday 12 March is approved leave (8 h), so 160 h are scheduled
  (160 / 176 = 90.9 %): office 9 x 8 = 72 h (45 %), field 4 x 8 = 32 h (20 %), home
  7 x 8 = 56 h (35 %).

The team: target 176 + 88 + 176 = 440 h, scheduled 176 + 88 + 160 = 424 h (96.4 %); office
176 + 72 = 248 h (58.5 %), remote 88 + 56 = 144 h (34.0 %), field 32 h (7.5 %).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.reports.service.filters import parse_filter
from opsuite.reports.service.staff import COVERAGE_GROUPS, staff_coverage
from opsuite.schedules.models import Holiday
from opsuite.schedules.service import BlockInput
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, make_leave, make_office, weekday_blocks

ZONE = "Asia/Shanghai"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


async def coverage_world(settings):
    manager = await make_user(Role.MANAGER, timezone=ZONE)
    fang = await make_user(Role.STAFF, name="Fang", timezone=ZONE)
    lei = await make_user(Role.STAFF, name="Lei", timezone=ZONE)
    hu = await make_user(Role.STAFF, name="Hu", timezone=ZONE)
    team = await make_team(manager=manager, members=[fang, lei, hu], name="Outreach")
    office = await make_office(timezone=ZONE)
    await make_arrangement(fang)
    await make_arrangement(
        lei,
        kind="flexible",
        blocks=weekday_blocks(time(8), time(20), location="home"),
        window=(time(8), time(20)),
        core=(time(10), time(12)),
        weekly_hours_target=Decimal("20"),
    )
    nine, five = time(9), time(17)
    await make_arrangement(
        hu,
        kind="hybrid",
        blocks=(
            BlockInput(0, nine, five, "office", office.id),
            BlockInput(1, nine, five, "office", office.id),
            BlockInput(2, nine, five, "field", None),
            BlockInput(3, nine, five, "home", None),
            BlockInput(4, nine, five, "home", None),
        ),
    )
    await Holiday.create(office=office, date=date(2026, 3, 2), name="Office day out")
    clock.set_now(datetime(2026, 2, 2, 1, 0, tzinfo=UTC))
    await make_leave(hu, date(2026, 3, 12), settings=settings, approved_by=manager)
    return manager, team


def march(team, group):
    return parse_filter(
        {**MARCH, "team": str(team.id), "group": group}, timezone=ZONE, groups=COVERAGE_GROUPS
    )


def figures(row):
    keys = (
        "target_hours",
        "scheduled_hours",
        "coverage",
        "leave_hours",
        "holiday_hours",
        "office_share",
        "remote_share",
        "field_share",
    )
    return {key: row[key] for key in keys}


async def test_coverage_per_person_is_scheduled_hours_against_their_own_target(settings):
    manager, team = await coverage_world(settings)

    report = await staff_coverage(manager, march(team, "person"))

    by_name = {str(r["group"]).split(" (")[0]: r for r in report.rows}
    assert {r["month"] for r in report.rows} == {"2026-03"}
    assert figures(by_name["Fang"]) == {
        "target_hours": 176.0,
        "scheduled_hours": 176.0,
        "coverage": 100.0,
        "leave_hours": 0.0,
        "holiday_hours": 0.0,
        "office_share": 100.0,
        "remote_share": 0.0,
        "field_share": 0.0,
    }
    assert figures(by_name["Lei"]) == {
        "target_hours": 88.0,
        "scheduled_hours": 88.0,
        "coverage": 100.0,
        "leave_hours": 0.0,
        "holiday_hours": 0.0,
        "office_share": 0.0,
        "remote_share": 100.0,
        "field_share": 0.0,
    }
    assert figures(by_name["Hu"]) == {
        "target_hours": 176.0,
        "scheduled_hours": 160.0,
        "coverage": 90.9,
        "leave_hours": 8.0,
        "holiday_hours": 8.0,
        "office_share": 45.0,
        "remote_share": 35.0,
        "field_share": 20.0,
    }


async def test_team_coverage_is_the_sum_scheduled_over_the_sum_of_targets(settings):
    manager, team = await coverage_world(settings)

    report = await staff_coverage(manager, march(team, "team"))

    (outreach,) = report.rows
    assert outreach["group"] == "Outreach"
    assert outreach["people"] == 3
    assert figures(outreach) == {
        "target_hours": 440.0,
        "scheduled_hours": 424.0,
        "coverage": 96.4,
        "leave_hours": 8.0,
        "holiday_hours": 8.0,
        "office_share": 58.5,
        "remote_share": 34.0,
        "field_share": 7.5,
    }
    # The shares are of scheduled time, so they always add up to the whole.
    assert outreach["office_share"] + outreach["remote_share"] + outreach["field_share"] == 100.0
