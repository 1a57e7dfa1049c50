"""Taking a label or a link off a task, and a task's repeat, through the service and the JSON
API."""

from __future__ import annotations

import pytest

from opsuite.auth.models import Role
from opsuite.errors import NotFound
from opsuite.tasks import boards, service
from opsuite.tasks.models import Attachment, TaskEvent, TaskLabel
from tests.factories.auth import make_user
from tests.factories.tasks import columns, make_board, make_task
from tests.tasks.test_api import bearer


async def test_removing_a_label_makes_a_new_version_so_a_stale_edit_asks_first(
    settings, frozen_clock
):
    board = await make_board()
    manager = await board.created_by
    urgent = await boards.add_label(manager, board, name="Urgent")
    print_ = await boards.add_label(manager, board, name="Print")
    task = await make_task(board, settings=settings, label_ids=(urgent.id, print_.id))

    await service.remove_label(manager, task.id, urgent.id)

    assert [t.label_id for t in await TaskLabel.filter(task_id=task.id)] == [print_.id]
    event = await TaskEvent.get(task_id=task.id, action="label.removed")
    assert event.data == {"name": "Urgent"}
    with pytest.raises(service.TaskConflict):  # the form opened before still had "Urgent"
        await service.update_task(
            manager,
            task.id,
            service.TaskInput(title=task.title, label_ids=(urgent.id, print_.id)),
            version=task.version,
            settings=settings,
        )
    with pytest.raises(NotFound):
        await service.remove_label(manager, task.id, urgent.id)
    assert await boards.labels_of(board) == [print_, urgent]  # still on the board


async def test_labels_and_links_come_off_through_the_api(client, settings, frozen_clock):
    manager = await make_user(Role.MANAGER)
    board = await make_board(manager=manager)
    label = await boards.add_label(manager, board, name="Print")
    task = await make_task(board, settings=settings, label_ids=(label.id,))
    boss = await bearer(manager)

    response = await client.delete(f"/api/v1/tasks/{task.id}/labels/{label.id}", headers=boss)
    assert response.status_code == 200, response.text
    assert (response.json()["labels"], response.json()["version"]) == ([], task.version + 1)
    again = await client.delete(f"/api/v1/tasks/{task.id}/labels/{label.id}", headers=boss)
    assert again.status_code == 404

    response = await client.post(
        f"/api/v1/tasks/{task.id}/links",
        json={"url": "https://docs.example.org/plan", "title": "The plan"},
        headers=boss,
    )
    assert response.status_code == 201, response.text
    link = response.json()
    assert (link["url"], link["title"]) == ("https://docs.example.org/plan", "The plan")
    bad = await client.post(
        f"/api/v1/tasks/{task.id}/links", json={"url": "javascript:alert(1)"}, headers=boss
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "url")

    response = await client.delete(f"/api/v1/tasks/{task.id}/links/{link['id']}", headers=boss)
    assert response.json() == {"deleted": True}
    assert not await Attachment.filter(task_id=task.id).exists()
    again = await client.delete(f"/api/v1/tasks/{task.id}/links/{link['id']}", headers=boss)
    assert again.status_code == 404


async def test_a_repeat_set_changed_and_stopped_through_the_api(client, settings, frozen_clock):
    manager = await make_user(Role.MANAGER, timezone="America/New_York")
    board = await make_board(manager=manager)
    boss = await bearer(manager)
    *_rest, done = await columns(board)

    response = await client.post(
        f"/api/v1/boards/{board.id}/tasks",
        json={
            "title": "Count the cash box",
            "due_date": "2026-03-06",
            "repeat": {"every": 2, "unit": "weeks", "mode": "fixed_schedule"},
        },
        headers=boss,
    )
    assert response.status_code == 201, response.text
    task = response.json()
    assert task["repeat"] == {
        "every": 2,
        "unit": "weeks",
        "mode": "fixed_schedule",
        "timezone": "America/New_York",  # the caller's zone
    }
    assert (task["previous_id"], task["next_id"]) == (None, None)

    patch = await client.patch(
        f"/api/v1/tasks/{task['id']}",
        json={"version": task["version"], "title": "Count the cash boxes"},
        headers=boss,
    )
    assert patch.json()["repeat"] == task["repeat"]  # absent: kept as it was

    moved = await client.post(
        f"/api/v1/tasks/{task['id']}/move",
        json={"column_id": done.id, "version": patch.json()["version"]},
        headers=boss,
    )
    assert moved.status_code == 200, moved.text
    first = (await client.get(f"/api/v1/tasks/{task['id']}", headers=boss)).json()
    following = (await client.get(f"/api/v1/tasks/{first['next_id']}", headers=boss)).json()
    assert following["previous_id"] == task["id"]
    assert (following["title"], following["due_date"]) == ("Count the cash boxes", "2026-03-20")

    stop = await client.patch(
        f"/api/v1/tasks/{following['id']}",
        json={"version": following["version"], "repeat": None},
        headers=boss,
    )
    assert stop.status_code == 200, stop.text
    assert stop.json()["repeat"] is None
    assert service.repeat_of(await service.get_task(following["id"])) is None


@pytest.mark.parametrize(
    ("repeat", "field"),
    [
        ("weekly", "repeat"),
        ({"every": 0, "unit": "weeks"}, "repeat.every"),
        ({"every": 10**12, "unit": "weeks"}, "repeat"),  # past 32 bits: the shared check
        ({"every": True}, "repeat.every"),
        ({"every": 366, "unit": "days"}, "repeat.every"),
        ({"every": 2, "unit": "fortnights"}, "repeat_unit"),
        ({"every": 2, "mode": "sometimes"}, "repeat_mode"),
        ({"every": 2, "timezone": "Mars/Olympus"}, "repeat_timezone"),
        ({"every": 2, "timezone": "UTC\x00"}, "repeat"),
        ({"every": 2, "often": True}, "often"),
        ({"every": 1, "mode": "fixed_schedule"}, "repeat_mode"),  # no due date to count from
    ],
)
async def test_a_bad_repeat_is_a_400_naming_the_field_and_saves_nothing(
    client, settings, frozen_clock, repeat, field
):
    manager = await make_user(Role.MANAGER)
    board = await make_board(manager=manager)
    task = await make_task(board, settings=settings, due_date=None)
    response = await client.patch(
        f"/api/v1/tasks/{task.id}",
        json={"version": task.version, "title": "Changed", "repeat": repeat},
        headers=await bearer(manager),
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    saved = await service.get_task(task.id)
    assert (saved.title, saved.version, service.repeat_of(saved)) == (task.title, 1, None)


async def test_only_people_who_may_edit_take_labels_off(client, settings, frozen_clock):
    reader = await make_user(Role.STAFF)
    board = await make_board(visibility="staff")
    manager = await board.created_by
    label = await boards.add_label(manager, board, name="Print")
    task = await make_task(board, settings=settings, label_ids=(label.id,))
    response = await client.delete(
        f"/api/v1/tasks/{task.id}/labels/{label.id}", headers=await bearer(reader)
    )
    assert response.status_code == 403
    assert await TaskLabel.filter(task_id=task.id).exists()
