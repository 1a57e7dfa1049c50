"""The applications report: received, approved, declined, waiting and the median time to approve,
counted by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opsuite import clock
from opsuite.applications.service import decide
from opsuite.reports.service.applying import APPLICATION_GROUPS, applications_received
from opsuite.reports.service.catalog import run_report
from opsuite.reports.service.filters import parse_filter
from tests.factories.applications import make_application, require_applications
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer


async def test_received_approved_and_the_median_days_to_approve(settings):
    manager = await make_user("manager")
    program = await make_program(manager=manager, name="Food bank")
    await require_applications(program)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    people = [await make_volunteer(name=f"V{i}") for i in range(5)]
    applications = []
    for index, person in enumerate(people):
        clock.set_now(start + timedelta(hours=index))
        applications.append(await make_application(person, program))
    # Approved after 1, 2 and 4 days (median 2); one declined; one still waiting.
    for application, days in zip(applications[:3], (1, 2, 4), strict=True):
        clock.set_now(application.submitted_at + timedelta(days=days))
        await decide(manager, application, decision="approve", note="", settings=settings)
    await decide(manager, applications[3], decision="decline", note="", settings=settings)
    clock.set_now(None)
    march = parse_filter(
        {"start": "2026-03-01", "end": "2026-03-31"},
        timezone="UTC",
        groups=APPLICATION_GROUPS,
    )
    report = await applications_received(manager, march)
    [row] = report.rows
    assert row == {
        "group": "Food bank",
        "received": 5,
        "approved": 3,
        "declined": 1,
        "waiting": 1,
        "median_days": 2.0,
    }
    april = await run_report(manager, "applications", {"start": "2026-04-01", "end": "2026-04-30"})
    assert april.rows == []
    assert april.totals["median_days"] == ""
