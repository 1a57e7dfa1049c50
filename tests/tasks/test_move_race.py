"""Two managers move the same task at once: the second move, made on what they saw before the
first, is refused with where the task is now, never silently applied (issue #14, defect 12)."""

from __future__ import annotations

import html
import re

import httpx

from opsuite.auth.models import Role
from opsuite.auth.service import create_api_token
from opsuite.tasks import boards
from opsuite.tasks.models import Task
from tests.conftest import csrf_token, log_in
from tests.factories.auth import make_user
from tests.factories.tasks import columns, make_board, make_task


async def _board_with_two_managers(settings):
    first = await make_user(Role.MANAGER, email="first@example.org")
    second = await make_user(Role.MANAGER, email="second@example.org")
    board = await make_board(manager=first, name="Food drive")
    await boards.add_member(first, board, second, is_manager=True)
    todo, doing, review, _done = await columns(board)
    task = await make_task(board, settings=settings, title="Book the van", column=todo)
    await make_task(board, settings=settings, title="Print flyers", column=doing)
    return first, second, board, task, doing, review


def _version_on(page: str, task_id: int) -> str:
    card = page[page.index(f'data-task="{task_id}"') :]
    match = re.search(r'name="version" value="(\d+)"', card)
    assert match, "the move form carries the version the page showed"
    return match.group(1)


async def test_second_move_on_a_stale_board_is_refused_with_where_the_task_is(app, settings):
    _first, _second, board, task, doing, review = await _board_with_two_managers(settings)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as one,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as two,
    ):
        await log_in(one, "first@example.org")
        await log_in(two, "second@example.org")
        seen_by_one = (await one.get(f"/boards/{board.id}")).text
        seen_by_two = (await two.get(f"/boards/{board.id}")).text
        token_one = await csrf_token(one, f"/boards/{board.id}")
        token_two = await csrf_token(two, f"/boards/{board.id}")

        moved = await one.post(
            f"/tasks/{task.id}/move",
            data={
                "csrf_token": token_one,
                "column_id": str(doing.id),
                "position": "1",
                "version": _version_on(seen_by_one, task.id),
            },
        )
        refused = await two.post(
            f"/tasks/{task.id}/move",
            data={
                "csrf_token": token_two,
                "column_id": str(review.id),
                "version": _version_on(seen_by_two, task.id),
            },
        )

        assert moved.status_code == 303
        assert refused.status_code == 409
        text = html.unescape(refused.text)
        assert "Someone else moved or changed “Book the van”" in text
        assert "it is now in Doing, place 1" in text
        assert f'data-column="{review.id}"' in text  # the board itself, as it is now
        assert (await Task.get(id=task.id)).column_id == doing.id  # the first move stands

        # The board shown with the message carries the new version: moving again now works.
        again = await two.post(
            f"/tasks/{task.id}/move",
            data={
                "csrf_token": token_two,
                "column_id": str(review.id),
                "version": _version_on(refused.text, task.id),
            },
        )
        assert again.status_code == 303
        assert (await Task.get(id=task.id)).column_id == review.id


async def test_script_and_api_moves_send_the_version_and_get_409_when_stale(client, settings):
    first, second, board, task, doing, review = await _board_with_two_managers(settings)
    one = {"Authorization": f"Bearer {(await create_api_token(first, name='one')).token}"}
    two = {"Authorization": f"Bearer {(await create_api_token(second, name='two')).token}"}
    version = task.version

    moved = await client.post(
        f"/api/v1/tasks/{task.id}/move",
        json={"column_id": doing.id, "position": 0, "version": version},
        headers=one,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["version"] == version + 1

    stale = await client.post(
        f"/api/v1/tasks/{task.id}/move",
        json={"column_id": review.id, "version": version},
        headers=two,
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["field"] == "version"
    assert "Someone else moved" in body["error"]
    assert body["current"]["column_id"] == doing.id
    assert body["current"]["position"] == 0
    assert body["current"]["version"] == version + 1

    # What the drag-and-drop script sends: the board page's form fields, JSON back.
    await log_in(client, "second@example.org")
    token = await csrf_token(client, f"/boards/{board.id}")
    scripted = await client.post(
        f"/tasks/{task.id}/move",
        data={"csrf_token": token, "column_id": str(review.id), "index": "0", "version": "1"},
        headers={"Accept": "application/json", "X-CSRF-Token": token},
    )
    assert scripted.status_code == 409
    assert scripted.json()["current"]["column_id"] == doing.id
    assert (await Task.get(id=task.id)).column_id == doing.id

    fresh = await client.post(
        f"/api/v1/tasks/{task.id}/move",
        json={"column_id": review.id, "version": body["current"]["version"]},
        headers=two,
    )
    assert fresh.status_code == 200
    assert (await Task.get(id=task.id)).column_id == review.id

    missing = await client.post(
        f"/api/v1/tasks/{task.id}/move", json={"column_id": doing.id}, headers=two
    )
    assert missing.status_code == 400
    assert missing.json()["field"] == "version"
