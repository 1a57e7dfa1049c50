"""Schedules feeds the digests: managers hear about leave waiting, staff get their week."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from opsuite import clock
from opsuite.app import register_areas
from opsuite.notify.digests import send_due_digests
from opsuite.notify.service import dispatch_due
from opsuite.schedules.service import (
    ArrangementInput,
    BlockInput,
    LeaveInput,
    decide_leave,
    request_leave,
    set_arrangement,
)
from tests.factories.auth import make_user
from tests.factories.people import make_team


async def test_manager_digest_lists_leave_waiting_and_staff_get_their_week(settings, inbox):
    register_areas()
    manager = await make_user("manager", name="Li Na", timezone="Asia/Shanghai")
    staff = await make_user("staff", name="Sam Carter", timezone="Europe/London")
    await make_team(manager=manager, members=[staff])
    await set_arrangement(
        manager,
        staff,
        ArrangementInput(
            kind="fixed",
            valid_from=date(2026, 1, 1),
            timezone="Europe/London",
            blocks=tuple(BlockInput(d, time(9), time(17), "home") for d in range(5)),
        ),
    )
    approved = await request_leave(
        staff, LeaveInput("vacation", date(2026, 3, 12), date(2026, 3, 13)), settings=settings
    )
    await decide_leave(manager, approved, approve=True, settings=settings)
    await request_leave(
        staff, LeaveInput("other", date(2026, 3, 20), date(2026, 3, 20)), settings=settings
    )
    await dispatch_due(settings)
    inbox.clear()

    clock.set_now(datetime(2026, 3, 9, 0, 0, tzinfo=UTC))  # Monday 08:00 in Shanghai
    assert await send_due_digests(settings) == 1
    clock.set_now(datetime(2026, 3, 9, 7, 30, tzinfo=UTC))  # Monday 07:30 in London
    assert await send_due_digests(settings) == 1
    await dispatch_due(settings)

    [daily] = inbox.to(manager.email)
    assert "Leave requests waiting for you" in daily.text
    assert "Sam Carter: Mar 20, 2026 to Mar 20, 2026 (Other leave)" in daily.text
    assert "Mar 12" not in daily.text  # decided already
    [weekly] = inbox.to(staff.email)
    assert "Your working week" in weekly.text
    assert weekly.text.count(", home") == 3  # Monday to Wednesday; Thursday and Friday are off
    assert "3/9/26, 9:00\u202fAM to 5:00\u202fPM, home" in weekly.text
    assert weekly.text.count(": time off") == 2
