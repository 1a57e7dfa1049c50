"""A repeating task made through the form, done on its page, and its next instance found and
stopped; labels and links taken off a task with their buttons. In Chromium, without scripts
doing anything the forms do not."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from opsuite.tasks import boards
from opsuite.tasks.models import ChecklistItem, Task
from opsuite.tasks.service import add_link
from tests.browser.lifecycle import answers, logged_in, send
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.tasks import make_board, make_task

pytestmark = pytest.mark.browser


async def test_a_repeating_task_is_done_and_the_next_one_waits_in_to_do(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor", timezone="America/New_York")
    staff = await make_user("staff", name="Tariq Aziz")
    team = await make_team(manager=manager, members=[staff], name="Harbour Office")
    board = await make_board(manager=manager, name="Office jobs", team_id=team.id)
    page = await logged_in(new_context, manager.email)

    await page.goto(f"/boards/{board.id}/tasks/new")
    await send(
        page,
        f"/boards/{board.id}/tasks/new",
        {
            "title": "Water the plants",
            "due_date": "2030-03-05",
            "assignee_ids": ["Tariq Aziz"],
            "repeat_every": "2",
            "repeat_unit": "weeks",
            "repeat_mode": "fixed_schedule",
        },
    )
    task = await Task.get(title="Water the plants")
    await page.goto(f"/tasks/{task.id}")
    await expect(page.locator(".repeat")).to_contain_text(
        "Repeats every 2 weeks, on a fixed schedule"
    )
    await send(page, f"/tasks/{task.id}/checklist", {"text": "Ground floor"})
    item = page.locator("ul.checklist li", has_text="Ground floor")
    async with page.expect_navigation():
        await item.get_by_role("button", name="Tick").click()

    move = page.locator(f'form[action="/tasks/{task.id}/move"]')
    await move.locator("select").select_option(label="Done")
    async with page.expect_navigation():
        await move.get_by_role("button", name="Move").click()

    await expect(page.locator(".flash")).to_contain_text(
        "the next one is at the bottom of the first column"
    )
    following = await Task.get(previous_id=task.id)
    upcoming = page.locator(".repeat p", has_text="Next:")
    await expect(upcoming).to_contain_text("Mar 19, 2030")  # two weeks after 5 March
    async with page.expect_navigation():
        await upcoming.get_by_role("link", name="Water the plants").click()

    assert page.url.endswith(f"/tasks/{following.id}")
    await expect(page.locator(".repeat")).to_contain_text("Repeats every 2 weeks")
    await expect(page.locator(".repeat p", has_text="Previous:")).to_contain_text("Mar 5, 2030")
    await expect(page.locator("ul.checklist li", has_text="Ground floor")).to_contain_text("☐")
    await answers(page, f"/boards/{board.id}", "Water the plants")
    colleague = await logged_in(new_context, staff.email)
    await answers(colleague, "/tasks/mine", "Water the plants", "Mar 19, 2030")

    async with page.expect_navigation():
        await page.get_by_role("button", name="Stop repeating").click()
    await expect(page.locator("main")).to_contain_text("“Water the plants” no longer repeats.")
    await expect(page.locator(".repeat")).not_to_contain_text("Repeats every")
    assert await ChecklistItem.filter(task_id=following.id, is_done=False).count() == 1


async def test_labels_and_links_come_off_with_their_own_buttons(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor")
    board = await make_board(manager=manager, name="Spring fair")
    urgent = await boards.add_label(manager, board, name="Urgent", color="#cc3366")
    print_ = await boards.add_label(manager, board, name="Print", color="#3366cc")
    task = await make_task(
        board, settings=settings, title="Flyers", label_ids=(urgent.id, print_.id)
    )
    await add_link(manager, task.id, url="https://docs.example.org/flyer", title="Artwork")
    await add_link(manager, task.id, url="https://docs.example.org/quote", title="Quote")
    page = await logged_in(new_context, manager.email)

    await page.goto(f"/tasks/{task.id}")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Remove the label Urgent").click()
    labels = page.locator("ul.labels")
    await expect(labels).to_contain_text("Print")
    await expect(labels).not_to_contain_text("Urgent")

    async with page.expect_navigation():
        await page.get_by_role("button", name="Remove the link Artwork").click()
    links = page.locator("#links + ul")
    await expect(links).to_contain_text("Quote")
    await expect(links).not_to_contain_text("Artwork")

    await answers(page, f"/tasks/{task.id}", "took the label Urgent off the task")
    await answers(page, f"/boards/{board.id}/activity", "removed the link")
    await answers(page, f"/boards/{board.id}/settings", "Urgent")  # still a label of the board
