"""Backup, wipe, restore: every table of every area comes back row for row."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from tortoise import connections

from opsuite import clock
from opsuite.auth.models import Role, User
from opsuite.errors import Conflict
from opsuite.reports.service.backup import models_in_order, restore_backup, wipe, write_backup
from opsuite.shifts.hours import log_offsite_hours
from opsuite.shifts.service import sign_up
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_program, make_team
from tests.factories.schedules import make_arrangement, make_leave
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer
from tests.factories.tasks import make_board, make_task


async def snapshot() -> dict[str, list[tuple]]:
    tables = {}
    for model in models_in_order():
        columns = list(model._meta.fields_db_projection)
        rows = await model.all().order_by(model._meta.pk_attr).values_list(*columns)
        tables[model._meta.db_table] = [tuple(row) for row in rows]
    return tables


async def build_everything(settings):
    manager = await make_user(Role.MANAGER, name="Mia 经理")
    staff = await make_user(Role.STAFF, name="Wen")
    await make_team(manager=manager, members=[staff])
    program = await make_program(manager=manager)
    await make_arrangement(staff, weekly_hours_target=Decimal("37.5"))
    await make_leave(staff, date(2026, 4, 6), settings=settings, approved_by=manager)
    opportunity = await make_opportunity(program=program, manager=manager)
    shift = await make_shift(opportunity, capacity=2)
    volunteer = await make_volunteer(skills=["forklift"])
    await sign_up(volunteer, shift.id, settings=settings)
    await log_offsite_hours(
        volunteer,
        program_id=program.id,
        work_date=clock.now().date() - timedelta(days=1),
        minutes=45,
        description="派送",
    )
    board = await make_board(manager=manager, members=[staff])
    await make_task(board, settings=settings, assignees=[staff], due_date=date(2026, 4, 1))
    await make_meeting(
        settings=settings, organizer=manager, starts_at=clock.now() + timedelta(days=2)
    )


async def test_backup_wipe_restore_round_trips_every_table(settings, frozen_clock):
    await build_everything(settings)
    before = await snapshot()
    filled = [t for t, rows in before.items() if rows]
    assert len(filled) >= 15, filled
    out = io.StringIO()
    counts = await write_backup(out)
    assert counts["users"] == len(before["users"])

    await wipe()
    assert all(not rows for rows in (await snapshot()).values())
    await restore_backup(io.StringIO(out.getvalue()))

    assert await snapshot() == before
    # New rows get fresh ids after a restore (sequences moved past the restored ones).
    newcomer = await make_user(Role.VOLUNTEER)
    assert newcomer.id > max(row[0] for row in before["users"])


async def test_restore_refuses_a_database_with_data_unless_forced(settings, frozen_clock):
    await make_user(Role.ADMIN, email="first@example.org")
    out = io.StringIO()
    await write_backup(out)
    await make_user(Role.STAFF, email="later@example.org")
    with pytest.raises(Conflict):
        await restore_backup(io.StringIO(out.getvalue()))
    await restore_backup(io.StringIO(out.getvalue()), force=True)
    assert [u.email for u in await User.all()] == ["first@example.org"]
    assert connections.get("default")
