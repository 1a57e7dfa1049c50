"""The whole life of an opportunity, its shifts and series, and a volunteer's sign-up, through
the forms in Chromium: made, edited field by field, seen in the lists, the roster, the
volunteer's pages and calendar feed, then cancelled, with every page still answering."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from opsuite import clock
from opsuite.notify.models import Notification
from opsuite.notify.service import dispatch_due
from opsuite.shifts.models import Opportunity, Shift, SignUp
from tests.browser.lifecycle import (
    activity_shows,
    answers,
    eventually,
    feed,
    logged_in,
    new_person_feed,
    send,
)
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_shift

pytestmark = pytest.mark.browser


def last_id(page: Page, word: str) -> int:
    match = re.search(rf"/{word}/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


async def opportunity_made_through_the_form(page: Page, program_id: int) -> int:
    await page.goto("/opportunities/new")
    await send(
        page,
        "/opportunities/new",
        {
            "program_id": str(program_id),
            "title": "Food sorting 食物分拣",
            "description": "Sort donated food",
            "location": "12 Harbour Road",
            "is_public": True,
        },
    )
    return (await Opportunity.get(title="Food sorting 食物分拣")).id


async def test_opportunity_shift_and_sign_up_from_creation_to_cancellation(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor", timezone="Asia/Shanghai")
    program = await make_program(manager=manager, name="Harbour Food Bank")
    volunteer = await make_user(
        "volunteer", name="Ana Lima", timezone="Europe/London", skills=["warehouse", "lifting"]
    )
    lead = await make_user("volunteer", name="Tom Becker")
    page = await logged_in(new_context, manager.email)
    opportunity = await opportunity_made_through_the_form(page, program.id)

    # Each field kind once: text, text area, a list, a number, a box.
    for values in (
        {"title": "Food sorting and packing"},
        {"description": "Sort and pack donated food for families"},
        {"required_skills": "warehouse, lifting"},
        {"minimum_age": "16"},
        {"is_remote": False, "training_note": "A short safety talk"},
    ):
        await page.goto(f"/opportunities/{opportunity}/edit")
        await send(page, f"/opportunities/{opportunity}/edit", values)
        await answers(page, f"/opportunities/{opportunity}")
    await answers(page, f"/opportunities/{opportunity}", "Food sorting and packing", "warehouse")

    day = (clock.now() + timedelta(days=6)).date().isoformat()
    await page.goto(f"/opportunities/{opportunity}/shifts/new")
    await send(
        page,
        f"/opportunities/{opportunity}/shifts/new",
        {
            "day": day,
            "start": "09:00",
            "end": "12:00",
            "timezone": "Asia/Shanghai",
            "capacity": "4",
        },
    )
    shift = (await Shift.get(opportunity_id=opportunity)).id
    for values in (
        {"capacity": "6"},
        {"start": "09:30", "end": "12:30"},
        {"location": "Back hall", "notes": "Bring gloves"},
        {"lead_id": "Tom Becker"},
    ):
        await page.goto(f"/shifts/{shift}/edit")
        await send(page, f"/shifts/{shift}/edit", values)
        await answers(page, f"/shifts/{shift}")
    saved = await Shift.get(id=shift)
    assert (saved.capacity, saved.location, saved.notes, saved.lead_id) == (
        6,
        "Back hall",
        "Bring gloves",
        lead.id,
    )

    # Someone without the skills is told why, on the shift's own page.
    newcomer = await make_user("volunteer", name="Sam Reed")
    stranger = await logged_in(new_context, newcomer.email)
    await stranger.goto(f"/shifts/{shift}")
    await send(stranger, f"/shifts/{shift}/signup", {})
    assert stranger.url.endswith(f"/shifts/{shift}")
    await expect(stranger.get_by_role("heading", level=1)).to_contain_text("Food sorting")
    await expect(stranger.get_by_text("warehouse, lifting").first).to_be_visible()
    assert not await SignUp.filter(shift_id=shift).exists()

    helper = await logged_in(new_context, volunteer.email)
    helper_feed = await new_person_feed(helper)
    await helper.goto(f"/shifts/{shift}")
    await send(helper, f"/shifts/{shift}/signup", {})
    await expect(helper.get_by_role("button", name="Cancel my place")).to_be_visible()

    shown = ("Food sorting and packing", "Back hall")
    await answers(helper, f"/shifts/{shift}", *shown, "Bring gloves")
    await answers(helper, "/shifts/mine", "Food sorting and packing")
    await answers(helper, "/shifts", "Food sorting and packing")
    await answers(page, f"/shifts/{shift}/roster", "Ana Lima")
    await answers(page, "/opportunities", "Food sorting and packing")
    await answers(page, f"/programs/{program.id}")
    await feed(helper, settings, helper_feed, "Food sorting and packing", "Back hall", "T093000")

    await send(helper, f"/shifts/{shift}/cancel", {}, "Cancel my place")
    assert (await SignUp.get(shift_id=shift)).status == "cancelled"
    await answers(helper, "/shifts/mine", absent=["Food sorting and packing"])
    await helper.goto(f"/shifts/{shift}")
    await send(helper, f"/shifts/{shift}/signup", {})

    await page.goto(f"/shifts/{shift}/roster")
    await send(page, f"/shifts/{shift}/cancel-shift", {"reason": "The hall is flooded"})

    assert (await Shift.get(id=shift)).status == "cancelled"
    await answers(helper, f"/shifts/{shift}", "Food sorting and packing")
    await answers(page, f"/shifts/{shift}/roster")
    await answers(helper, "/shifts/mine")
    await answers(helper, "/shifts", absent=["Back hall"])
    await answers(page, f"/opportunities/{opportunity}")
    text = await feed(helper, settings, helper_feed)
    assert "Food sorting and packing" not in text or "STATUS:CANCELLED" in text
    await activity_shows(
        new_context,
        "shifts.",
        "shifts.opportunity.updated",
        "shifts.shift.updated",
        "shifts.signup.cancelled",
        "shifts.shift.cancelled",
    )


async def test_series_of_shifts_from_creation_to_cancellation(new_context, settings):
    manager = await make_user("manager", name="Mina Okafor", timezone="Asia/Shanghai")
    program = await make_program(manager=manager, name="Harbour Food Bank")
    volunteer = await make_user("volunteer", name="Ana Lima", timezone="Asia/Shanghai")
    page = await logged_in(new_context, manager.email)
    opportunity = await opportunity_made_through_the_form(page, program.id)
    first = clock.now().date() + timedelta(days=3)

    await page.goto(f"/opportunities/{opportunity}/shifts/new")
    await send(
        page,
        f"/opportunities/{opportunity}/shifts/new",
        {
            "day": first.isoformat(),
            "start": "09:00",
            "end": "12:00",
            "timezone": "Asia/Shanghai",
            "capacity": "5",
            "repeat": "weekly",
            "until": (first + timedelta(weeks=5)).isoformat(),
        },
    )
    shifts = await Shift.filter(opportunity_id=opportunity).order_by("starts_at")
    assert len(shifts) == 6
    helper = await logged_in(new_context, volunteer.email)
    helper_feed = await new_person_feed(helper)
    for shift in (shifts[1], shifts[4]):
        await helper.goto(f"/shifts/{shift.id}")
        await send(helper, f"/shifts/{shift.id}/signup", {})

    # The third and those after it move to the afternoon, in another room.
    await page.goto(f"/shifts/{shifts[2].id}/edit")
    await send(
        page,
        f"/shifts/{shifts[2].id}/edit",
        {"start": "14:00", "end": "17:00", "location": "Annexe", "scope": "following"},
    )
    # Only the second: more places.
    await page.goto(f"/shifts/{shifts[1].id}/edit")
    await send(page, f"/shifts/{shifts[1].id}/edit", {"capacity": "8", "scope": "this"})

    moved = await Shift.filter(opportunity_id=opportunity, location="Annexe").count()
    assert moved == 4
    assert (await Shift.get(id=shifts[1].id)).capacity == 8
    await answers(helper, f"/shifts/{shifts[4].id}", "Annexe")
    await answers(helper, "/shifts/mine", "Food sorting 食物分拣")
    await answers(page, f"/opportunities/{opportunity}", "Food sorting 食物分拣")
    await answers(page, f"/shifts/{shifts[4].id}/roster", "Ana Lima")
    await feed(helper, settings, helper_feed, "Annexe", "T140000")

    await page.goto(f"/shifts/{shifts[4].id}/roster")
    await send(page, f"/shifts/{shifts[4].id}/cancel-shift", {"reason": "Holiday"})

    for shift in shifts:
        await answers(page, f"/shifts/{shift.id}")
        await answers(page, f"/shifts/{shift.id}/roster")
    await answers(helper, "/shifts/mine")
    await answers(page, f"/opportunities/{opportunity}")
    text = await feed(helper, settings, helper_feed)
    assert "STATUS:CANCELLED" in text or text.count("BEGIN:VEVENT") == 1


async def test_sign_up_without_an_account_from_joining_to_cancelling(new_context, settings, inbox):
    manager = await make_user("manager", name="Mina Okafor", timezone="Asia/Shanghai")
    program = await make_program(manager=manager, name="Harbour Food Bank")
    opportunity = await make_opportunity(program=program, manager=manager, title="Food sorting")
    day = clock.now().date() + timedelta(days=5)
    starts = datetime.combine(day, time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    shift = await make_shift(opportunity, starts_at=starts, timezone="Asia/Shanghai", capacity=3)
    visitor = await (await new_context()).new_page()

    await visitor.goto(f"/shifts/{shift.id}")
    await send(
        visitor, f"/shifts/{shift.id}/join", {"name": "Ana Lima", "email": "ana@example.org"}
    )
    await expect(visitor.get_by_role("status")).to_be_visible()
    await eventually(lambda: Notification.filter(to_address="ana@example.org").exists())
    await dispatch_due(settings)  # the outbox job, as it runs every minute

    (welcome,) = inbox.to("ana@example.org")
    # Someone without a profile zone reads the shift's own time, and which zone it is in.
    assert "9:00" in welcome.text, welcome.text
    assert "China Standard Time" in welcome.text, welcome.text
    link = re.search(r"/invite/[\w-]+", welcome.text)
    assert link, welcome.text
    page = await logged_in(new_context, manager.email)
    await answers(page, f"/shifts/{shift.id}/roster", "Ana Lima")
    await answers(visitor, f"/shifts/{shift.id}", "Food sorting")

    await visitor.goto(link.group(0))
    await send(visitor, "", {"password": "a new password 1"}, "Set password and log in")
    await answers(visitor, "/shifts/mine", "Food sorting")
    await visitor.goto(f"/shifts/{shift.id}")
    await send(visitor, f"/shifts/{shift.id}/cancel", {}, "Cancel my place")

    assert (await SignUp.get(shift_id=shift.id)).status == "cancelled"
    await answers(visitor, "/shifts/mine", absent=["Food sorting"])
    await answers(page, f"/shifts/{shift.id}/roster")
    await answers(visitor, f"/shifts/{shift.id}", "Food sorting")
