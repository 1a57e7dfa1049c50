"""Control characters in a task's one-line fields and links are refused by the field, through
the form and the API, and nothing is saved (issue #14, defect 4)."""

from __future__ import annotations

import html

import pytest

from opsuite.auth.models import Role
from opsuite.auth.service import create_api_token
from opsuite.tasks.models import Attachment, ChecklistItem, Task
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.tasks import make_board, make_task

BAD_TITLES = ["Sort\r\nSUMMARY:X", "Sort\x07 tins", "Sort\x00"]


@pytest.mark.parametrize("title", BAD_TITLES)
async def test_task_form_refuses_a_title_with_control_characters(client, settings, title):
    staff = await make_user(Role.STAFF, email="staff@example.org")
    board = await make_board(members=[staff])
    task = await make_task(board, settings=settings, by=staff, title="Sort donations")
    await log_in(client, "staff@example.org")

    response = await post_form(
        client,
        f"/tasks/{task.id}/edit",
        {
            "title": title,
            "description": "Line one\r\nLine two\tindented",
            "priority": "high",
            "version": str(task.version),
        },
    )

    assert response.status_code == 400
    assert 'id="e-title"' in response.text
    assert html.escape("Line one") in response.text  # what was typed is kept
    assert (await Task.get(id=task.id)).title == "Sort donations"


async def test_a_description_keeps_line_breaks_and_tabs(client, settings):
    staff = await make_user(Role.STAFF, email="staff@example.org")
    board = await make_board(members=[staff])
    task = await make_task(board, settings=settings, by=staff)
    await log_in(client, "staff@example.org")
    response = await post_form(
        client,
        f"/tasks/{task.id}/edit",
        {
            "title": "Sort",
            "description": "One\r\nTwo\tthree",
            "priority": "high",
            "version": str(task.version),
        },
    )
    assert response.status_code == 303, response.text
    assert (await Task.get(id=task.id)).description.splitlines() == ["One", "Two\tthree"]


async def test_checklist_and_links_refuse_control_characters(client, settings):
    staff = await make_user(Role.STAFF, email="staff@example.org")
    board = await make_board(members=[staff])
    task = await make_task(board, settings=settings, by=staff)
    await log_in(client, "staff@example.org")

    for path, data, field in (
        (f"/tasks/{task.id}/checklist", {"text": "Call\x1bthem"}, "text"),
        (f"/tasks/{task.id}/links", {"url": "https://x.org/\x7f", "title": ""}, "url"),
        (f"/tasks/{task.id}/links", {"url": "https://x.org/", "title": "A\x0bB"}, "title"),
    ):
        response = await post_form(client, path, data, from_page=f"/tasks/{task.id}")
        assert response.status_code == 400, (path, data)
        assert f'id="e-{field}"' in response.text, (path, data)
    assert await ChecklistItem.all().count() == 0
    assert await Attachment.all().count() == 0


async def test_api_refuses_a_title_with_a_line_break(client, settings):
    staff = await make_user(Role.STAFF)
    board = await make_board(members=[staff])
    made = await create_api_token(staff, name="test")
    headers = {"Authorization": f"Bearer {made.token}"}

    response = await client.post(
        f"/api/v1/boards/{board.id}/tasks", json={"title": "A\nB"}, headers=headers
    )

    assert response.status_code == 400, response.text
    answer = response.json()  # one field at fault, or several
    assert "title" in answer.get("fields", {}) or answer.get("field") == "title", answer
    assert await Task.all().count() == 0
