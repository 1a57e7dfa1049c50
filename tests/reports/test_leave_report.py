"""The leave report: days taken, waiting and left per team and kind, and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, make_leave, make_policy, weekday_blocks


async def test_leave_taken_and_left_per_team_and_in_the_csv(client, settings, frozen_clock):
    manager = await make_user("manager", name="Li Na", email="lina@example.org")
    sam = await make_user("staff", name="Sam Carter")
    ana = await make_user("staff", name="Ana Lima")
    volunteer = await make_user("volunteer")
    await make_team(manager=manager, members=[sam, ana, volunteer], name="Field team")
    await make_arrangement(sam, actor=manager)
    await make_arrangement(ana, actor=manager, blocks=weekday_blocks(days=(0, 1, 2)))
    await make_policy()  # 20 days full time: Li Na 20 (no arrangement), Sam 20, Ana 12
    # Sam: 3 days approved in March, 2 waiting in April; Ana: a day of sick leave.
    await make_leave(
        sam, date(2026, 3, 10), date(2026, 3, 12), settings=settings, approved_by=manager
    )
    await make_leave(sam, date(2026, 4, 6), date(2026, 4, 7), settings=settings)
    await make_leave(ana, date(2026, 3, 9), settings=settings, approved_by=manager, kind="sick")
    await log_in(client, manager.email)

    body = (await client.get("/api/v1/reports/leave")).json()  # this year by default
    assert body["filter"]["start"] == "2026-01-01"
    assert [
        (r["group"], r["kind"], r["people"], r["available"], r["taken"], r["pending"], r["left"])
        for r in body["rows"]
    ] == [
        ("Field team", "Vacation", 3, 52.0, 3.0, 2.0, 47.0),
        ("Field team", "Sick leave", 3, "", 1.0, 0.0, ""),
    ]
    # March only: what was taken in March; the year's allowance and what it leaves.
    march = await client.get(
        "/reports/leave?start=2026-03-01&end=2026-03-31&group=person&format=csv"
    )
    rows = list(csv.reader(io.StringIO(march.text)))
    assert rows[0] == [
        "Person",
        "Kind of leave",
        "People",
        "Allowance (days)",
        "Taken (days)",
        "Waiting (days)",
        "Left (days)",
    ]
    assert rows[1:] == [
        [f"Ana Lima (#{ana.id})", "Vacation", "1", "12.0", "0.0", "0.0", "12.0"],
        [f"Ana Lima (#{ana.id})", "Sick leave", "1", "", "1.0", "0.0", ""],
        [f"Li Na (#{manager.id})", "Vacation", "1", "20.0", "0.0", "0.0", "20.0"],
        [f"Sam Carter (#{sam.id})", "Vacation", "1", "20.0", "3.0", "0.0", "15.0"],
    ]
    page = await client.get("/reports/leave")
    assert page.status_code == 200
    assert "Leave taken and left" in page.text
