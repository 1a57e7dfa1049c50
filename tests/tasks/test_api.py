"""The tasks JSON API, with bearer tokens."""

from __future__ import annotations

from opsuite.auth.models import Role, User
from opsuite.auth.service import create_api_token
from opsuite.notify.service import dispatch_due
from opsuite.tasks.boards import add_member, columns_of, get_board, update_column
from tests.factories.auth import make_user
from tests.factories.tasks import make_board, make_task


async def bearer(user: User) -> dict[str, str]:
    token = (await create_api_token(user, "tests")).token
    return {"Authorization": f"Bearer {token}"}


async def test_manager_builds_a_board_and_works_a_task_through_the_api(
    client, settings, inbox, frozen_clock
):
    manager = await make_user(Role.MANAGER)
    amira = await make_user(Role.STAFF, email="amira@example.org")
    boss = await bearer(manager)

    response = await client.post("/api/v1/boards", json={"name": "Outreach"}, headers=boss)
    assert response.status_code == 201, response.text
    board = response.json()
    assert [c["name"] for c in board["columns"]] == ["To do", "Doing", "Review", "Done"]
    await add_member(manager, await get_board(board["id"]), amira, is_manager=False)

    response = await client.post(
        f"/api/v1/boards/{board['id']}/tasks",
        json={"title": "Door-to-door", "due_date": "2026-03-10", "assignee_ids": [amira.id]},
        headers=boss,
    )
    assert response.status_code == 201, response.text
    task = response.json()
    assert task["assignees"] == [{"id": amira.id, "name": amira.name}]
    await dispatch_due(settings)
    assert [m.subject for m in inbox.to("amira@example.org")] == ["New task for you: Door-to-door"]

    doing = board["columns"][1]["id"]
    response = await client.post(
        f"/api/v1/tasks/{task['id']}/move",
        json={"column_id": doing, "position": 0, "version": task["version"]},
        headers=boss,
    )
    assert response.json() == {
        "id": task["id"],
        "column_id": doing,
        "position": 0,
        "version": task["version"] + 1,
        "over_limit": False,
        "next_id": None,
    }
    mine = await bearer(amira)
    response = await client.post(
        f"/api/v1/tasks/{task['id']}/comments", json={"body": "Starting Monday"}, headers=mine
    )
    assert response.status_code == 201
    response = await client.post(
        f"/api/v1/tasks/{task['id']}/checklist", json={"text": "Print maps"}, headers=mine
    )
    item = response.json()
    response = await client.patch(
        f"/api/v1/tasks/{task['id']}/checklist/{item['id']}", json={"is_done": True}, headers=mine
    )
    assert response.json()["is_done"] is True

    [mine_item] = (await client.get("/api/v1/tasks/mine", headers=mine)).json()["items"]
    assert mine_item["checklist"] == {"done": 1, "total": 1}
    assert mine_item["comments"] == 1
    actions = [
        e["action"]
        for e in (await client.get(f"/api/v1/tasks/{task['id']}/activity", headers=mine)).json()[
            "items"
        ]
    ]
    assert actions[:3] == ["checklist.done", "checklist.added", "comment.added"]
    activity = await client.get(f"/api/v1/boards/{board['id']}/activity", headers=boss)
    assert activity.json()["total"] >= 6


async def test_api_edit_conflict_answers_409_with_the_current_task(client, settings):
    staff = await make_user(Role.STAFF)
    board = await make_board(members=[staff])
    task = await make_task(board, settings=settings, title="Plan")
    headers = await bearer(staff)

    first = await client.patch(
        f"/api/v1/tasks/{task.id}", json={"title": "Plan A", "version": 1}, headers=headers
    )
    assert first.json()["version"] == 2
    second = await client.patch(
        f"/api/v1/tasks/{task.id}", json={"title": "Plan B", "version": 1}, headers=headers
    )
    assert second.status_code == 409
    assert second.json()["field"] == "version"
    assert second.json()["current"]["title"] == "Plan A"


async def test_api_refuses_outsiders_bad_input_and_full_columns(client, settings):
    outsider = await make_user(Role.STAFF)
    staff = await make_user(Role.STAFF)
    board = await make_board(members=[staff])
    manager = await board.created_by
    task = await make_task(board, settings=settings)
    headers = await bearer(staff)

    response = await client.get(f"/api/v1/tasks/{task.id}", headers=await bearer(outsider))
    assert response.status_code == 403
    response = await client.put(
        f"/api/v1/tasks/{task.id}/assignees", json={"user_ids": [outsider.id]}, headers=headers
    )
    assert response.status_code == 403  # members may only take a task themselves
    response = await client.put(
        f"/api/v1/tasks/{task.id}/assignees",
        json={"user_ids": [outsider.id]},
        headers=await bearer(manager),
    )
    assert response.status_code == 400
    assert response.json()["field"] == "assignee_ids"
    response = await client.patch(
        f"/api/v1/tasks/{task.id}", json={"title": "x" * 300, "version": 1}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["field"] == "title"
    response = await client.patch(f"/api/v1/tasks/{task.id}", json={"title": "y"}, headers=headers)
    assert response.json()["field"] == "version"

    doing = (await columns_of(board))[1]
    await update_column(manager, doing, name="Doing", wip_limit=1, is_done=False)
    await make_task(board, settings=settings, column=doing)
    response = await client.post(
        f"/api/v1/tasks/{task.id}/move",
        json={"column_id": doing.id, "version": task.version},
        headers=headers,
    )
    assert response.status_code == 409
    assert "limit is 1" in response.json()["error"]
