"""A client that keeps a copy of a board asks only for what changed (?updated_since=), in the
order it changed (?sort=updated), as issue #22's list convention has it."""

from __future__ import annotations

from datetime import timedelta

from opsuite import clock
from opsuite.auth.models import Role
from tests.factories.auth import make_user
from tests.factories.tasks import make_board, make_task
from tests.tasks.test_api import bearer


async def test_board_tasks_changed_since_come_in_the_order_they_changed(
    client, settings, frozen_clock
):
    staff = await make_user(Role.STAFF)
    board = await make_board(members=[staff])
    old = await make_task(board, settings=settings, title="Old")  # 09:00
    clock.advance(timedelta(hours=1))
    await make_task(board, settings=settings, title="Middle")  # 10:00
    clock.advance(timedelta(hours=1))
    await make_task(board, settings=settings, title="New")  # 11:00
    clock.advance(timedelta(hours=1))
    headers = await bearer(staff)
    edited = await client.patch(
        f"/api/v1/tasks/{old.id}", json={"title": "Old, edited", "version": 1}, headers=headers
    )  # 12:00
    assert edited.status_code == 200, edited.text
    url = f"/api/v1/boards/{board.id}/tasks"

    since = {"updated_since": "2026-03-02T10:30:00Z", "sort": "updated"}
    changed = await client.get(url, params=since, headers=headers)
    assert changed.status_code == 200, changed.text
    assert [t["title"] for t in changed.json()["items"]] == ["New", "Old, edited"]
    assert changed.json()["total"] == 2
    assert changed.json()["items"][1]["updated_at"] == "2026-03-02T12:00:00+00:00"
    # the same instant in another zone is the same cut
    shanghai = {"updated_since": "2026-03-02T18:30:00+08:00", "sort": "-updated"}
    newest = await client.get(url, params=shanghai, headers=headers)
    assert [t["title"] for t in newest.json()["items"]] == ["Old, edited", "New"]
    everything = await client.get(url, params={"sort": "updated"}, headers=headers)
    assert [t["title"] for t in everything.json()["items"]] == ["Middle", "New", "Old, edited"]


async def test_nonsense_updated_since_and_sort_are_refused_by_name(client, settings):
    staff = await make_user(Role.STAFF)
    board = await make_board(members=[staff])
    headers = await bearer(staff)
    url = f"/api/v1/boards/{board.id}/tasks"
    for params, field in (
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-03-02T10:30:00"}, "updated_since"),  # which zone?
        ({"sort": "title"}, "sort"),
    ):
        answer = await client.get(url, params=params, headers=headers)
        assert answer.status_code == 400, params
        assert answer.json()["field"] == field
