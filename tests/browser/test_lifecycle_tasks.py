"""The whole life of a board, a column and a task with its checklist and comments, through the
forms in Chromium: made, edited field by field, seen on every page that lists it and in the
calendar feed, then deleted, with every page still answering."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from opsuite import clock
from opsuite.tasks.models import Board, Task
from tests.browser.lifecycle import answers, feed, logged_in, new_person_feed, send
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.tasks import make_board

pytestmark = pytest.mark.browser


def board_id(page: Page) -> int:
    match = re.search(r"/boards/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


async def test_board_and_column_from_creation_to_deletion(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor")
    team = await make_team(manager=manager, name="Harbour Office")
    page = await logged_in(new_context, manager.email)

    await page.goto("/boards/new")
    await send(
        page,
        "/boards/new",
        {
            "name": "Spring fair 春季义卖",
            "description": "Stalls and helpers",
            "team_id": str(team.id),
        },
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Spring fair 春季义卖")
    board = board_id(page)

    await page.goto(f"/boards/{board}/settings")
    await send(
        page,
        f"/boards/{board}/settings",
        {
            "name": "Spring fair 2027",
            "description": "Stalls, helpers, a raffle",
            "visibility": "staff",
        },
    )
    await send(
        page,
        f"/boards/{board}/columns",
        {"name": "Waiting for supplier", "wip_limit": "3", "is_done": False},
    )
    column = (await Board.get(id=board).prefetch_related("columns")).columns
    waiting = next(c for c in column if c.name == "Waiting for supplier")
    await page.goto(f"/boards/{board}/settings")
    await send(
        page,
        f"/boards/{board}/columns/{waiting.id}",
        {"name": "Waiting on suppliers", "wip_limit": "2", "is_done": True},
        "Save",
    )
    await send(page, f"/boards/{board}/labels", {"name": "Raffle", "color": "#3366cc"})

    saved = await Board.get(id=board)
    assert (saved.name, saved.description, saved.visibility) == (
        "Spring fair 2027",
        "Stalls, helpers, a raffle",
        "staff",
    )
    await answers(page, f"/boards/{board}", "Spring fair 2027", "Waiting on suppliers")
    await answers(page, f"/boards/{board}/settings", "Raffle", "Stalls, helpers, a raffle")
    await answers(page, "/boards", "Spring fair 2027")
    await answers(page, f"/boards/{board}/activity", "Waiting on suppliers")
    await answers(page, f"/teams/{team.id}")

    await page.goto(f"/boards/{board}/settings")
    await send(page, f"/boards/{board}/columns/{waiting.id}", {}, "Delete")

    await answers(page, f"/boards/{board}", "Spring fair 2027", absent=["Waiting on suppliers"])
    await answers(page, f"/boards/{board}/activity")
    await answers(page, "/boards", "Spring fair 2027")


async def test_task_from_creation_to_deletion(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor", timezone="Europe/London")
    staff = await make_user("staff", name="Tariq Aziz")
    team = await make_team(manager=manager, members=[staff], name="Harbour Office")
    page = await logged_in(new_context, manager.email)
    feed_path = await new_person_feed(page)
    await page.goto("/boards/new")
    await send(page, "/boards/new", {"name": "Winter appeal", "team_id": str(team.id)})
    board = board_id(page)
    await page.goto(f"/boards/{board}/settings")
    await send(page, f"/boards/{board}/labels", {"name": "Print", "color": "#cc3366"})
    due = (clock.now() + timedelta(days=10)).date()

    await page.goto(f"/boards/{board}/tasks/new")
    await send(
        page,
        f"/boards/{board}/tasks/new",
        {
            "title": "Print the flyers",
            "description": "Two hundred copies",
            "priority": "high",
            "due_date": due.isoformat(),
            "assignee_ids": ["Mina Okafor", "Tariq Aziz"],
        },
    )
    task = await Task.get(title="Print the flyers")
    await feed(page, settings, feed_path, "Print the flyers")

    # Each field kind once: text, text area, choice, date and time, several choices.
    edits = [
        {"title": "Print the appeal flyers"},
        {"description": "Three hundred copies, on recycled paper"},
        {"priority": "urgent"},
        {"due_date": (due + timedelta(days=1)).isoformat(), "due_time": "15:30"},
        {"label_ids": ["Print"]},
    ]
    for values in edits:
        await page.goto(f"/tasks/{task.id}/edit")
        await send(page, f"/tasks/{task.id}/edit", values)
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        await answers(page, f"/tasks/{task.id}")
        await answers(page, f"/boards/{board}/activity")

    await page.goto(f"/tasks/{task.id}")
    await send(page, f"/tasks/{task.id}/checklist", {"text": "Proof-read the text"})
    await send(page, f"/tasks/{task.id}/checklist", {"text": "Order paper"})
    item = page.locator("ul.checklist li", has_text="Proof-read the text")
    async with page.expect_navigation():
        await item.get_by_role("button", name="Tick").click()
    order = page.locator("ul.checklist li", has_text="Order paper")
    async with page.expect_navigation():
        await order.get_by_role("button", name="Remove").click()
    await send(page, f"/tasks/{task.id}/comments", {"body": "@Tariq Aziz can you collect them?"})
    await page.goto(f"/tasks/{task.id}")
    await page.locator(f'form[action="/tasks/{task.id}/move"] select').select_option(label="Doing")
    async with page.expect_navigation():
        await page.locator(f'form[action="/tasks/{task.id}/move"] button').click()

    shown = ("Print the appeal flyers", "Three hundred copies, on recycled paper", "Print")
    await answers(page, f"/tasks/{task.id}", *shown, "☑", "Proof-read the text", "Doing")
    await answers(page, f"/tasks/{task.id}", "can you collect them?")
    await page.goto(f"/tasks/{task.id}")
    await expect(page.locator("ul.checklist")).not_to_contain_text("Order paper")
    await answers(page, f"/boards/{board}", "Print the appeal flyers")
    await answers(page, f"/boards/{board}/activity", "Print the appeal flyers")
    for listing in ("/tasks/mine", "/tasks"):
        await answers(page, listing, "Print the appeal flyers")
    await answers(page, "/tasks/overview", "Winter appeal")
    # 15:30 in London, the manager's zone, on the new due date.
    stamp = (due + timedelta(days=1)).strftime("%Y%m%d")
    await feed(page, settings, feed_path, "Print the appeal flyers", stamp)
    colleague = await logged_in(new_context, staff.email)
    await answers(colleague, "/tasks/mine", "Print the appeal flyers")
    await answers(colleague, f"/tasks/{task.id}", "can you collect them?")

    await page.goto(f"/tasks/{task.id}")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Delete this task").click()

    assert not await Task.filter(id=task.id).exists()
    gone = await page.request.get(f"/tasks/{task.id}")
    assert gone.status == 404
    for url in (f"/boards/{board}", "/tasks/mine", "/tasks", "/tasks/overview"):
        await answers(page, url, absent=["Print the appeal flyers"])
    await answers(page, f"/boards/{board}/activity")
    await answers(colleague, "/tasks/mine", absent=["Print the appeal flyers"])
    await feed(page, settings, feed_path, absent=["Print the appeal flyers"])


async def test_team_member_adds_edits_and_deletes_own_task(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor")
    staff = await make_user("staff", name="Tariq Aziz")
    team = await make_team(manager=manager, members=[staff], name="Harbour Office")
    board = await make_board(manager=manager, name="Office jobs", team_id=team.id)
    page = await logged_in(new_context, staff.email)

    await page.goto(f"/boards/{board.id}/tasks/new")
    await send(
        page,
        f"/boards/{board.id}/tasks/new",
        {"title": "Order toner", "priority": "low", "assignee_ids": ["Tariq Aziz"]},
    )
    task = await Task.get(title="Order toner")
    await page.goto(f"/tasks/{task.id}/edit")
    await send(page, f"/tasks/{task.id}/edit", {"title": "Order toner and paper"})
    await page.goto(f"/tasks/{task.id}")
    await send(page, f"/tasks/{task.id}/comments", {"body": "Ordered from the usual shop"})

    boss = await logged_in(new_context, manager.email)
    for who in (page, boss):
        await answers(who, f"/tasks/{task.id}", "Order toner and paper", "usual shop")
        await answers(who, f"/boards/{board.id}", "Order toner and paper")
        await answers(who, f"/boards/{board.id}/activity", "Order toner and paper")
    await answers(page, "/tasks/mine", "Order toner and paper")

    await page.goto(f"/tasks/{task.id}")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Delete this task").click()

    assert not await Task.filter(id=task.id).exists()
    for who in (page, boss):
        await answers(who, f"/boards/{board.id}", absent=["Order toner and paper"])
        await answers(who, f"/boards/{board.id}/activity")
    await answers(page, "/tasks/mine", absent=["Order toner and paper"])
