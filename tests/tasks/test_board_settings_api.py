"""A board's labels and members through the JSON API (the board settings page's actions):
board managers only, the page's rules, bad input a 400 with nothing saved."""

from __future__ import annotations

from opsuite.auth.models import Role
from opsuite.tasks.models import BoardMember, Label
from tests.factories.auth import make_user
from tests.factories.tasks import make_board
from tests.tasks.test_api import bearer


async def test_a_board_manager_adds_a_label_and_a_name_used_twice_is_refused(client):
    manager = await make_user(Role.MANAGER)
    board = await make_board(manager=manager)
    boss = await bearer(manager)
    url = f"/api/v1/boards/{board.id}/labels"

    made = await client.post(url, json={"name": "Print", "color": "#3366cc"}, headers=boss)
    plain = await client.post(url, json={"name": "Call"}, headers=boss)
    twice = await client.post(url, json={"name": "Print"}, headers=boss)
    empty = await client.post(url, json={"name": ""}, headers=boss)
    odd = await client.post(url, json={"name": "X", "size": 3}, headers=boss)

    assert made.status_code == 201, made.text
    assert (made.json()["name"], made.json()["color"]) == ("Print", "#3366cc")
    assert plain.json()["color"] == "#888888"
    assert [a.status_code for a in (twice, empty, odd)] == [400, 400, 400]
    assert twice.json()["fields"]["name"] == "This board already has a label with that name."
    assert odd.json()["field"] == "size"
    assert sorted(label.name for label in await Label.filter(board_id=board.id)) == [
        "Call", "Print",
    ]  # fmt: skip


async def test_members_come_and_go_and_the_last_manager_stays(client):
    manager = await make_user(Role.MANAGER)
    helper = await make_user(Role.STAFF)
    board = await make_board(manager=manager)
    boss = await bearer(manager)
    url = f"/api/v1/boards/{board.id}/members"

    added = await client.post(url, json={"user_id": helper.id, "is_manager": True}, headers=boss)
    unknown = await client.post(url, json={"user_id": 999999}, headers=boss)
    bad_flag = await client.post(url, json={"user_id": helper.id, "is_manager": "y"}, headers=boss)
    gone = await client.delete(f"{url}/{helper.id}", headers=boss)
    again = await client.delete(f"{url}/{helper.id}", headers=boss)
    last = await client.delete(f"{url}/{manager.id}", headers=boss)

    assert added.status_code == 201, added.text
    assert added.json() == {"user_id": helper.id, "name": helper.name, "is_manager": True}
    assert (unknown.status_code, unknown.json()["field"]) == (400, "user_id")
    assert (bad_flag.status_code, bad_flag.json()["field"]) == (400, "is_manager")
    assert gone.json() == {"deleted": True}
    assert again.status_code == 404
    assert last.status_code == 409
    members = await BoardMember.filter(board_id=board.id)
    assert [(m.user_id, m.is_manager) for m in members] == [(manager.id, True)]


async def test_someone_who_does_not_manage_the_board_is_refused(client):
    manager = await make_user(Role.MANAGER)
    member = await make_user(Role.STAFF)
    board = await make_board(manager=manager, members=[member])
    outsider = await make_user(Role.MANAGER)

    for who in (member, outsider):
        headers = await bearer(who)
        label = await client.post(f"/api/v1/boards/{board.id}/labels", json={}, headers=headers)
        add = await client.post(
            f"/api/v1/boards/{board.id}/members", json={"user_id": who.id}, headers=headers
        )
        remove = await client.delete(
            f"/api/v1/boards/{board.id}/members/{manager.id}", headers=headers
        )
        assert {label.status_code, add.status_code, remove.status_code} <= {403, 404}, who.name
    assert await Label.filter(board_id=board.id).count() == 0
    assert await BoardMember.filter(board_id=board.id).count() == 2
