"""The board pages through HTTP, as a browser without JavaScript uses them."""

from __future__ import annotations

import re
from datetime import date

from opsuite.auth.models import Role
from opsuite.tasks import boards
from opsuite.tasks.models import Task
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.auth import make_user
from tests.factories.tasks import columns, make_board, make_task, positions


async def test_manager_creates_a_board_and_a_task_without_javascript(client, settings):
    manager = await make_user(Role.MANAGER, email="boss@example.org")
    amira = await make_user(Role.STAFF, name="Amira Haddad")
    await log_in(client, "boss@example.org")

    response = await post_form(
        client, "/boards/new", {"name": "Food bank", "visibility": "members"}
    )
    assert response.status_code == 303
    board_url = response.headers["location"]
    board_id = int(board_url.rsplit("/", 1)[1])
    page = await client.get(board_url)
    assert all(name in page.text for name in ("To do", "Doing", "Review", "Done"))

    response = await post_form(
        client,
        f"/boards/{board_id}/members",
        {"user_id": str(amira.id)},
        from_page=f"/boards/{board_id}/settings",
    )
    assert response.status_code == 303
    todo = (await boards.columns_of(await boards.get_board(board_id)))[0]
    response = await post_form(
        client,
        f"/boards/{board_id}/tasks/new",
        {
            "title": "Sort donations",
            "column_id": str(todo.id),
            "priority": "high",
            "due_date": "2026-03-04",
            "assignee_ids": str(amira.id),
        },
    )
    assert response.status_code == 303, response.text
    page = await client.get(board_url)
    assert "Sort donations" in page.text
    assert "Amira Haddad" in page.text
    assert manager.id


async def test_move_form_and_up_down_buttons_reorder_the_board(client, settings):
    staff = await make_user(Role.STAFF, email="staff@example.org")
    board = await make_board(members=[staff])
    a, b, c = [await make_task(board, settings=settings) for _ in range(3)]
    _todo, doing, *_rest = await columns(board)
    await log_in(client, "staff@example.org")
    token = await csrf_token(client, f"/boards/{board.id}")

    response = await client.post(
        f"/tasks/{c.id}/move",
        data={"csrf_token": token, "direction": "up", "version": str(c.version)},
    )
    assert response.status_code == 303
    assert (await positions(board))["To do"] == [a.id, c.id, b.id]

    response = await client.post(
        f"/tasks/{a.id}/move",
        data={
            "csrf_token": token,
            "column_id": str(doing.id),
            "position": "1",
            "version": str(a.version),
        },
    )
    assert response.status_code == 303
    assert (await positions(board)) == {
        "To do": [c.id, b.id],
        "Doing": [a.id],
        "Review": [],
        "Done": [],
    }


async def test_drag_and_drop_posts_json_to_the_same_address(client, settings):
    staff = await make_user(Role.STAFF, email="staff@example.org")
    board = await make_board(members=[staff])
    a, b = [await make_task(board, settings=settings) for _ in range(2)]
    await log_in(client, "staff@example.org")
    page = await client.get(f"/boards/{board.id}")
    token = re.search(r'data-csrf="([^"]+)"', page.text).group(1)
    assert '<script src="/static/tasks.js" defer></script>' in page.text

    response = await client.post(
        f"/tasks/{b.id}/move",
        data={"column_id": str(b.column_id), "index": "0", "version": str(b.version)},
        headers={"accept": "application/json", "x-csrf-token": token},
    )
    assert response.status_code == 200
    assert response.json()["position"] == 0
    assert (await positions(board))["To do"] == [b.id, a.id]
    assert (await client.get("/static/tasks.js")).status_code == 200


