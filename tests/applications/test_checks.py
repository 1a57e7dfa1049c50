"""Required checks: defined by the program's managers, recorded by a coordinator for someone
who applied, and a missing or expired one stops a sign-up (expiry by the volunteer's zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from opsuite import clock
from opsuite.applications.models import CheckRecord, RequiredCheck
from opsuite.applications.service import (
    add_check,
    decide,
    expiring,
    record_check,
    remove_check,
    remove_record,
    states_for,
)
from opsuite.audit.models import Activity
from opsuite.errors import FieldErrors, NotFound, PermissionDenied
from opsuite.shifts import eligibility
from opsuite.shifts.service import sign_up
from tests.factories.applications import make_application, require_applications
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def _world(settings):
    opportunity = await make_opportunity()
    program = await opportunity.program
    await require_applications(program)
    manager = await manager_of(opportunity)
    ana = await make_volunteer(name="Ana", timezone="Asia/Shanghai")
    application = await make_application(ana, program)
    await decide(manager, application, decision="approve", note="", settings=settings)
    return opportunity, program, manager, ana


async def test_a_missing_then_recorded_then_expired_check(settings, frozen_clock):
    opportunity, program, manager, ana = await _world(settings)
    shift = await make_shift(opportunity)
    check = await add_check(manager, program, name="Training done", expires=True)
    with pytest.raises(eligibility.NotEligibleError, match="Required check missing: Training"):
        await sign_up(ana, shift.id, settings=settings)
    await record_check(manager, program, check_id=check.id, volunteer_id=ana.id,
                       done_on=date(2025, 3, 1), expires_on=date(2026, 3, 10),
                       note="Course A")  # fmt: skip
    assert [s.state for s in await states_for(ana, program.id)] == ["soon"]
    assert [(r.volunteer_id, state) for r, state in await expiring(manager, program)] == [
        (ana.id, "soon")
    ]
    # Valid through 10 March in Shanghai: still on the 10th there, not on the 11th.
    clock.set_now(datetime(2026, 3, 10, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai
    assert [s.state for s in await states_for(ana, program.id)] == ["soon"]
    clock.set_now(datetime(2026, 3, 10, 16, 0, tzinfo=UTC))  # midnight there
    assert [s.state for s in await states_for(ana, program.id)] == ["expired"]
    later = await make_shift(opportunity)
    with pytest.raises(eligibility.NotEligibleError, match="expired on"):
        await sign_up(ana, later.id, settings=settings)
    missing = await eligibility.missing_for(ana, program.id)
    assert missing[0].link == f"/programs/{program.id}/apply#checks"
    assert "coordinator" in missing[0].link_label
    codes = set(await Activity.filter(action__startswith="applications.check").values_list(
        "action", flat=True))  # fmt: skip
    assert codes == {"applications.check.added", "applications.check.recorded"}


async def test_a_valid_check_lets_the_volunteer_sign_up(settings, frozen_clock):
    opportunity, program, manager, ana = await _world(settings)
    shift = await make_shift(opportunity)
    check = await add_check(manager, program, name="Background check", expires=False)
    await record_check(manager, program, check_id=check.id, volunteer_id=ana.id,
                       done_on=date(2026, 3, 2), expires_on=None, note="")  # fmt: skip
    assert (await sign_up(ana, shift.id, settings=settings)).status == "confirmed"


@pytest.mark.parametrize(
    ("expires", "done_on", "expires_on", "field"),
    [
        (True, None, date(2027, 1, 1), "done_on"),
        (True, date(2026, 3, 3), date(2027, 1, 1), "done_on"),  # tomorrow
        (True, date(2026, 1, 1), None, "expires_on"),
        (True, date(2026, 1, 1), date(2025, 12, 31), "expires_on"),
        (False, date(2026, 1, 1), date(2027, 1, 1), "expires_on"),
    ],
)
async def test_bad_dates_are_refused_and_nothing_is_saved(
    settings, frozen_clock, expires, done_on, expires_on, field
):
    _opportunity, program, manager, ana = await _world(settings)
    check = await add_check(manager, program, name="Training", expires=expires)
    with pytest.raises(FieldErrors) as caught:
        await record_check(manager, program, check_id=check.id, volunteer_id=ana.id,
                           done_on=done_on, expires_on=expires_on, note="")  # fmt: skip
    assert field in caught.value.errors
    assert not await CheckRecord.exists()


async def test_another_programs_check_or_volunteer_is_not_found(settings, frozen_clock):
    _opportunity, program, manager, ana = await _world(settings)
    other_opportunity = await make_opportunity()
    other = await other_opportunity.program
    other_manager = await manager_of(other_opportunity)
    theirs = await add_check(other_manager, other, name="Their training", expires=False)
    ours = await add_check(manager, program, name="Training", expires=False)
    stranger = await make_volunteer()  # never applied here
    day = date(2026, 3, 1)
    with pytest.raises(NotFound):
        await record_check(manager, program, check_id=theirs.id, volunteer_id=ana.id,
                           done_on=day, expires_on=None, note="")  # fmt: skip
    with pytest.raises(NotFound):
        await record_check(manager, program, check_id=ours.id, volunteer_id=stranger.id,
                           done_on=day, expires_on=None, note="")  # fmt: skip
    with pytest.raises(PermissionDenied):
        await record_check(other_manager, program, check_id=ours.id, volunteer_id=ana.id,
                           done_on=day, expires_on=None, note="")  # fmt: skip
    assert not await CheckRecord.exists()


async def test_names_are_checked_and_removing_takes_the_records(settings, frozen_clock):
    _opportunity, program, manager, ana = await _world(settings)
    for name in ("", " ", "x" * 121, "Bad\x00name"):
        with pytest.raises(FieldErrors):
            await add_check(manager, program, name=name, expires=False)
    check = await add_check(manager, program, name="Training", expires=False)
    with pytest.raises(FieldErrors, match="already has"):
        await add_check(manager, program, name="Training", expires=True)
    await record_check(manager, program, check_id=check.id, volunteer_id=ana.id,
                       done_on=date(2026, 3, 1), expires_on=None, note="")  # fmt: skip
    await remove_record(manager, program, check_id=check.id, volunteer_id=ana.id)
    with pytest.raises(NotFound):
        await remove_record(manager, program, check_id=check.id, volunteer_id=ana.id)
    await record_check(manager, program, check_id=check.id, volunteer_id=ana.id,
                       done_on=date(2026, 3, 1), expires_on=None, note="")  # fmt: skip
    await remove_check(manager, program, check.id)
    assert not await RequiredCheck.exists()
    assert not await CheckRecord.exists()
