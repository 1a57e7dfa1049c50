"""The whole life of a leave request and a work arrangement (set by a manager, proposed by the
person), through the forms in Chromium: made, changed, decided, seen on the person's and the
team's schedule, the approvals page and the calendar feed, with every page still answering."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from opsuite import clock
from opsuite.schedules.models import Arrangement, TimeOff
from tests.browser.lifecycle import activity_shows, answers, feed, logged_in, new_person_feed, send
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement

pytestmark = pytest.mark.browser


def monday_in(weeks: int) -> date:
    today = clock.now().date()
    return today + timedelta(days=7 * weeks - today.weekday())


async def test_leave_request_from_asking_to_decision(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor")
    staff = await make_user("staff", name="Tariq Aziz", timezone="Europe/London")
    team = await make_team(manager=manager, members=[staff], name="Harbour Office")
    await make_arrangement(staff, actor=manager, valid_from=monday_in(0))
    page = await logged_in(new_context, staff.email)
    staff_feed = await new_person_feed(page)
    first = monday_in(3)

    await page.goto("/schedule/leave")
    await send(
        page,
        "/schedule/leave",
        {
            "kind": "vacation",
            "start_date": first.isoformat(),
            "end_date": (first + timedelta(days=2)).isoformat(),
            "reason": "Family visit",
        },
    )
    leave = await TimeOff.get(user_id=staff.id)
    await answers(page, "/schedule/leave", "Vacation", "Cancel request")
    boss = await logged_in(new_context, manager.email)
    await answers(boss, "/schedule/approvals", "Tariq Aziz", "Family visit")

    # Withdrawn while it waits, then asked again for part of a day, another kind.
    await page.goto("/schedule/leave")
    await send(page, f"/schedule/leave/{leave.id}/cancel", {})
    await answers(boss, "/schedule/approvals", absent=["Family visit"])
    await send(
        page,
        "/schedule/leave",
        {
            "kind": "other",
            "start_date": first.isoformat(),
            "end_date": first.isoformat(),
            "start_time": "13:00",
            "end_time": "17:00",
            "reason": "Dentist appointment",
        },
    )
    request = await TimeOff.get(user_id=staff.id, status="pending")
    await boss.goto("/schedule/approvals")
    form = f"/schedule/approvals/leave/{request.id}"
    await send(boss, form, {"note": "Get well soon"}, "Approve")

    assert (await TimeOff.get(id=request.id)).status == "approved"
    await answers(page, "/schedule/leave", "13:00–17:00", "Get well soon")
    await answers(page, f"/schedule?week={first.isoformat()}")
    await answers(page, f"/schedule?view=month&month={first:%Y-%m}")
    await answers(boss, f"/schedule/team?team={team.id}&week={first.isoformat()}", "Tariq Aziz")
    await answers(boss, "/schedule/approvals", absent=["Dentist appointment"])
    await answers(boss, f"/people/{staff.id}", "Tariq Aziz")
    await feed(page, settings, staff_feed, first.strftime("%Y%m%d") + "T130000")
    await activity_shows(
        new_context,
        "schedules.leave",
        "schedules.leave.requested",
        "schedules.leave.cancelled",
        "schedules.leave.approved",
    )


async def test_arrangement_from_first_hours_to_a_rejected_proposal(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor")
    staff = await make_user("staff", name="Tariq Aziz", timezone="Europe/London")
    team = await make_team(manager=manager, members=[staff], name="Harbour Office")
    boss = await logged_in(new_context, manager.email)
    start = monday_in(1)
    form = f"/schedule/people/{staff.id}/arrangement"

    await boss.goto(form)
    weekdays = {f"b{d}0_start": "09:00" for d in range(5)} | {
        f"b{d}0_end": "17:00" for d in range(5)
    }
    await send(
        boss,
        form,
        {"kind": "fixed", "valid_from": start.isoformat(), "timezone": "Europe/London", **weekdays},
        "Save",
    )
    assert await Arrangement.filter(user_id=staff.id).count() == 1

    # A new version from a later week: hybrid, home on Wednesdays and Fridays, a second
    # block on Monday, a note.
    await boss.goto(form)
    await send(
        boss,
        form,
        {
            "kind": "hybrid",
            "valid_from": (start + timedelta(weeks=1)).isoformat(),
            "b20_location": "home",
            "b40_location": "home",
            "b00_end": "12:00",
            "b01_start": "13:00",
            "b01_end": "17:30",
            "note": "Hybrid from the second week",
        },
        "Save",
    )
    assert await Arrangement.filter(user_id=staff.id).count() == 2
    page = await logged_in(new_context, staff.email)
    staff_feed = await new_person_feed(page)
    later = start + timedelta(weeks=1)
    await answers(page, f"/schedule?week={later.isoformat()}", "17:30")
    await answers(page, f"/schedule?view=month&month={later:%Y-%m}")
    await answers(boss, form, "Hybrid from the second week")
    await answers(boss, f"/schedule/team?team={team.id}&week={later.isoformat()}", "Tariq Aziz")
    await answers(boss, f"/people/{staff.id}")
    await feed(page, settings, staff_feed, later.strftime("%Y%m%d") + "T130000")

    # The person proposes shorter Fridays; the manager turns it down.
    await page.goto("/schedule/propose")
    await send(
        page,
        "/schedule/propose",
        {"valid_from": (start + timedelta(weeks=3)).isoformat(), "b40_end": "13:00"},
        "Send proposal",
    )
    proposal = await Arrangement.get(user_id=staff.id, status="proposed")
    await answers(boss, "/schedule/approvals", "Tariq Aziz")
    await boss.goto("/schedule/approvals")
    await send(boss, f"/schedule/approvals/proposals/{proposal.id}", {}, "Reject")

    assert (await Arrangement.get(id=proposal.id)).status == "rejected"
    await expect(boss.get_by_role("status")).to_be_visible()
    await answers(boss, "/schedule/approvals")
    await answers(page, "/schedule")
    await answers(boss, form, "Hybrid from the second week")
    await feed(page, settings, staff_feed)