async def test_full_column_warns_and_offers_managers_an_override(client, settings):
    manager = await make_user(Role.MANAGER, email="boss@example.org")
    board = await make_board(manager=manager)
    _todo, doing, *_rest = await columns(board)
    await boards.update_column(manager, doing, name="Doing", wip_limit=1, is_done=False)
    await make_task(board, settings=settings, column=doing)
    task = await make_task(board, settings=settings)
    await log_in(client, "boss@example.org")

    response = await post_form(
        client,
        f"/tasks/{task.id}/move",
        {"column_id": str(doing.id), "version": str(task.version)},
        from_page=f"/boards/{board.id}",
    )
    assert response.status_code == 409
    assert "its limit is 1" in response.text
    assert "anyway" in response.text
    token = await csrf_token(client, f"/boards/{board.id}")
    response = await client.post(
        f"/tasks/{task.id}/move",
        data={
            "csrf_token": token,
            "column_id": str(doing.id),
            "override": "1",
            "version": str(task.version),
        },
    )
    assert response.status_code == 303
    assert len((await positions(board))["Doing"]) == 2


async def test_stale_edit_shows_both_versions_and_keeps_what_was_typed(client, settings):
    staff = await make_user(Role.STAFF, email="staff@example.org")
    board = await make_board(members=[staff])
    manager = await board.created_by
    task = await make_task(board, settings=settings, title="Print flyers")
    await log_in(client, "staff@example.org")
    token = await csrf_token(client, f"/tasks/{task.id}/edit")  # the form carries version 1

    from opsuite.tasks import service

    await service.update_task(
        manager, task.id, service.TaskInput(title="Print 500 flyers"), version=1, settings=settings
    )
    response = await client.post(
        f"/tasks/{task.id}/edit",
        data={
            "csrf_token": token,
            "version": "1",
            "title": "Print flyers in colour",
            "priority": "normal",
        },
    )
    assert response.status_code == 409
    assert "Someone else changed this task" in response.text
    assert "Print 500 flyers" in response.text  # theirs
    assert 'value="Print flyers in colour"' in response.text  # mine, still in the form
    assert 'name="version" value="2"' in response.text
    assert (await Task.get(id=task.id)).title == "Print 500 flyers"

    response = await client.post(
        f"/tasks/{task.id}/edit",
        data={
            "csrf_token": token,
            "version": "2",
            "title": "Print flyers in colour",
            "priority": "normal",
        },
    )
    assert response.status_code == 303
    assert (await Task.get(id=task.id)).title == "Print flyers in colour"


async def test_bad_input_gets_field_errors_and_keeps_the_text(client, settings):
    staff = await make_user(Role.STAFF, email="staff@example.org")
    board = await make_board(members=[staff])
    task = await make_task(board, settings=settings)
    await log_in(client, "staff@example.org")

    long_comment = "word " * 1100
    response = await post_form(
        client, f"/tasks/{task.id}/comments", {"body": long_comment}, from_page=f"/tasks/{task.id}"
    )
    assert response.status_code == 400
    assert "At most 5000 characters" in response.text
    assert "word word word" in response.text

    response = await post_form(
        client,
        f"/tasks/{task.id}/links",
        {"url": "javascript:alert(1)", "title": "x"},
        from_page=f"/tasks/{task.id}",
    )
    assert response.status_code == 400
    assert "http:// or https://" in response.text


async def test_people_outside_a_board_cannot_open_it(client, settings):
    await make_user(Role.STAFF, email="outsider@example.org")
    board = await make_board()
    task = await make_task(board, settings=settings)
    await log_in(client, "outsider@example.org")
    assert (await client.get(f"/boards/{board.id}")).status_code == 403
    assert (await client.get(f"/tasks/{task.id}")).status_code == 403
    assert "Nothing assigned" in (await client.get("/tasks/mine")).text
    assert board.name not in (await client.get("/boards")).text


async def test_my_tasks_lists_overdue_first_in_my_zone(client, settings, frozen_clock):
    # 2026-03-02 09:00 UTC is 17:00 on 2 March in Shanghai.
    me = await make_user(Role.STAFF, email="me@example.org", timezone="Asia/Shanghai")
    board = await make_board(members=[me])
    later = await make_task(
        board, settings=settings, assignees=[me], title="Later", due_date=date(2026, 3, 9)
    )
    undated = await make_task(board, settings=settings, assignees=[me], title="Someday")
    late = await make_task(
        board, settings=settings, assignees=[me], title="Late one", due_date=date(2026, 3, 1)
    )
    await make_task(board, settings=settings, title="Not mine")
    await log_in(client, "me@example.org")

    page = (await client.get("/tasks/mine")).text
    order = [page.index(t.title) for t in (late, later, undated)]
    assert order == sorted(order)
    assert "Not mine" not in page
    assert "overdue" in page


