"""Series from an RRULE in the series' zone, edits to one, following or all, and real hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsuite import clock
from opsuite.errors import FieldErrors
from opsuite.shifts import planning, recurrence, service
from opsuite.shifts.models import Shift, ShiftSeries
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of

BERLIN = ZoneInfo("Europe/Berlin")


async def saturday_series(settings, **overrides):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    data = planning.ShiftInput(
        day=date(2026, 3, 7),
        start=time(9),
        end=time(12),
        timezone="Europe/Berlin",
        capacity=overrides.get("capacity", 4),
    )
    rule = recurrence.weekly_rule([5], until=date(2026, 4, 30))
    series = await planning.create_series(manager, opportunity, data, rule=rule)
    shifts = await Shift.filter(series_id=series.id).order_by("starts_at")
    return manager, series, shifts


def local(instant: datetime) -> datetime:
    return instant.astimezone(BERLIN)


async def test_every_saturday_stays_at_nine_across_dst(settings, frozen_clock):
    _manager, series, shifts = await saturday_series(settings)
    assert series.rrule == "FREQ=WEEKLY;BYDAY=SA;UNTIL=20260430T235959"
    assert [local(s.starts_at).date().isoformat() for s in shifts][:5] == [
        "2026-03-07", "2026-03-14", "2026-03-21", "2026-03-28", "2026-04-04",
    ]  # fmt: skip
    assert len(shifts) == 8
    assert all(local(s.starts_at).time() == time(9) for s in shifts)
    assert shifts[3].starts_at.astimezone(UTC).hour == 8  # before the clocks change (UTC+1)
    assert shifts[4].starts_at.astimezone(UTC).hour == 7  # after (UTC+2)


async def test_rules_without_an_end_are_refused(settings, frozen_clock):
    opportunity = await make_opportunity()
    data = planning.ShiftInput(date(2026, 3, 7), time(9), time(12), "Europe/Berlin", 4)
    with pytest.raises(FieldErrors) as caught:
        await planning.create_series(
            await manager_of(opportunity), opportunity, data, rule="FREQ=WEEKLY;BYDAY=SA"
        )
    assert "rrule" in caught.value.errors
    assert await ShiftSeries.all().count() == 0


async def test_a_part_given_twice_is_refused_not_overwritten(settings, frozen_clock):
    opportunity = await make_opportunity()
    data = planning.ShiftInput(date(2026, 3, 7), time(9), time(12), "Europe/Berlin", 4)
    with pytest.raises(FieldErrors) as caught:
        await planning.create_series(
            await manager_of(opportunity),
            opportunity,
            data,
            rule="FREQ=WEEKLY;BYDAY=MO;BYDAY=TU;UNTIL=20260430",
        )
    assert "BYDAY=TU" in caught.value.errors["rrule"]
    assert await ShiftSeries.all().count() == 0


async def test_edit_this_shift_only(settings, frozen_clock):
    manager, _series, shifts = await saturday_series(settings)
    target = await planning.get_shift(shifts[2].id)
    data = planning.ShiftInput(date(2026, 3, 21), time(10), time(13), "Europe/Berlin", 6)
    await planning.update_shift(
        manager, target, data, scope=planning.EditScope.THIS, settings=settings
    )
    after = await Shift.filter(series_id=target.series_id).order_by("starts_at")
    assert [local(s.starts_at).hour for s in after] == [9, 9, 10, 9, 9, 9, 9, 9]
    assert [s.capacity for s in after] == [4, 4, 6, 4, 4, 4, 4, 4]


async def test_edit_this_and_following_splits_the_series(settings, frozen_clock):
    manager, series, shifts = await saturday_series(settings)
    target = await planning.get_shift(shifts[4].id)  # 4 April, after the DST change
    data = planning.ShiftInput(date(2026, 4, 4), time(14), time(17), "Europe/Berlin", 4)
    await planning.update_shift(
        manager, target, data, scope=planning.EditScope.FOLLOWING, settings=settings
    )
    old = await ShiftSeries.get(id=series.id)
    assert old.rrule.endswith("UNTIL=20260403T235959")
    new = await ShiftSeries.exclude(id=series.id).get()
    assert new.first_date == date(2026, 4, 4)
    assert new.start_minute == 14 * 60
    after = await Shift.all().order_by("starts_at")
    assert [local(s.starts_at).hour for s in after] == [9, 9, 9, 9, 14, 14, 14, 14]
    assert {s.series_id for s in after[4:]} == {new.id}


async def test_edit_all_moves_every_upcoming_shift(settings, frozen_clock):
    clock.set_now(datetime(2026, 3, 15, tzinfo=UTC))  # the first two are past
    manager, _series, shifts = await saturday_series(settings)
    target = await planning.get_shift(shifts[-1].id)
    data = planning.ShiftInput(date(2026, 4, 25), time(8), time(11), "Europe/Berlin", 5)
    await planning.update_shift(
        manager, target, data, scope=planning.EditScope.ALL, settings=settings
    )
    after = await Shift.all().order_by("starts_at")
    assert all(local(s.starts_at).hour == 8 for s in after)
    assert all(s.capacity == 5 for s in after)


async def test_cancelling_one_instance_keeps_the_series(settings, frozen_clock, inbox):
    manager, series, shifts = await saturday_series(settings)
    volunteer = await make_volunteer()
    await service.sign_up(volunteer, shifts[1].id, settings=settings)
    await planning.cancel_shift(manager, shifts[1], reason="Hall closed", settings=settings)
    series = await ShiftSeries.get(id=series.id)
    assert series.exdates == ["2026-03-14"]
    remaining = await Shift.filter(series_id=series.id, status="scheduled").count()
    assert remaining == 7
    from opsuite.notify.service import dispatch_due

    await dispatch_due(settings)
    told = inbox.to(volunteer.email)
    assert any("Cancelled" in m.subject and "Hall closed" in m.text for m in told)


async def test_overnight_shift_on_the_dst_night_counts_real_hours(settings, frozen_clock):
    clock.set_now(datetime(2026, 10, 1, tzinfo=UTC))
    opportunity = await make_opportunity()
    data = planning.ShiftInput(date(2026, 10, 24), time(22), time(6), "Europe/Berlin", 2)
    shift = await planning.create_shift(await manager_of(opportunity), opportunity, data)
    assert shift.duration == timedelta(hours=9)  # the clocks go back at 03:00
    normal = planning.ShiftInput(date(2026, 10, 17), time(22), time(6), "Europe/Berlin", 2)
    other = await planning.create_shift(await manager_of(opportunity), opportunity, normal)
    assert other.duration == timedelta(hours=8)


async def test_a_past_start_is_refused(settings, frozen_clock):
    with pytest.raises(FieldErrors):
        await make_shift(starts_at=clock.now() - timedelta(hours=1))
