"""The whole life of calendar feeds, CSV imports and a question to the administrators, through
the forms in Chromium, with every page involved still answering."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, expect

from opsuite import clock
from opsuite.auth.models import User
from opsuite.feeds.models import FeedToken
from opsuite.help.models import ContactRequest
from opsuite.notify.service import dispatch_due
from opsuite.shifts.models import Shift
from opsuite.shifts.service import add_to_shift
from tests.browser.lifecycle import answers, feed, logged_in, new_person_feed, send
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_program, make_team
from tests.factories.shifts import make_opportunity, make_shift

pytestmark = pytest.mark.browser


async def shown_feed_path(page: Page) -> str:
    url = await page.locator("code.token").inner_text()
    return urlsplit(url.strip()).path


async def test_feeds_from_subscription_to_revocation(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor", timezone="Europe/London")
    colleague = await make_user("staff", name="Tariq Aziz")
    team = await make_team(manager=manager, members=[colleague], name="Harbour Office")
    program = await make_program(manager=manager, name="Harbour Food Bank")
    opportunity = await make_opportunity(program=program, manager=manager, title="Food sorting")
    await make_shift(opportunity, location="Back hall")
    starts = (clock.now() + timedelta(days=4)).replace(minute=0, second=0, microsecond=0)
    await make_meeting(
        settings=settings,
        organizer=manager,
        starts_at=starts,
        title="Office planning",
        team_id=team.id,
        attendees=[colleague],
    )
    page = await logged_in(new_context, manager.email)

    mine = await new_person_feed(page)
    await feed(page, settings, mine, "Office planning")
    await page.goto("/me/feeds")
    await send(page, "/me/feeds/new", {"team_id": str(team.id)}, "Create team feed")
    team_feed = await shown_feed_path(page)
    await page.goto("/me/feeds")
    form = page.locator('form[action="/me/feeds/new"]').filter(has_text="Create program feed")
    await form.locator('input[value="public"]').check()
    async with page.expect_navigation():
        await form.get_by_role("button", name="Create program feed").click()
    public = await shown_feed_path(page)
    await page.goto("/me/feeds")
    await send(
        page,
        "/me/feeds/new",
        {"program_id": str(program.id), "kind": "program"},
        "Create program feed",
    )
    program_feed = await shown_feed_path(page)

    await feed(page, settings, team_feed, "Office planning")
    await feed(page, settings, program_feed, "Food sorting")
    await feed(page, settings, public, "Food sorting", absent=["Office planning", "Mina Okafor"])
    await answers(page, "/me/feeds", "Team Harbour Office", "Program Harbour Food Bank")

    # The personal feed without meetings; then a new address for it, then none.
    personal = await FeedToken.get(user_id=manager.id, kind="person", revoked_at=None)
    await page.goto("/me/feeds")
    await send(page, f"/me/feeds/{personal.id}/parts", {"parts": ["shifts", "tasks"]}, "Save")
    await feed(page, settings, mine, absent=["Office planning"])
    row = page.locator("tr", has_text="My calendar")
    async with page.expect_navigation():
        await row.get_by_role("button", name="Make a new address").click()
    renewed = await shown_feed_path(page)
    assert (await page.request.get(mine)).status == 404
    await feed(page, settings, renewed)
    await page.goto("/me/feeds")
    for _ in range(4):
        async with page.expect_navigation():
            await page.get_by_role("button", name="Revoke").first.click()

    for path in (renewed, team_feed, program_feed, public):
        assert (await page.request.get(path)).status == 404, path
    await answers(page, "/me/feeds", "No feeds yet.")


async def test_people_and_shifts_imported_from_csv(new_context):
    manager = await make_user("manager", name="Mina Okafor")
    team = await make_team(manager=manager, name="Field Services")
    program = await make_program(manager=manager, name="Harbour Food Bank")
    await make_opportunity(program=program, manager=manager, title="Packing")
    page = await logged_in(new_context, manager.email)
    day = (clock.now() + timedelta(days=12)).date().isoformat()
    people = (
        "email,name,role,timezone,locale,phone,skills,team,program\n"
        "li.na@example.org,李娜 Li Na,volunteer,Asia/Shanghai,zh_Hans,,cooking;driving,"
        f"{team.name},{program.name}\n"
        "not-an-email,Nobody,volunteer,,,,,,\n"
    )
    shifts = (
        "program,opportunity,date,start,end,timezone,capacity,location,notes\n"
        f"{program.name},Packing,{day},10:00,12:00,Asia/Shanghai,4,Hall 2,Imported shift\n"
    )

    for kind, text, mode in (
        ("people", people, "dry_run"),
        ("people", people, "only_valid"),
        ("shifts", shifts, "all"),
    ):
        await page.goto("/reports/imports")
        form = page.locator('form[action="/reports/imports"]')
        await form.locator('[name="kind"]').select_option(kind)
        await form.locator('[name="file"]').set_input_files(
            files=[{"name": f"{kind}.csv", "mimeType": "text/csv", "buffer": text.encode()}]
        )
        await form.locator(f'input[name="mode"][value="{mode}"]').check()
        async with page.expect_navigation():
            await form.get_by_role("button", name="Upload").click()
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        if mode == "dry_run":
            assert not await User.filter(email="li.na@example.org").exists()

    imported = await User.get(email="li.na@example.org")
    assert imported.skills == ["cooking", "driving"]
    shift = await Shift.get(location="Hall 2")
    await answers(page, "/people", "李娜 Li Na")
    await answers(page, f"/people/{imported.id}", "李娜 Li Na", "cooking")
    await answers(page, f"/teams/{team.id}", "李娜 Li Na")
    await answers(page, f"/shifts/{shift.id}", "Packing", "Hall 2", "Imported shift")
    await answers(page, "/shifts", "Packing")
    await answers(page, f"/shifts/{shift.id}/roster")
    await answers(page, "/reports/imports")


async def test_question_to_the_administrators_from_sending_to_handled(new_context, settings, inbox):
    admin = await make_user("admin", name="Chen Jing")
    visitor = await (await new_context()).new_page()

    await visitor.goto("/help/contact")
    await send(
        visitor,
        "/help/contact",
        {
            "name": "Ana Lima",
            "email": "ana@example.org",
            "subject": "How do I sign up?",
            "message": "I would like to help at the food bank on Saturdays.",
        },
    )
    await expect(visitor.get_by_role("status")).to_be_visible()
    question = await ContactRequest.get(email="ana@example.org")
    await dispatch_due(settings)  # the outbox job, as it runs every minute
    assert [m.subject for m in inbox.to(admin.email)] == [
        "Question from Ana Lima: How do I sign up?"
    ]

    page = await logged_in(new_context, admin.email)
    await answers(page, "/admin/requests", "How do I sign up?", "Ana Lima", "Saturdays")
    await page.goto("/admin/requests")
    await send(page, f"/admin/requests/{question.id}/handled", {})

    assert (await ContactRequest.get(id=question.id)).handled_at is not None
    await answers(page, "/admin/requests", absent=["How do I sign up?"])
    await answers(page, "/admin/requests?all=1", "How do I sign up?", "Handled by Chen Jing")
    await answers(page, "/admin/activity")
    await answers(visitor, "/help")


async def test_read_only_reader_subscribes_to_the_program_feed(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor")
    funder = await make_user("volunteer", name="Wu Yaqin")
    volunteer = await make_user("volunteer", name="Ana Lima")
    program = await make_program(manager=manager, readers=[funder], name="Elderly Care")
    opportunity = await make_opportunity(program=program, manager=manager, title="Home visit")
    shift = await make_shift(opportunity, location="Harbour Road")
    await add_to_shift(manager, shift.id, volunteer, settings=settings)
    page = await logged_in(new_context, funder.email)

    await page.goto("/me/feeds")
    await send(page, "/me/feeds/new", {"program_id": str(program.id)}, "Create program feed")
    path = await shown_feed_path(page)

    await feed(page, settings, path, "Home visit", absent=["Ana Lima", "Mina Okafor"])
    await answers(page, "/me/feeds", "Program Elderly Care")
    await answers(page, f"/programs/{program.id}", "Elderly Care")
    await page.goto("/me/feeds")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Revoke").click()
    assert (await page.request.get(path)).status == 404
    await answers(page, "/me/feeds", "No feeds yet.")