async def test_board_renders_in_the_same_number_of_queries_for_10_and_1000_tasks(
    client, settings, queries
):
    manager = await make_user(Role.MANAGER, email="boss@example.org")
    helper = await make_user(Role.STAFF)
    small, big = (
        await make_board(manager=manager, members=[helper]),
        await make_board(manager=manager, members=[helper]),
    )
    await fill(small, 10, manager, helper)
    await fill(big, 1000, manager, helper)
    await log_in(client, "boss@example.org")

    counts = []
    for board in (small, big):
        queries.count = 0
        response = await client.get(f"/boards/{board.id}")
        assert response.status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts
    # Each long column shows its first cards, says how many more it holds, and its header
    # counts them all.
    from opsuite.tasks.queries import COLUMN_CARDS

    heads = re.findall(r'<span class="count">(\d+)</span>', response.text)
    assert sum(int(n) for n in heads) == 1000
    assert response.text.count('class="card"') == COLUMN_CARDS * len(heads)
    more = re.findall(
        r'href="/boards/\d+\?column=(\d+)#col-\d+">Show (\d+) more cards', response.text
    )
    assert len(more) == len(heads)
    # Opening one column shows all of its cards, in the same number of queries.
    column_id, hidden = more[0]
    queries.count = 0
    opened = await client.get(f"/boards/{big.id}?column={column_id}")
    assert queries.count == counts[0]
    assert opened.text.count('class="card"') == COLUMN_CARDS * len(heads) + int(hidden)
    assert (await client.get(f"/boards/{big.id}?column=x")).status_code == 400


async def fill(board, n, manager, helper):
    from tests.factories.tasks import bulk_tasks

    await bulk_tasks(board, n, assignee=helper, label_name="field")


async def test_task_list_filters_by_assignee_label_and_overdue(client, settings, frozen_clock):
    me = await make_user(Role.STAFF, email="me@example.org")
    other = await make_user(Role.STAFF)
    board = await make_board(members=[me, other])
    manager = await board.created_by
    urgent = await boards.add_label(manager, board, name="Urgent")
    late = await make_task(
        board, settings=settings, title="Late one", assignees=[me], due_date=date(2026, 2, 1)
    )
    await make_task(board, settings=settings, title="Labelled", label_ids=(urgent.id,))
    await make_task(board, settings=settings, title="Theirs", assignees=[other])
    await log_in(client, "me@example.org")

    page = (await client.get(f"/tasks?assignee={me.id}")).text
    assert "Late one" in page
    assert "Theirs" not in page
    page = (await client.get("/tasks?label=urgent")).text
    assert "Labelled" in page
    assert "Late one" not in page
    page = (await client.get("/tasks?overdue=1")).text
    assert "Late one" in page
    assert "Labelled" not in page
    assert (await client.get("/tasks?due=yesterday")).status_code == 400
    assert late.id


async def test_overview_counts_open_overdue_and_done_this_week(client, settings, frozen_clock):
    manager = await make_user(Role.MANAGER, email="boss@example.org")
    amira = await make_user(Role.STAFF, name="Amira Haddad")
    board = await make_board(manager=manager, members=[amira])
    *_rest, done = await columns(board)
    await make_task(board, settings=settings, assignees=[amira], due_date=date(2026, 2, 1))
    await make_task(board, settings=settings, assignees=[amira])
    finished = await make_task(board, settings=settings, assignees=[amira])
    await make_task(board, settings=settings)
    from opsuite.tasks import service

    await service.move_task(manager, finished.id, column_id=done.id, settings=settings)
    await log_in(client, "boss@example.org")

    page = (await client.get("/tasks/overview")).text
    row = re.search(r"Amira Haddad</a></td>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r">(\d+)<", row) == ["2", "1", "1"]
    assert "Open tasks without anyone assigned: 1" in page
