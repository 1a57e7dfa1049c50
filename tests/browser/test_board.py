"""A task moves to another column by drag and drop with JavaScript, and by the plain "Move to"
form without it."""

from __future__ import annotations

import pytest

from opsuite.tasks.models import Task
from tests.browser.conftest import log_in_through_form
from tests.factories.auth import make_user
from tests.factories.tasks import columns, make_board, make_task

pytestmark = pytest.mark.browser


async def board_with_a_task(settings):
    manager = await make_user("manager")
    board = await make_board(manager=manager, name="Food drive")
    todo, doing = (await columns(board))[:2]
    task = await make_task(board, settings=settings, title="Book the van", column=todo)
    return manager, board, task, doing


async def test_drag_and_drop_moves_a_task(new_context, settings):
    manager, board, task, doing = await board_with_a_task(settings)
    page = await (await new_context()).new_page()
    await log_in_through_form(page, manager.email)
    await page.goto(f"/boards/{board.id}")

    async with page.expect_response(lambda r: f"/tasks/{task.id}/move" in r.url):
        # Grab the card by its corner (its middle holds the fallback form's controls).
        await page.drag_and_drop(
            f'li.card[data-task="{task.id}"]',
            f'section[data-column="{doing.id}"]',
            source_position={"x": 4, "y": 4},
        )

    await page.wait_for_load_state()
    assert (await Task.get(id=task.id)).column_id == doing.id
    # The headers count the cards where they now are, without a reload.
    todo_id = f'section[data-column="{task.column_id}"] .count'
    await page.wait_for_function(
        "([a, b]) => document.querySelector(a).textContent.trim() === '0'"
        " && document.querySelector(b).textContent.trim() === '1'",
        arg=[todo_id, f'section[data-column="{doing.id}"] .count'],
    )
    await page.goto(f"/boards/{board.id}")
    column = page.locator(f'section[data-column="{doing.id}"]')
    await column.get_by_role("link", name="Book the van").wait_for()


async def test_without_javascript_the_move_form_moves_a_task(new_context, settings):
    manager, board, task, doing = await board_with_a_task(settings)
    page = await (await new_context(java_script_enabled=False)).new_page()
    await log_in_through_form(page, manager.email)
    await page.goto(f"/boards/{board.id}")

    card = page.locator(f'li.card[data-task="{task.id}"]')
    await card.get_by_label("Move to").select_option(str(doing.id))
    async with page.expect_navigation():
        await card.get_by_role("button", name="Move", exact=True).click()

    assert (await Task.get(id=task.id)).column_id == doing.id
    column = page.locator(f'section[data-column="{doing.id}"]')
    await column.get_by_role("link", name="Book the van").wait_for()


async def test_the_columns_stand_side_by_side_and_a_phone_scrolls_the_board_not_the_page(
    new_context, settings
):
    manager, board, _task, _doing = await board_with_a_task(settings)
    context = await new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await log_in_through_form(page, manager.email)
    await page.goto(f"/boards/{board.id}")
    heads = await page.eval_on_selector_all(
        ".board-column .column-head",
        "hs => hs.map(h => { const r = h.getBoundingClientRect(); return [r.top, r.left]; })",
    )
    assert len(heads) >= 3
    assert len({round(top) for top, _left in heads}) == 1, heads  # one row of headers
    lefts = [left for _top, left in heads]
    assert lefts == sorted(lefts), heads  # left to right
    assert len(set(lefts)) == len(lefts), heads

    await page.set_viewport_size({"width": 390, "height": 800})
    await page.goto(f"/boards/{board.id}")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    tops = await page.eval_on_selector_all(
        ".board-column .column-head", "hs => hs.map(h => Math.round(h.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops  # still side by side, in a board that scrolls itself
