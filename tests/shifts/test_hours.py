"""Check-in and out, attendance, corrections kept as history, and totals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from opsuite import clock
from opsuite.errors import Conflict, FieldErrors, InvalidInput, PermissionDenied
from opsuite.shifts import hours, service
from opsuite.shifts.models import Attendance, HoursCorrection, HoursRecord, SignUp
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def signed_up(settings, **shift_kwargs):
    shift = await make_shift(starts_at=clock.now() + timedelta(hours=2), **shift_kwargs)
    volunteer = await make_volunteer()
    signup = await service.sign_up(volunteer, shift.id, settings=settings)
    manager = await manager_of(await shift.opportunity)
    return shift, volunteer, signup, manager


async def test_check_in_and_out_computes_hours_for_approval(settings, frozen_clock):
    _shift, volunteer, signup, manager = await signed_up(settings)
    with pytest.raises(Conflict, match="an hour before"):
        await hours.check_in(volunteer, signup.id)
    clock.advance(timedelta(hours=1, minutes=50))
    await hours.check_in(volunteer, signup.id)
    clock.advance(timedelta(hours=3, minutes=15))
    entry = await hours.check_out(volunteer, signup.id)
    assert entry.minutes == 195
    assert entry.status == "pending"
    assert hours.approved_sum(await hours.totals(volunteer_id=volunteer.id)) == 0
    with pytest.raises(PermissionDenied):
        await hours.decide_hours(volunteer, entry.id, approve=True)
    await hours.decide_hours(manager, entry.id, approve=True)
    assert hours.approved_sum(await hours.totals(volunteer_id=volunteer.id)) == 195


async def test_check_out_before_check_in_is_refused(settings, frozen_clock):
    _shift, volunteer, signup, manager = await signed_up(settings)
    clock.advance(timedelta(hours=2))
    with pytest.raises(Conflict, match="Check in first"):
        await hours.check_out(volunteer, signup.id)
    clock.advance(timedelta(hours=3))
    with pytest.raises(InvalidInput, match="after the check-in"):
        await hours.mark_attendance(
            manager,
            signup.id,
            Attendance.ATTENDED,
            checked_in_at=clock.now(),
            checked_out_at=clock.now() - timedelta(hours=1),
        )
    assert await HoursRecord.all().count() == 0


async def test_someone_else_may_not_check_a_volunteer_in(settings, frozen_clock):
    _shift, _volunteer, signup, manager = await signed_up(settings)
    clock.advance(timedelta(hours=2))
    with pytest.raises(PermissionDenied):
        await hours.check_in(await make_volunteer(), signup.id)
    await hours.check_in(manager, signup.id)  # the coordinator may
    assert (await SignUp.get(id=signup.id)).checked_in_at == clock.now()


async def test_corrections_keep_history(settings, frozen_clock):
    _shift, volunteer, signup, manager = await signed_up(settings)
    clock.advance(timedelta(hours=6))
    await hours.mark_attendance(manager, signup.id, Attendance.ATTENDED)
    entry = await HoursRecord.get(signup_id=signup.id)
    assert entry.minutes == 180  # the shift's own length
    await hours.correct_hours(manager, entry.id, minutes=150, note="Left early")
    await hours.correct_hours(manager, entry.id, minutes=160, note="Actually 16:40")
    history = await HoursCorrection.filter(record_id=entry.id).order_by("id")
    assert [(h.from_minutes, h.to_minutes, h.changed_by_id) for h in history] == [
        (180, 150, manager.id),
        (150, 160, manager.id),
    ]
    with pytest.raises(PermissionDenied):
        await hours.correct_hours(volunteer, entry.id, minutes=600, note="")


async def test_no_show_counts_no_hours(settings, frozen_clock):
    _shift, volunteer, signup, manager = await signed_up(settings)
    clock.advance(timedelta(hours=6))
    await hours.mark_attendance(manager, signup.id, Attendance.ATTENDED)
    await hours.mark_attendance(manager, signup.id, Attendance.NO_SHOW)
    assert await hours.totals(volunteer_id=volunteer.id) == []


async def test_totals_per_volunteer_program_and_month(settings, frozen_clock):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    volunteer = await make_volunteer()
    for minutes, day in ((60, date(2026, 2, 3)), (90, date(2026, 2, 20)), (30, date(2026, 3, 1))):
        entry = await hours.log_offsite_hours(
            volunteer,
            program_id=opportunity.program_id,
            work_date=day,
            minutes=minutes,
            description="Phoned donors",
        )
        await hours.decide_hours(manager, entry.id, approve=True)
    pending = await hours.log_offsite_hours(
        volunteer,
        program_id=opportunity.program_id,
        work_date=date(2026, 3, 2),
        minutes=45,
        description="Leaflets",
    )
    rows = await hours.totals(program_ids=[opportunity.program_id])
    assert [(t.month, t.approved_minutes, t.pending_minutes) for t in rows] == [
        ("2026-02", 150, 0),
        ("2026-03", 30, 45),
    ]
    assert [p.id for p in await hours.pending_hours(manager)] == [pending.id]


async def test_offsite_hours_are_validated(settings, frozen_clock):
    volunteer = await make_volunteer()
    opportunity = await make_opportunity()
    with pytest.raises(FieldErrors) as caught:
        await hours.log_offsite_hours(
            volunteer,
            program_id=opportunity.program_id,
            work_date=date(2027, 1, 1),
            minutes=0,
            description="",
        )
    assert set(caught.value.errors) == {"work_date", "minutes", "description"}
