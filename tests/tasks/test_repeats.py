"""Recurring tasks: the next instance when one is done, its due date (hand-computed, across a
daylight-saving change), what it copies, and that there is only ever one."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.errors import FieldErrors
from opsuite.tasks import boards, service
from opsuite.tasks.models import ChecklistItem, Task, TaskAssignee, TaskEvent
from opsuite.tasks.queries import cards_for
from opsuite.tasks.service import Repeat
from tests.factories.auth import make_user
from tests.factories.tasks import columns, make_board, make_task

NEW_YORK = "America/New_York"


async def _done(actor, task, settings):
    *_rest, done = await columns(await boards.get_board(task.board_id))
    return await service.move_task(actor, task.id, column_id=done.id, settings=settings)


async def test_done_task_repeats_two_weeks_after_completion_with_everything_copied(
    settings, frozen_clock
):
    amira = await make_user(Role.STAFF, name="Amira Haddad")
    board = await make_board(members=[amira])
    manager = await board.created_by
    label = await boards.add_label(manager, board, name="Print", color="#3366cc")
    todo, doing, _review, _done_column = await columns(board)
    task = await make_task(
        board,
        settings=settings,
        title="Water the plants",
        description="Both floors",
        priority="high",
        column=doing,
        assignees=[amira],
        label_ids=(label.id,),
        due_date=date(2026, 3, 4),
        repeat=Repeat(2, "weeks", "after_completion", "Europe/London"),
    )
    first = await service.add_checklist_item(manager, task.id, "Ground floor")
    await service.add_checklist_item(manager, task.id, "First floor")
    await service.set_checklist_item(manager, task.id, first.id, done=True)

    # Done a day late, on Thursday 5 March (15:00 in London): two weeks on is 19 March.
    clock.set_now(datetime(2026, 3, 5, 15, 0, tzinfo=UTC))
    moved = await _done(amira, task, settings)

    following = moved.following
    assert following is not None
    assert (following.board_id, following.column_id) == (board.id, todo.id)
    assert following.previous_id == task.id
    assert (following.title, following.description, following.priority) == (
        "Water the plants",
        "Both floors",
        "high",
    )
    assert (following.due_date, following.due_at, following.completed_at) == (
        date(2026, 3, 19),
        None,
        None,
    )
    assert service.repeat_of(following) == Repeat(2, "weeks", "after_completion", "Europe/London")
    [card] = await cards_for([following], "UTC")
    assert [a.name for a in card.assignees] == ["Amira Haddad"]
    assert [lb.name for lb in card.labels] == ["Print"]
    items = await ChecklistItem.filter(task_id=following.id).order_by("position")
    assert [(i.text, i.is_done, i.done_at) for i in items] == [
        ("Ground floor", False, None),
        ("First floor", False, None),
    ]
    # The one that was done keeps its ticks.
    assert await ChecklistItem.filter(task_id=task.id, is_done=True).count() == 1
    assert await TaskEvent.filter(task_id=following.id, action="task.repeated").count() == 1


async def test_weekly_nine_oclock_in_new_york_stays_nine_across_the_dst_change(
    settings, frozen_clock
):
    # Clocks in New York go back on Sunday 1 November 2026 (02:00 EDT -> 01:00 EST).
    # Tuesday 27 October 09:00 EDT (UTC-4) is 13:00 UTC; a week on, Tuesday 3 November
    # 09:00 EST (UTC-5) is 14:00 UTC, and 10 November 09:00 EST is 14:00 UTC again.
    ana = await make_user(Role.MANAGER, timezone=NEW_YORK)
    board = await make_board(manager=ana)
    clock.set_now(datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
    task = await make_task(
        board,
        settings=settings,
        title="Weekly report",
        due_at=datetime(2026, 10, 27, 13, 0, tzinfo=UTC),
        repeat=Repeat(1, "weeks", "fixed_schedule", NEW_YORK),
    )

    clock.set_now(datetime(2026, 10, 29, 18, 0, tzinfo=UTC))  # done two days late
    second = (await _done(ana, task, settings)).following
    assert second is not None
    assert second.due_at == datetime(2026, 11, 3, 14, 0, tzinfo=UTC)

    clock.set_now(datetime(2026, 11, 2, 15, 0, tzinfo=UTC))  # done a day early
    third = (await _done(ana, second, settings)).following
    assert third is not None
    assert third.due_at == datetime(2026, 11, 10, 14, 0, tzinfo=UTC)


async def test_after_completion_keeps_the_due_time_on_the_local_clock(settings, frozen_clock):
    # Due 09:00 EDT on Friday 30 October, done that Friday at 16:00 EDT (20:00 UTC):
    # a week after the day it was done is Friday 6 November, 09:00 EST = 14:00 UTC.
    ana = await make_user(Role.MANAGER, timezone=NEW_YORK)
    board = await make_board(manager=ana)
    clock.set_now(datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
    task = await make_task(
        board,
        settings=settings,
        due_at=datetime(2026, 10, 30, 13, 0, tzinfo=UTC),
        repeat=Repeat(1, "weeks", "after_completion", NEW_YORK),
    )
    clock.set_now(datetime(2026, 10, 30, 20, 0, tzinfo=UTC))
    following = (await _done(ana, task, settings)).following
    assert following is not None
    assert following.due_at == datetime(2026, 11, 6, 14, 0, tzinfo=UTC)


async def test_completion_day_is_counted_in_the_rules_zone(settings, frozen_clock):
    # 03:00 UTC on 10 March is 23:00 EDT on 9 March in New York (summer time began on the
    # 8th): done on the 9th there, so three days on is the 12th (not the 13th, as in UTC).
    ana = await make_user(Role.MANAGER, timezone=NEW_YORK)
    board = await make_board(manager=ana)
    task = await make_task(board, settings=settings, repeat=Repeat(3, "days", timezone=NEW_YORK))
    clock.set_now(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    following = (await _done(ana, task, settings)).following
    assert following is not None
    assert (following.due_date, following.due_at) == (date(2026, 3, 12), None)


@pytest.mark.parametrize(
    ("due", "every", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
    ],
)
async def test_monthly_fixed_schedule_counts_calendar_months(
    settings, frozen_clock, due, every, expected
):
    board = await make_board()
    manager = await board.created_by
    task = await make_task(
        board,
        settings=settings,
        due_date=due,
        repeat=Repeat(every, "months", "fixed_schedule", "UTC"),
    )
    following = (await _done(manager, task, settings)).following
    assert following is not None
    assert following.due_date == expected


async def test_completing_again_makes_no_second_next_instance(settings, frozen_clock):
    board = await make_board()
    manager = await board.created_by
    todo, *_rest, done = await columns(board)
    task = await make_task(board, settings=settings, repeat=Repeat(1, "days", timezone="UTC"))

    assert (await _done(manager, task, settings)).following is not None
    await service.move_task(manager, task.id, column_id=todo.id, settings=settings)
    again = await service.move_task(manager, task.id, column_id=done.id, settings=settings)

    assert again.following is None
    assert await Task.filter(previous_id=task.id).count() == 1
    assert await Task.filter(board_id=board.id).count() == 2


async def test_two_people_completing_at_once_make_one_next_instance(settings, frozen_clock):
    amira = await make_user(Role.STAFF)
    li = await make_user(Role.STAFF)
    board = await make_board(members=[amira, li])
    *_rest, done = await columns(board)
    task = await make_task(board, settings=settings, repeat=Repeat(1, "weeks", timezone="UTC"))

    results = await asyncio.gather(
        *(
            service.move_task(who, task.id, column_id=done.id, settings=settings)
            for who in (amira, li)
        )
    )

    assert sum(r.following is not None for r in results) == 1
    assert await Task.filter(previous_id=task.id).count() == 1


async def test_a_stopped_repeat_makes_nothing_and_a_new_version(settings, frozen_clock):
    board = await make_board()
    manager = await board.created_by
    task = await make_task(board, settings=settings, repeat=Repeat(1, "weeks", timezone="UTC"))

    stopped = await service.stop_repeat(manager, task.id)

    assert service.repeat_of(stopped) is None
    assert stopped.version == task.version + 1
    assert (await _done(manager, task, settings)).following is None
    assert await Task.filter(board_id=board.id).count() == 1


async def test_a_fixed_schedule_needs_a_due_date_and_a_sane_interval(settings, frozen_clock):
    board = await make_board()
    with pytest.raises(FieldErrors) as no_date:
        await make_task(board, settings=settings, repeat=Repeat(1, "weeks", "fixed_schedule"))
    assert set(no_date.value.errors) == {"repeat_mode"}
    with pytest.raises(FieldErrors) as huge:
        await make_task(board, settings=settings, repeat=Repeat(10**9, "days"))
    assert set(huge.value.errors) == {"repeat_every"}
    with pytest.raises(FieldErrors) as far:
        await make_task(
            board,
            settings=settings,
            due_date=date(9999, 12, 1),
            repeat=Repeat(1, "months", "fixed_schedule"),
        )
    assert set(far.value.errors) == {"due_date"}
    assert not await Task.filter(board_id=board.id).exists()


async def test_someone_who_left_the_board_is_not_given_the_next_one(settings, frozen_clock):
    amira = await make_user(Role.STAFF)
    li = await make_user(Role.STAFF)
    board = await make_board(members=[amira, li])
    manager = await board.created_by
    task = await make_task(
        board, settings=settings, assignees=[amira, li], repeat=Repeat(1, "weeks", timezone="UTC")
    )
    await boards.remove_member(manager, board, li)

    following = (await _done(manager, task, settings)).following

    assert following is not None
    assert [a.user_id for a in await TaskAssignee.filter(task_id=following.id)] == [amira.id]
