"""What a person notices of the visual language (#16): on a phone the header is one short row and
its menu opens on a tap, no main page scrolls sideways in either language, the dashboard's cards
sit side by side on a wide screen and the month calendar is a grid with a row of weekday names."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from opsuite import clock
from opsuite.auth.models import User
from tests.browser.conftest import ARTIFACTS, NewContext
from tests.factories.auth import PASSWORD, make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement
from tests.factories.tasks import make_board, make_task

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def tomorrow_at_ten(zone: str) -> datetime:
    day = clock.now().astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=ZoneInfo(zone))


async def manager_with_things(settings, locale: str = "en") -> tuple[User, int]:
    """A manager with a team (one member on an arrangement), a board with tasks and a meeting
    this week; returns the manager and the board's id."""
    manager = await make_user(
        "manager", name="王芳 Wang Fang", locale=locale, timezone="Asia/Shanghai"
    )
    member = await make_user("staff", name="Sarah Thompson", timezone="Europe/London")
    await make_team(manager=manager, members=[member], name="Field Services")
    await make_arrangement(member)
    board = await make_board(manager=manager, members=[member], name="Winter appeal 冬季募捐")
    for title in ("Print the appeal flyers 印刷募捐传单", "Book the community hall"):
        await make_task(
            board,
            settings=settings,
            title=title,
            assignees=[member],
            due_date=clock.now().date() + timedelta(days=3),
        )
    await make_meeting(
        settings=settings,
        organizer=manager,
        starts_at=tomorrow_at_ten(manager.timezone),
        title="Office weekly planning 办公室周会",
    )
    return manager, board.id


async def logged_in(new_context: NewContext, person: User, **options) -> Page:
    """A page logged in as ``person`` by the form's field ids (the labels may be in Chinese)."""
    page = await (await new_context(**options)).new_page()
    await page.goto("/login")
    await page.locator("#f-email").fill(person.email)
    await page.locator("#f-password").fill(PASSWORD)
    async with page.expect_navigation():
        await page.locator("form[action='/login'] button[type=submit]").click()
    return page


async def test_phone_header_is_short_and_its_menu_opens_on_a_tap(new_context, settings):
    manager, _ = await manager_with_things(settings)
    page = await logged_in(new_context, manager, viewport=PHONE, is_mobile=True, has_touch=True)
    navigation = page.get_by_role("navigation", name="Main")

    header = await page.locator("header.top").bounding_box()
    assert header is not None
    assert header["height"] < 0.25 * PHONE["height"], header
    await expect(navigation.get_by_role("link", name="Boards")).to_be_hidden()

    await page.get_by_text("Menu", exact=True).tap()

    await expect(navigation.get_by_role("link", name="Boards")).to_be_visible()
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "design-phone-menu-open.png")
    async with page.expect_navigation():
        await navigation.get_by_role("link", name="Boards").tap()
    assert page.url.endswith("/boards")


async def test_wide_screen_shows_the_menu_without_a_button(new_context, settings):
    manager, _ = await manager_with_things(settings)
    page = await logged_in(new_context, manager, viewport=WIDE)

    navigation = page.get_by_role("navigation", name="Main")
    await expect(navigation.get_by_role("link", name="Boards")).to_be_visible()
    await expect(page.get_by_text("Menu", exact=True)).to_be_hidden()


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_no_main_page_scrolls_sideways_on_a_phone(new_context, settings, locale):
    manager, board_id = await manager_with_things(settings, locale)
    page = await logged_in(new_context, manager, viewport=PHONE, is_mobile=True)
    ARTIFACTS.mkdir(exist_ok=True)
    wide: dict[str, int] = {}
    for name, path in (
        ("home", "/"),
        ("board", f"/boards/{board_id}"),
        ("month", "/meetings?view=month"),
        ("team", "/schedule/team"),
    ):
        response = await page.goto(path)
        assert response is not None
        assert response.status == 200, path
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
        await page.screenshot(path=ARTIFACTS / f"design-{name}-{locale}-390.png", full_page=True)
    assert not wide, wide


async def test_dashboard_cards_sit_side_by_side_on_a_wide_screen(new_context, settings):
    manager, _ = await manager_with_things(settings)
    page = await logged_in(new_context, manager, viewport=WIDE)

    cards = page.locator("div.cards > section.card")
    boxes = [await cards.nth(i).bounding_box() for i in range(await cards.count())]

    assert len(boxes) >= 3
    first, second = boxes[0], boxes[1]
    assert first is not None
    assert second is not None
    assert abs(first["y"] - second["y"]) < 1  # the same row
    assert second["x"] >= first["x"] + first["width"]  # side by side, not overlapping


