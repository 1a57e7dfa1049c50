"""Two managers drag the same card at once: the second, on a stale board, is told someone
else moved it and sees the card where it now is; nothing is silently overwritten
(issue #14, defect 12)."""

from __future__ import annotations

import pytest

from opsuite.tasks import boards
from opsuite.tasks.models import Task
from tests.browser.conftest import log_in_through_form
from tests.factories.auth import make_user
from tests.factories.tasks import columns, make_board, make_task

pytestmark = pytest.mark.browser


async def _drag(page, task_id: int, column_id: int) -> int:
    async with page.expect_response(lambda r: f"/tasks/{task_id}/move" in r.url) as answer:
        # Grab the card by its corner (its middle holds the fallback form's controls).
        await page.drag_and_drop(
            f'li.card[data-task="{task_id}"]',
            f'section[data-column="{column_id}"]',
            source_position={"x": 4, "y": 4},
        )
    return (await answer.value).status


async def test_a_stale_drag_shows_who_won_and_puts_the_card_where_it_is(new_context, settings):
    first = await make_user("manager")
    second = await make_user("manager")
    board = await make_board(manager=first, name="Food drive")
    await boards.add_member(first, board, second, is_manager=True)
    todo, doing, review, _done = await columns(board)
    task = await make_task(board, settings=settings, title="Book the van", column=todo)
    pages = []
    for person in (first, second):
        page = await (await new_context()).new_page()
        await log_in_through_form(page, person.email)
        await page.goto(f"/boards/{board.id}")
        pages.append(page)
    one, two = pages

    assert await _drag(one, task.id, doing.id) == 200
    assert await _drag(two, task.id, review.id) == 409

    message = two.locator("#move-message")
    await message.wait_for()
    assert "Someone else moved or changed “Book the van”" in await message.inner_text()
    assert "Doing, place 1" in await message.inner_text()
    in_doing = two.locator(f'section[data-column="{doing.id}"] li.card[data-task="{task.id}"]')
    await in_doing.wait_for()
    assert (await Task.get(id=task.id)).column_id == doing.id

    # The card now carries the current version: dragging it again on this page works.
    assert await _drag(two, task.id, review.id) == 200
    assert (await Task.get(id=task.id)).column_id == review.id
    assert await message.is_hidden()
