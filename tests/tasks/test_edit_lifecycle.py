"""A task's whole life through HTTP: every single-field edit leaves every page that shows it
working, with the new value, and the activity log says what changed (issue #14, defect 1)."""

from __future__ import annotations

import html
from datetime import date

import pytest

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.tasks.models import TaskEvent
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.tasks import make_board, make_task

BASE = {
    "title": "Sort donations",
    "description": "Tins first.",
    "priority": "normal",
    "due_date": "2026-03-04",
    "due_time": "",
}

# (the one field changed, its new value, what the task page shows, the activity words: en, zh)
EDITS = [
    ("title", "Sort winter coats", "Sort winter coats", "“Sort donations” → “Sort winter coats”",
     "“Sort donations” → “Sort winter coats”"),
    ("priority", "urgent", "Urgent", "priority Normal → Urgent", "优先级 普通 → 紧急"),
    ("due_date", "2026-03-10", "Due Mar 10, 2026", "due date Mar 4, 2026 → Mar 10, 2026",
     "截止日期 2026年3月4日 → 2026年3月10日"),
    ("description", "Coats before tins.", "Coats before tins.", "changed the description",
     "修改了描述"),
]  # fmt: skip


async def _pages_answer(client, task_id: int, board_id: int) -> dict[str, str]:
    pages = {}
    for path in (
        f"/tasks/{task_id}",
        f"/boards/{board_id}",
        f"/boards/{board_id}/activity",
        "/tasks/mine",
    ):
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text[-2000:])
        pages[path] = html.unescape(response.text)
    return pages


@pytest.mark.parametrize(
    ("name", "value", "shown", "words_en", "words_zh"), EDITS, ids=[e[0] for e in EDITS]
)
async def test_each_single_field_edit_keeps_every_page_working(
    client, settings, name, value, shown, words_en, words_zh
):
    staff = await make_user(Role.STAFF, email="staff@example.org", locale="en")
    board = await make_board(members=[staff])
    task = await make_task(
        board,
        settings=settings,
        by=staff,
        title=BASE["title"],
        description=BASE["description"],
        due_date=date(2026, 3, 4),
        assignees=[staff],
    )
    await log_in(client, "staff@example.org")

    response = await post_form(
        client,
        f"/tasks/{task.id}/edit",
        {**BASE, name: value, "version": str(task.version)},
    )
    assert response.status_code == 303, response.text

    pages = await _pages_answer(client, task.id, board.id)
    assert shown in pages[f"/tasks/{task.id}"]
    if name in ("title", "due_date"):  # the cards (and the log's task column) show these
        paths = [f"/boards/{board.id}", "/tasks/mine"]
        if name == "title":
            paths.append(f"/boards/{board.id}/activity")
        for path in paths:
            assert shown in pages[path], path
    for path in (f"/tasks/{task.id}", f"/boards/{board.id}/activity"):
        assert words_en in pages[path], path

    staff.locale = "zh_Hans"
    await staff.save(update_fields=["locale"])
    pages = await _pages_answer(client, task.id, board.id)
    for path in (f"/tasks/{task.id}", f"/boards/{board.id}/activity"):
        assert words_zh in pages[path], path


async def test_old_activity_rows_with_missing_or_odd_data_still_render(client, settings):
    staff = await make_user(Role.STAFF, email="staff@example.org")
    board = await make_board(members=[staff])
    task = await make_task(board, settings=settings, by=staff, title="Old task")
    for action, data in [
        ("task.updated", {}),
        ("task.updated", {"due": ["", ""], "title": "not a pair"}),
        ("task.moved", {}),
        ("task.created", {}),
        ("task.assigned", {}),
        ("checklist.added", {}),
        ("member.added", {}),
        ("something.new", {"x": 1}),
        ("task.updated", ["not", "a", "dict"]),
    ]:
        await TaskEvent.create(
            board_id=board.id, task_id=task.id, action=action, data=data, created_at=clock.now()
        )
    await log_in(client, "staff@example.org")

    pages = await _pages_answer(client, task.id, board.id)

    assert "edited the task" in pages[f"/tasks/{task.id}"]
    assert "something.new" in pages[f"/boards/{board.id}/activity"]
