"""The webhook events task.assigned, task.done and shift.short, delivered to the local
receiver that checks each signature."""

from __future__ import annotations

from datetime import timedelta

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.hooks import service as hooks
from opsuite.shifts import service as shifts
from opsuite.shifts.models import SignUp
from opsuite.tasks import service as tasks
from tests.factories.auth import make_user
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of
from tests.factories.tasks import columns, make_board, make_task
from tests.hooks.receiver import Receiver
from tests.hooks.test_delivery import _endpoint


async def test_assigning_and_finishing_a_task_are_posted(receiver: Receiver, settings):
    await _endpoint(receiver, settings, events=("task.assigned", "task.done"))
    manager = await make_user(Role.MANAGER)
    helper = await make_user(Role.STAFF)
    board = await make_board(manager=manager, members=[helper])
    task = await make_task(board, settings=settings, by=manager)
    done = next(c for c in await columns(board) if c.is_done)

    await tasks.set_assignees(manager, task.id, (helper.id,), settings=settings)
    await tasks.set_assignees(manager, task.id, (helper.id,), settings=settings)  # no change
    await tasks.move_task(manager, task.id, column_id=done.id, settings=settings)
    assert await hooks.dispatch(settings) == 2

    assert receiver.refused == []
    assigned, finished = sorted(receiver.received, key=lambda r: r.body["type"])
    assert assigned.body["type"] == "task.assigned"
    assert assigned.body["data"]["object"] == {"type": "task", "id": str(task.id)}
    assert assigned.body["data"]["details"]["added"] == [helper.id]
    assert finished.body["type"] == "task.done"
    assert finished.headers["x-opsuite-event"] == "task.done"
    assert finished.body["data"]["details"]["column_id"] == done.id


async def _full_shift(settings, *, capacity=2, days=1):
    opportunity = await make_opportunity()
    starts = (clock.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    shift = await make_shift(opportunity, capacity=capacity, starts_at=starts)
    people = [await make_volunteer() for _ in range(capacity)]
    for person in people:
        await shifts.sign_up(person, shift.id, settings=settings)
    return shift, people


async def test_a_full_shift_left_short_by_a_cancellation_is_posted_once(
    receiver: Receiver, settings, frozen_clock
):
    await _endpoint(receiver, settings, events=("shift.short",))
    shift, (first, second) = await _full_shift(settings)

    await shifts.cancel_signup(first, shift.id, settings=settings)  # full -> one free: posted
    await shifts.cancel_signup(second, shift.id, settings=settings)  # still short: not again
    assert await hooks.dispatch(settings) == 1

    assert receiver.refused == []
    (got,) = receiver.received
    assert got.body["type"] == "shift.short"
    assert got.body["data"]["object"] == {"type": "shift", "id": str(shift.id)}
    assert got.body["data"]["details"] == {
        "capacity": 2, "taken": 1, "free": 1, "starts_at": shift.starts_at.isoformat(),
    }  # fmt: skip


async def test_full_again_then_short_again_is_a_second_drop(receiver, settings, frozen_clock):
    await _endpoint(receiver, settings, events=("shift.short",))
    shift, (first, _second) = await _full_shift(settings)
    await shifts.cancel_signup(first, shift.id, settings=settings)
    newcomer = await make_volunteer()
    await shifts.sign_up(newcomer, shift.id, settings=settings)  # full again
    place = await SignUp.get(shift_id=shift.id, volunteer_id=newcomer.id)
    manager = await manager_of(await shift.opportunity)
    await shifts.remove_from_shift(manager, shift.id, place.id, settings=settings)
    assert await hooks.dispatch(settings) == 2
    assert [r.body["type"] for r in receiver.received] == ["shift.short", "shift.short"]


async def test_no_short_event_when_the_waitlist_fills_it_or_the_shift_is_far_off(
    receiver, settings, frozen_clock
):
    await _endpoint(receiver, settings, events=("shift.short",))
    far, (far_person, _) = await _full_shift(settings, days=10)  # past the 72-hour window
    await shifts.cancel_signup(far_person, far.id, settings=settings)
    near, (near_person, _) = await _full_shift(settings)
    waiting = await make_volunteer()
    await shifts.sign_up(waiting, near.id, settings=settings)  # the waitlist
    await shifts.cancel_signup(near_person, near.id, settings=settings)  # offered or moved up

    assert await hooks.dispatch(settings) == 0
    assert receiver.received == []