async def test_dashboard_cards_stack_on_a_phone(new_context, settings):
    manager, _ = await manager_with_things(settings)
    page = await logged_in(new_context, manager, viewport=PHONE)

    cards = page.locator("div.cards > section.card")
    boxes = [await cards.nth(i).bounding_box() for i in range(await cards.count())]

    assert len(boxes) >= 2
    for above, below in pairwise(boxes):
        assert above is not None
        assert below is not None
        assert below["y"] >= above["y"] + above["height"]  # one column


@pytest.mark.parametrize(
    ("locale", "monday", "sunday"), [("en", "Mon", "Sun"), ("zh_Hans", "周一", "周日")]
)
async def test_month_calendar_is_a_grid_under_seven_weekday_names(
    new_context, settings, locale, monday, sunday
):
    manager, _ = await manager_with_things(settings, locale)
    page = await logged_in(new_context, manager, viewport=WIDE)

    await page.goto("/meetings?view=month")

    headers = page.locator("table.calendar thead th")
    await expect(headers).to_have_count(7)
    await expect(headers.first).to_have_text(monday)
    await expect(headers.last).to_have_text(sunday)
    today = page.locator("table.calendar td[aria-current=date]")
    await expect(today).to_have_count(1)
    local_today = clock.now().astimezone(ZoneInfo(manager.timezone)).date()
    await expect(today.locator(".daynum")).to_have_text(str(local_today.day))
    # A cell shows its day's number, not a whole date; an event is a chip with its time.
    tomorrow = local_today + timedelta(days=1)
    await page.goto(f"/meetings?view=month&date={tomorrow.isoformat()}")
    cell = page.locator("table.calendar td", has=page.locator(f"a[href*='date={tomorrow}']"))
    await expect(cell.locator(".daynum")).to_have_text(str(tomorrow.day))
    chip = cell.locator("a.event", has_text="Office weekly planning")
    await expect(chip).to_have_count(1)
    # The locale's short time, without seconds: 10:00 AM, 10:00.
    assert re.fullmatch(r"\d{1,2}:\d\d(\s[AP]M)?", await chip.locator("time").inner_text())


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
async def test_no_page_of_the_menu_scrolls_sideways_on_a_phone(new_context, settings, locale):
    admin = await make_user("admin", name="Aisha Bello", locale=locale)
    await manager_with_things(settings, locale)
    page = await logged_in(new_context, admin, viewport=PHONE, is_mobile=True)
    links = page.locator("nav[aria-label] a[href^='/']")
    paths = [await links.nth(i).get_attribute("href") for i in range(await links.count())]
    assert len(paths) > 10
    wide: dict[str, int] = {}
    for path in paths:
        assert path is not None
        response = await page.goto(path)
        assert response is not None
        assert response.status == 200, path
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert not wide, wide


async def test_week_view_places_meetings_on_a_time_axis(new_context, settings):
    manager, _ = await manager_with_things(settings)  # "Office weekly planning" 10:00-11:00
    ten = tomorrow_at_ten(manager.timezone)
    later = (("Partner call", ten + timedelta(minutes=30)), ("Budget", ten.replace(hour=14)))
    for title, start in later:
        await make_meeting(settings=settings, organizer=manager, starts_at=start, title=title)
    page = await logged_in(new_context, manager, viewport=WIDE)

    await page.goto(f"/meetings?view=week&date={ten.date().isoformat()}")

    def box(title: str):
        return page.locator(".timeline .slot", has_text=title).bounding_box()

    planning, partner = await box("Office weekly"), await box("Partner")
    budget = await box("Budget")
    assert planning is not None
    assert partner is not None
    assert budget is not None
    # Four hours lower is four of the one-hour meeting's heights lower.
    assert budget["y"] - planning["y"] == pytest.approx(4 * planning["height"], rel=0.05)
    # Meetings at the same time stand side by side, the later one a little lower.
    assert partner["x"] >= planning["x"] + planning["width"] - 1
    assert partner["y"] == pytest.approx(planning["y"] + planning["height"] / 2, abs=2)


async def test_phone_menu_opens_without_javascript(new_context, settings):
    manager, _ = await manager_with_things(settings)
    page = await logged_in(new_context, manager, viewport=PHONE, java_script_enabled=False)
    navigation = page.get_by_role("navigation", name="Main")
    await expect(navigation.get_by_role("link", name="Boards")).to_be_hidden()

    await page.get_by_text("Menu", exact=True).click()

    await expect(navigation.get_by_role("link", name="Boards")).to_be_visible()
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()
