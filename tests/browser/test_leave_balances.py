"""A staff member checks what a week of leave leaves of their balance (an office holiday in it
is not counted), sends the request, sees the balance go down and a request past it refused;
the approver sees what it leaves, who else is off and the team's cover on each day, and
approves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from opsuite import clock
from opsuite.schedules.models import Holiday, TimeOff
from tests.browser.lifecycle import logged_in, send
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import (
    make_arrangement,
    make_leave,
    make_office,
    make_policy,
    weekday_blocks,
)

pytestmark = pytest.mark.browser


def next_tuesday() -> date:
    """A Tuesday a week or more ahead with two weeks after it in the same year."""
    today = clock.now().date()
    tuesday = today + timedelta(days=8 - today.weekday())
    while (tuesday + timedelta(days=14)).year != tuesday.year:
        tuesday += timedelta(days=7)
    return tuesday


async def test_requesting_leave_shows_the_balance_and_the_approver_sees_the_cover(
    new_context, settings
):
    tuesday = next_tuesday()
    year = tuesday.year
    office = await make_office(name="Harbour Office")
    await Holiday.create(office=office, date=tuesday + timedelta(days=2), name="Harbour Day")
    await make_policy(days_per_year="10", first_year=year)  # vacation: limited
    mina = await make_user("manager", name="Mina Okafor")
    sam = await make_user("staff", name="Sam Carter")
    ana = await make_user("staff", name="Ana Lima")
    bo = await make_user("staff", name="Bo Wen")
    await make_team(manager=mina, members=[sam, ana, bo], name="Harbour team")
    first_of_year = date(year, 1, 1)
    await make_arrangement(sam, actor=mina, office=office, valid_from=first_of_year)
    monday_to_wednesday = weekday_blocks(days=(0, 1, 2), office_id=office.id)
    await make_arrangement(
        ana, actor=mina, office=office, valid_from=first_of_year, blocks=monday_to_wednesday
    )
    await make_arrangement(bo, actor=mina, office=office, valid_from=first_of_year)
    await make_leave(bo, tuesday + timedelta(days=1), settings=settings, approved_by=mina)

    page = await logged_in(new_context, sam.email)
    await page.goto("/schedule/leave")
    await expect(page.locator("#left-vacation")).to_have_text(
        f"Vacation: 10 of 10 days left in {year}."
    )
    week = {
        "kind": "vacation",
        "start_date": tuesday.isoformat(),
        "end_date": (tuesday + timedelta(days=3)).isoformat(),
    }
    # Tuesday to Friday with the holiday on Thursday: three days.
    await send(page, "/schedule/leave", week, "Check my balance first")
    check = page.locator("#leave-check")
    await expect(check).to_contain_text(
        f"It takes 3 days: 7 of 10 days of vacation left in {year} after it."
    )
    await expect(check).to_contain_text("Nothing is sent yet.")
    assert await TimeOff.filter(user_id=sam.id).count() == 0

    await send(page, "/schedule/leave", week, "Send request")
    await expect(page.locator(".flash-success")).to_contain_text(
        f"It takes 3 days: 7 of 10 days of vacation left in {year} after it."
    )
    await expect(page.locator("#left-vacation")).to_have_text(
        f"Vacation: 7 of 10 days left in {year}."
    )

    # Two weeks (ten days without the holiday) are more than is left: refused next to the
    # last day, nothing saved.
    longer = {**week, "end_date": (tuesday + timedelta(days=14)).isoformat()}
    await send(page, "/schedule/leave", longer, "Send request")
    await expect(page.locator("#e-end_date")).to_contain_text("but only 7 of 10 days are left")
    assert await TimeOff.filter(user_id=sam.id).count() == 1

    boss = await logged_in(new_context, mina.email)
    await boss.goto("/schedule/approvals")
    await expect(boss.locator(".balance-line")).to_have_text(
        f"It takes 3 days: 7 of 10 days of vacation left in {year} after it."
    )
    async with boss.expect_navigation():
        await boss.get_by_role("link", name="Balance and who else is off").click()
    cover = boss.locator("section.cover")
    rows = cover.locator("tbody tr")
    assert await rows.count() == 3  # Tuesday, Wednesday and Friday; Thursday is the holiday
    await expect(rows.nth(0)).to_contain_text("2 of 3 people in the team working")  # Ana, Bo
    await expect(rows.nth(1)).to_contain_text("1 of 3 people in the team working")  # Ana
    await expect(rows.nth(2)).to_contain_text("1 of 3 people in the team working")  # Bo
    await expect(cover).to_contain_text("Bo Wen: Vacation")
    await expect(boss.locator("#balance")).to_contain_text("7 of 10 days")

    leave = await TimeOff.get(user_id=sam.id)
    await send(boss, f"/schedule/approvals/leave/{leave.id}", {}, "Approve")
    await expect(boss.locator(".flash-success")).to_contain_text(
        "The leave of Sam Carter is approved."
    )
    assert (await TimeOff.get(id=leave.id)).status == "approved"
