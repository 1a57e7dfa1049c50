"""Emails about tasks, as received by a real SMTP server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.notify.preferences import save_preferences
from opsuite.notify.service import dispatch_due
from opsuite.tasks import service
from tests.factories.auth import make_user
from tests.factories.tasks import columns, make_board, make_task


async def test_assignee_is_told_by_email(settings, inbox, frozen_clock):
    amira = await make_user(Role.STAFF, name="Amira Haddad", email="amira@example.org")
    board = await make_board(members=[amira], name="Winter appeal")
    task = await make_task(board, settings=settings, title="Call the printers")
    manager = await board.created_by

    await service.set_assignees(manager, task.id, (amira.id,), settings=settings)
    await dispatch_due(settings)

    [mail] = inbox.to("amira@example.org")
    assert mail.subject == "New task for you: Call the printers"
    assert "assigned you a task on the board “Winter appeal”" in mail.text
    assert f"/tasks/{task.id}" in mail.text


async def test_reassigning_tells_both_people_and_not_the_manager(settings, inbox, frozen_clock):
    amira = await make_user(Role.STAFF, email="amira@example.org")
    li = await make_user(Role.STAFF, email="li@example.org")
    board = await make_board(members=[amira, li])
    manager = await board.created_by
    task = await make_task(board, settings=settings, assignees=[amira], title="Count stock")
    await dispatch_due(settings)
    inbox.clear()

    await service.set_assignees(manager, task.id, (li.id,), settings=settings)
    await dispatch_due(settings)

    assert [m.subject for m in inbox.to("li@example.org")] == ["New task for you: Count stock"]
    assert [m.subject for m in inbox.to("amira@example.org")] == [
        "You are no longer assigned to: Count stock"
    ]
    assert not inbox.to(manager.email)


async def test_due_reminders_come_the_morning_in_the_assignees_zone_and_when_overdue(
    settings, inbox, frozen_clock
):
    # 2026-03-02 09:00 UTC. Amira is in Shanghai (UTC+8): 08:00 there on 4 March is 00:00 UTC.
    amira = await make_user(Role.STAFF, email="amira@example.org", timezone="Asia/Shanghai")
    board = await make_board(members=[amira])
    task = await make_task(
        board, settings=settings, assignees=[amira], title="File report", due_date=date(2026, 3, 4)
    )
    await dispatch_due(settings)
    inbox.clear()

    clock.set_now(datetime(2026, 3, 3, 23, 59, tzinfo=UTC))
    await dispatch_due(settings)
    assert not inbox.messages
    clock.set_now(datetime(2026, 3, 4, 0, 0, tzinfo=UTC))
    await dispatch_due(settings)
    assert [m.subject for m in inbox.to("amira@example.org")] == ["Due today: File report"]

    clock.set_now(datetime(2026, 3, 5, 0, 0, tzinfo=UTC))
    await dispatch_due(settings)
    assert [m.subject for m in inbox.to("amira@example.org")][1:] == ["Overdue: File report"]
    assert task.id


async def test_finishing_a_task_cancels_its_reminders(settings, inbox, frozen_clock):
    amira = await make_user(Role.STAFF, email="amira@example.org")
    board = await make_board(members=[amira])
    *_rest, done = await columns(board)
    task = await make_task(board, settings=settings, assignees=[amira], due_date=date(2026, 3, 4))
    await dispatch_due(settings)
    inbox.clear()
    await service.move_task(amira, task.id, column_id=done.id, settings=settings)

    clock.set_now(frozen_clock + timedelta(days=5))
    await dispatch_due(settings)
    assert not inbox.messages


async def test_comments_reach_assignees_and_mentions_respecting_preferences(
    settings, inbox, frozen_clock
):
    amira = await make_user(Role.STAFF, email="amira@example.org")
    li = await make_user(Role.STAFF, name="Li Wei", email="li@example.org")
    quiet = await make_user(Role.STAFF, email="quiet@example.org")
    board = await make_board(members=[amira, li, quiet])
    task = await make_task(board, settings=settings, assignees=[amira, quiet], title="Van")
    await save_preferences(
        quiet, disabled_kinds={"task_activity"}, lead_minutes={}, quiet_start=None, quiet_end=None
    )
    await dispatch_due(settings)
    inbox.clear()

    await service.add_comment(amira, task.id, "@Li Wei can you drive?", settings=settings)
    await dispatch_due(settings)

    assert [m.subject for m in inbox.to("li@example.org")] == [
        f"{amira.name} mentioned you on: Van"
    ]
    assert "can you drive?" in inbox.to("li@example.org")[0].text
    assert not inbox.to("amira@example.org")  # the author
    assert not inbox.to("quiet@example.org")  # switched these off
    manager = await board.created_by
    assert [m.subject for m in inbox.to(manager.email)] == [f"{amira.name} commented on: Van"]


async def test_changing_the_due_date_tells_the_assignees(settings, inbox, frozen_clock):
    amira = await make_user(Role.STAFF, email="amira@example.org")
    board = await make_board(members=[amira])
    manager = await board.created_by
    task = await make_task(board, settings=settings, assignees=[amira], title="Budget")
    await dispatch_due(settings)
    inbox.clear()

    await service.update_task(
        manager,
        task.id,
        service.TaskInput(title="Budget", due_date=date(2026, 3, 20)),
        version=task.version,
        settings=settings,
    )
    await dispatch_due(settings)
    [mail] = inbox.to("amira@example.org")
    assert mail.subject == "New due date for: Budget"
    assert "now Mar 20, 2026" in mail.text


async def test_a_new_title_and_priority_reach_the_assignees_in_one_email(
    settings, inbox, frozen_clock
):
    amira = await make_user(Role.STAFF, email="amira@example.org")
    wang = await make_user(Role.STAFF, email="wang@example.org", locale="zh_Hans")
    quiet = await make_user(Role.STAFF, email="quiet@example.org")
    board = await make_board(members=[amira, wang, quiet])
    manager = await board.created_by
    task = await make_task(
        board, settings=settings, assignees=[amira, wang, quiet, manager], title="Budget"
    )
    await save_preferences(
        quiet, disabled_kinds={"task_activity"}, lead_minutes={}, quiet_start=None, quiet_end=None
    )
    await dispatch_due(settings)
    inbox.clear()

    await service.update_task(
        manager,
        task.id,
        service.TaskInput(title="Budget 2027", priority="urgent"),
        version=task.version,
        settings=settings,
    )
    await dispatch_due(settings)

    [mail] = inbox.to("amira@example.org")
    assert mail.subject == "Changed: Budget 2027"
    for part in (mail.text, mail.part("text/html")):
        assert f"{manager.name} renamed “Budget” to “Budget 2027”" in part
        assert "priority of “Budget 2027” from Normal to Urgent" in part
        assert "due" not in part
    assert f"/tasks/{task.id}" in mail.text
    [chinese] = inbox.to("wang@example.org")
    assert "从“普通”改为“紧急”" in chinese.text
    assert not inbox.to("quiet@example.org")  # switched these off
    assert not inbox.to(manager.email)  # made the change


async def test_a_changed_priority_alone_is_told_and_a_new_description_is_not(
    settings, inbox, frozen_clock
):
    amira = await make_user(Role.STAFF, email="amira@example.org")
    board = await make_board(members=[amira])
    manager = await board.created_by
    task = await make_task(board, settings=settings, assignees=[amira], title="Van")
    await dispatch_due(settings)
    inbox.clear()

    task = await service.update_task(
        manager,
        task.id,
        service.TaskInput(title="Van", description="The big one"),
        version=task.version,
        settings=settings,
    )
    await dispatch_due(settings)
    assert not inbox.messages

    await service.update_task(
        manager,
        task.id,
        service.TaskInput(title="Van", description="The big one", priority="low"),
        version=task.version,
        settings=settings,
    )
    await dispatch_due(settings)
    [mail] = inbox.to("amira@example.org")
    assert mail.subject == "Changed: Van"
    assert "from Normal to Low" in mail.text
    assert "renamed" not in mail.text
