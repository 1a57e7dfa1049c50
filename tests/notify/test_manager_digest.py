"""The managers' daily digest lists today's shifts with free places, overdue tasks and leave
waiting for them, each from the area that knows it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from opsuite import clock
from opsuite.app import register_areas
from opsuite.notify.digests import send_due_digests
from opsuite.notify.service import dispatch_due
from opsuite.shifts.service import sign_up
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer
from tests.factories.tasks import make_board, make_task


async def test_the_daily_digest_has_shift_gaps_and_overdue_tasks(settings, inbox):
    register_areas()
    clock.set_now(datetime(2026, 3, 9, 22, 0, tzinfo=UTC))  # Monday 22:00 UTC
    manager = await make_user("manager", timezone="Asia/Shanghai")
    program = await make_program(manager=manager)
    opportunity = await make_opportunity(program=program, manager=manager, title="Food sorting")
    today_10 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 on Tuesday in Shanghai
    shift = await make_shift(opportunity, capacity=3, starts_at=today_10, timezone="Asia/Shanghai")
    await sign_up(await make_volunteer(), shift.id, settings=settings)
    full = await make_shift(
        opportunity, capacity=1, starts_at=today_10 + timedelta(hours=4), timezone="Asia/Shanghai"
    )
    await sign_up(await make_volunteer(), full.id, settings=settings)
    board = await make_board(manager=manager, name="Winter appeal")
    await make_task(board, settings=settings, title="Print the flyers", due_date=date(2026, 3, 6))
    await make_task(board, settings=settings, title="Not late yet", due_date=date(2026, 3, 20))
    await dispatch_due(settings)
    inbox.clear()

    clock.set_now(datetime(2026, 3, 9, 23, 30, tzinfo=UTC))  # Tuesday 07:30 in Shanghai
    assert await send_due_digests(settings) == 1
    await dispatch_due(settings)
    [digest] = inbox.to(manager.email)
    assert "Today's shifts with free places" in digest.text
    assert "10:00\u202fAM Food sorting: 2 of 3 places still free" in digest.text
    assert digest.text.count("Food sorting") == 1  # the full shift is not a gap
    assert "Overdue tasks on your boards" in digest.text
    assert "Print the flyers (Winter appeal), due Mar 6, 2026" in digest.text
    assert "Not late yet" not in digest.text
