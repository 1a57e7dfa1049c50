"""The rules people run into: WIP limits, stale edits, who may do what, bad input."""

from __future__ import annotations

import pytest

from opsuite.auth.models import Role
from opsuite.errors import FieldErrors, PermissionDenied
from opsuite.tasks import boards, service
from opsuite.tasks.models import Task
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team
from tests.factories.tasks import columns, make_board, make_task, positions


async def test_wip_limit_warns_and_a_manager_may_override(settings):
    staff = await make_user(Role.STAFF)
    board = await make_board(members=[staff])
    manager = await board.created_by
    _todo, doing, *_rest = await columns(board)
    await boards.update_column(manager, doing, name="Doing", wip_limit=1, is_done=False)
    busy = await make_task(board, settings=settings, column=doing)
    task = await make_task(board, settings=settings)

    with pytest.raises(service.WipLimitReached) as caught:
        await service.move_task(staff, task.id, column_id=doing.id, settings=settings)
    assert "limit is 1" in caught.value.message
    with pytest.raises(PermissionDenied):
        await service.move_task(
            staff, task.id, column_id=doing.id, override=True, settings=settings
        )
    assert (await positions(board))["Doing"] == [busy.id]

    moved = await service.move_task(
        manager, task.id, column_id=doing.id, override=True, settings=settings
    )
    assert moved.over_limit
    assert (await positions(board))["Doing"] == [busy.id, task.id]
    # Reordering inside a full column is not entering it: no warning.
    await service.move_task(staff, task.id, column_id=doing.id, position=0, settings=settings)
    assert (await positions(board))["Doing"] == [task.id, busy.id]


async def test_a_stale_edit_is_refused_with_both_versions(settings):
    staff = await make_user(Role.STAFF)
    board = await make_board(members=[staff])
    manager = await board.created_by
    task = await make_task(board, settings=settings, title="Print flyers")

    await service.update_task(
        manager, task.id, service.TaskInput(title="Print 500 flyers"), version=1, settings=settings
    )
    with pytest.raises(service.TaskConflict) as caught:
        await service.update_task(
            staff,
            task.id,
            service.TaskInput(title="Print flyers in colour"),
            version=1,
            settings=settings,
        )
    assert caught.value.current.title == "Print 500 flyers"
    assert caught.value.current.version == 2
    assert caught.value.attempted.title == "Print flyers in colour"
    assert (await Task.get(id=task.id)).title == "Print 500 flyers"


async def test_labels_of_another_board_are_refused(settings):
    board, other = await make_board(), await make_board()
    manager = await board.created_by
    foreign = await boards.add_label(await other.created_by, other, name="Urgent")
    with pytest.raises(FieldErrors) as caught:
        await make_task(board, settings=settings, by=manager, label_ids=(foreign.id,))
    assert "label_ids" in caught.value.errors
    assert await Task.filter(board_id=board.id).count() == 0


async def test_over_long_text_is_refused_and_nothing_saved(settings):
    board = await make_board()
    with pytest.raises(FieldErrors) as caught:
        await make_task(board, settings=settings, title="x" * 201, description="y" * 10_001)
    assert set(caught.value.errors) == {"title", "description"}
    assert await Task.filter(board_id=board.id).count() == 0


async def test_assigning_someone_without_access_is_refused(settings):
    board = await make_board()
    manager = await board.created_by
    outsider = await make_user(Role.STAFF, name="Olu Outsider")
    task = await make_task(board, settings=settings)
    with pytest.raises(FieldErrors) as caught:
        await service.set_assignees(manager, task.id, (outsider.id,), settings=settings)
    assert "Olu Outsider cannot work on this board" in caught.value.errors["assignee_ids"]
    with pytest.raises(FieldErrors):
        await make_task(board, settings=settings, assignees=[outsider])
    assert await Task.filter(board_id=board.id).count() == 1


async def test_members_may_take_a_task_but_only_managers_assign_others(settings):
    staff, colleague = await make_user(Role.STAFF), await make_user(Role.STAFF)
    board = await make_board(members=[staff, colleague])
    task = await make_task(board, settings=settings)
    assert [
        u.id for u in await service.set_assignees(staff, task.id, (staff.id,), settings=settings)
    ] == [staff.id]
    with pytest.raises(PermissionDenied):
        await service.set_assignees(staff, task.id, (staff.id, colleague.id), settings=settings)


async def test_permissions_per_board(settings):
    manager = await make_user(Role.MANAGER)
    member, stranger = await make_user(Role.VOLUNTEER), await make_user(Role.STAFF)
    team_member, reader = await make_user(Role.STAFF), await make_user(Role.VOLUNTEER)
    team = await make_team(manager=manager, members=[team_member])
    program = await make_program(manager=manager, readers=[reader])
    board = await make_board(manager=manager, members=[member], team_id=team.id)
    program_board = await make_board(manager=manager, program_id=program.id)
    task = await make_task(board, settings=settings)

    # A board member and the board's team may work on it; a staff member outside may not see it.
    await service.add_comment(member, task.id, "On it", settings=settings)
    await service.add_comment(team_member, task.id, "Me too", settings=settings)
    with pytest.raises(PermissionDenied, match="do not have access"):
        await service.add_comment(stranger, task.id, "Hi", settings=settings)
    # A program's read-only guest sees its board but cannot change it.
    other = await make_task(program_board, settings=settings)
    assert (await levels(reader, program_board)) == "VIEW"
    with pytest.raises(PermissionDenied, match="read this board"):
        await service.move_task(
            reader, other.id, column_id=other.column_id, position=0, settings=settings
        )
    # Column changes need a board manager.
    with pytest.raises(PermissionDenied, match="managers"):
        await boards.add_column(member, board, name="Blocked")
    # Only managers of the team may put a board under it.
    with pytest.raises(FieldErrors) as caught:
        await boards.create_board(await make_user(Role.MANAGER), name="X", team_id=team.id)
    assert "team_id" in caught.value.errors


async def levels(user, board):
    from opsuite.tasks.access import level_for

    return (await level_for(user, board)).name


async def test_mentions_match_names_and_email_handles():
    from opsuite.auth.models import User
    from opsuite.tasks.notifications import mentioned

    amira = User(id=1, name="Amira Haddad", email="amira.h@example.org")
    li = User(id=2, name="Li Wei", email="lwei@example.org")
    assert mentioned("thanks @Amira Haddad!", [amira, li]) == [amira]
    assert mentioned("@lwei can you check", [amira, li]) == [li]
    assert mentioned("mail amira.h@example.org", [amira, li]) == []
