"""Handing a shift to a named person in Chromium: the giver chooses a volunteer by name on the
shift's page, the person offered it takes it from My shifts in their own browser (and, when the
program asks for approval, the coordinator approves it on the roster); both are emailed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import expect

from opsuite import clock
from opsuite.notify.service import dispatch_due
from opsuite.shifts import service
from opsuite.shifts.models import SignUp
from tests.browser.lifecycle import logged_in, send
from tests.factories.auth import make_user
from tests.factories.shifts import make_opportunity, make_shift, manager_of

pytestmark = pytest.mark.browser


async def a_shift_ana_holds(settings, *, approve: bool):
    opportunity = await make_opportunity(title="Food sorting")
    manager = await manager_of(opportunity)
    await service.set_policy(
        manager, opportunity.program_id, auto_promote=False, offer_hours=12,
        approve_transfers=approve,
    )  # fmt: skip
    start = (clock.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    shift = await make_shift(opportunity, starts_at=start, capacity=1)
    earlier = await make_shift(opportunity, starts_at=start + timedelta(days=2))
    ana = await make_user("volunteer", name="Ana Lima")
    ben = await make_user("volunteer", name="Ben Okoro")
    await service.sign_up(ben, earlier.id, settings=settings)  # Ben volunteers in the program
    await service.sign_up(ana, shift.id, settings=settings)
    return shift, manager, ana, ben


async def ana_offers_her_place_to_ben(new_context, shift, ana):
    page = await logged_in(new_context, ana.email)
    await page.goto(f"/shifts/{shift.id}")
    await expect(page.get_by_role("heading", name="Hand my place to someone")).to_be_visible()
    options = await page.get_by_label("Volunteer").locator("option").all_inner_texts()
    assert [o for o in options if o.strip()] == ["Ben Okoro"]  # names only, no addresses
    await send(page, f"/shifts/{shift.id}/handover", {"recipient_id": "Ben Okoro"})
    await expect(page.get_by_text("Your place is offered to Ben Okoro.")).to_be_visible()
    return page


async def test_ana_hands_her_shift_to_ben_who_takes_it(new_context, settings, inbox):
    shift, _manager, ana, ben = await a_shift_ana_holds(settings, approve=False)
    ana_page = await ana_offers_her_place_to_ben(new_context, shift, ana)
    await dispatch_due(settings)  # the outbox job, as it runs every minute
    [offer] = [m for m in inbox.to(ben.email) if "Ana Lima offers you their place" in m.subject]
    assert f"/shifts/{shift.id}" in offer.text

    ben_page = await logged_in(new_context, ben.email)
    await ben_page.goto("/shifts/mine")
    offers = ben_page.locator("li", has_text="Ana Lima offers you their place on this shift.")
    await expect(offers).to_be_visible()
    async with ben_page.expect_navigation():
        await offers.get_by_role("button", name="Take the place").click()

    await expect(ben_page.get_by_text("The place is yours.")).to_be_visible()
    await expect(ben_page.locator("table").first).to_contain_text("Food sorting")
    await ana_page.reload()
    await expect(ana_page.get_by_role("button", name="Join the waitlist")).to_be_visible()  # full
    holders = await SignUp.filter(shift_id=shift.id, status="confirmed").values_list(
        "volunteer_id", flat=True
    )
    assert list(holders) == [ben.id]
    await dispatch_due(settings)
    [confirmed] = [m for m in inbox.to(ben.email) if "took over the place of" in m.text]
    assert "BEGIN:VCALENDAR" in confirmed.part("text/calendar")
    assert [m for m in inbox.to(ana.email) if "Ben Okoro takes over from Ana Lima" in m.subject]


async def test_the_coordinator_approves_a_hand_over_on_the_roster(new_context, settings, inbox):
    shift, manager, ana, ben = await a_shift_ana_holds(settings, approve=True)
    await ana_offers_her_place_to_ben(new_context, shift, ana)
    ben_page = await logged_in(new_context, ben.email)
    await ben_page.goto(f"/shifts/{shift.id}")
    await send(ben_page, f"/shifts/{shift.id}/handover", {}, button="Take the place")
    await expect(ben_page.get_by_text("A coordinator approves the hand-over first")).to_be_visible()
    await dispatch_due(settings)
    assert [m for m in inbox.to(manager.email) if "Approval needed" in m.subject]

    boss = await logged_in(new_context, manager.email)
    await boss.goto(f"/shifts/{shift.id}/roster")
    waiting = boss.locator("li", has_text="Ben Okoro would take over the place of Ana Lima")
    async with boss.expect_navigation():
        await waiting.get_by_role("button", name="Approve").click()

    await expect(boss.get_by_text("Approved: the place has changed hands")).to_be_visible()
    await expect(boss.locator("table").first).to_contain_text("Ben Okoro")
    await dispatch_due(settings)
    assert [m for m in inbox.to(ben.email) if "took over the place of Ana Lima" in m.text]
