"""The whole life of a meeting, a series and its occurrences, and a poll, through the forms in
Chromium: booked, changed field by field, seen on the calendar, by the invitees and in their
calendar feeds, then cancelled, with every page still answering."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from opsuite import clock
from opsuite.meetings.models import Attendee, Meeting, Poll
from tests.browser.lifecycle import activity_shows, answers, feed, logged_in, new_person_feed, send
from tests.factories.auth import make_user

pytestmark = pytest.mark.browser

CALENDAR_VIEWS = ("/meetings", "/meetings?view=day", "/meetings?view=week", "/meetings?view=month")


def meeting_id(page: Page) -> int:
    match = re.search(r"/meetings/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def in_a_week() -> str:
    return (clock.now() + timedelta(days=7)).date().isoformat()


async def calendars_show(page: Page, day: str, *shown: str, absent: tuple[str, ...] = ()) -> None:
    for url in CALENDAR_VIEWS:
        joiner = "&" if "?" in url else "?"
        await answers(page, f"{url}{joiner}date={day}", *shown, absent=absent)


async def test_meeting_from_booking_to_cancellation(new_context, settings):
    organiser = await make_user("staff", name="Mina Okafor", timezone="Europe/London")
    guest = await make_user("staff", name="Tariq Aziz", timezone="Asia/Shanghai")
    extra = await make_user("volunteer", name="Ana Lima", timezone="America/New_York")
    page = await logged_in(new_context, organiser.email)
    organiser_feed = await new_person_feed(page)
    guest_page = await logged_in(new_context, guest.email)
    guest_feed = await new_person_feed(guest_page)
    day = in_a_week()

    await page.goto("/meetings/new")
    await send(
        page,
        "",
        {
            "title": "Budget review",
            "date": day,
            "start_time": "10:00",
            "end_time": "11:00",
            "timezone": "Europe/London",
            "mode": "in_person",
            "location": "Room 1",
            "required": ["Tariq Aziz"],
        },
        "Save and send invitations",
    )
    meeting = meeting_id(page)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Budget review")
    await feed(guest_page, settings, guest_feed, "Budget review", "Room 1")

    # Each field kind once: text, date and times, a choice, text areas, several choices.
    edits = [
        {"title": "Budget review Q3"},
        {"start_time": "14:00", "end_time": "15:30"},
        {"mode": "hybrid", "video_url": "https://meet.example.org/budget"},
        {"agenda": "1. Forecast\n2. Grants", "description": "Bring the spreadsheets"},
        {"optional": ["Ana Lima"]},
    ]
    for values in edits:
        await page.goto(f"/meetings/{meeting}/edit")
        await send(page, "", values, "Save and send invitations")
        await answers(page, f"/meetings/{meeting}")

    await guest_page.goto(f"/meetings/{meeting}")
    async with guest_page.expect_navigation():
        await guest_page.get_by_role("button", name="Maybe").click()

    shown = ("Budget review Q3", "https://meet.example.org/budget", "Bring the spreadsheets")
    await answers(page, f"/meetings/{meeting}", *shown, "2. Grants", "Ana Lima", "Maybe")
    await calendars_show(page, day, "Budget review Q3")
    await calendars_show(guest_page, day, "Budget review Q3")
    extra_page = await logged_in(new_context, extra.email)
    await answers(extra_page, f"/meetings/{meeting}", "Budget review Q3")
    # 14:00 in London on that day.
    stamp = day.replace("-", "")
    for who, path in ((page, organiser_feed), (guest_page, guest_feed)):
        await feed(
            who,
            settings,
            path,
            "SUMMARY:Budget review Q3",
            "https://meet.example.org/budget",
            stamp,
        )
    # The organiser, the guest and the optional guest.
    assert await Attendee.filter(meeting_id=meeting).count() == 3

    await page.goto(f"/meetings/{meeting}")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Cancel meeting").click()

    assert (await Meeting.get(id=meeting)).status == "cancelled"
    await answers(page, f"/meetings/{meeting}", "Budget review Q3")
    await answers(guest_page, f"/meetings/{meeting}", "Budget review Q3")
    await calendars_show(page, day, absent=("Budget review Q3",))
    await calendars_show(guest_page, day, absent=("Budget review Q3",))
    for who, path in ((page, organiser_feed), (guest_page, guest_feed)):
        text = await feed(who, settings, path)
        assert "Budget review Q3" not in text or "STATUS:CANCELLED" in text
    await activity_shows(
        new_context,
        "meetings.",
        "meetings.meeting.created",
        "meetings.meeting.changed",
        "meetings.meeting.cancelled",
    )


async def test_series_and_its_occurrences_from_booking_to_cancellation(new_context, settings):
    organiser = await make_user("manager", name="Mina Okafor", timezone="Europe/London")
    guest = await make_user("staff", name="Tariq Aziz", timezone="America/New_York")
    page = await logged_in(new_context, organiser.email)
    guest_page = await logged_in(new_context, guest.email)
    guest_feed = await new_person_feed(guest_page)
    day = in_a_week()

    await page.goto("/meetings/new")
    await send(
        page,
        "",
        {
            "title": "Weekly check-in",
            "date": day,
            "start_time": "15:00",
            "end_time": "15:45",
            "timezone": "Europe/London",
            "mode": "online",
            "video_url": "https://meet.example.org/weekly",
            "required": ["Tariq Aziz"],
            "repeat": "weekly",
            "repeat_count": "6",
        },
        "Save and send invitations",
    )
    series = meeting_id(page)
    await feed(guest_page, settings, guest_feed, "Weekly check-in", "RRULE:FREQ=WEEKLY")

    # This one occurrence: a new title and time.
    async with page.expect_navigation():
        await page.get_by_role("link", name="Change this one").nth(1).click()
    await send(
        page,
        "",
        {"title": "Check-in with guests", "start_time": "16:00", "end_time": "17:00"},
        "Save",
    )
    # Skip the third date.
    await page.goto(f"/meetings/{series}")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Skip this date").nth(2).click()
    # From the fifth on: a new time.
    await page.goto(f"/meetings/{series}")
    async with page.expect_navigation():
        await page.get_by_role("link", name="Change this and following").nth(4).click()
    await send(page, "", {"start_time": "09:00", "end_time": "09:45"}, "Save")
    following = meeting_id(page)

    await answers(page, f"/meetings/{series}", "Weekly check-in", "changed")
    await answers(page, f"/meetings/{following}", "Weekly check-in")
    await calendars_show(page, day, "Weekly check-in")
    second = (clock.now() + timedelta(days=14)).date().isoformat()
    await calendars_show(guest_page, second, "Check-in with guests")
    text = await feed(
        guest_page, settings, guest_feed, "Check-in with guests", "RECURRENCE-ID", "EXDATE"
    )
    assert text.count("BEGIN:VEVENT") >= 3  # the series, its changed occurrence, what follows

    for meeting in (following, series):
        await page.goto(f"/meetings/{meeting}")
        async with page.expect_navigation():
            await page.get_by_role("button", name="Cancel meeting").click()

    assert await Meeting.filter(status="cancelled").count() == 2
    for meeting in (series, following):
        await answers(page, f"/meetings/{meeting}")
        await answers(guest_page, f"/meetings/{meeting}")
    await calendars_show(page, second, absent=("Check-in with guests", "Weekly check-in"))
    text = await feed(guest_page, settings, guest_feed)
    assert "Weekly check-in" not in text or "STATUS:CANCELLED" in text


async def test_poll_from_find_a_time_to_booked_meeting(new_context, settings):
    organiser = await make_user("staff", name="Mina Okafor", timezone="Europe/London")
    guest = await make_user("staff", name="Tariq Aziz", timezone="Europe/London")
    page = await logged_in(new_context, organiser.email)
    start = (clock.now() + timedelta(days=3)).date()

    await page.goto(
        f"/meetings/find?required={guest.id}&duration=60"
        f"&from_date={start.isoformat()}&to_date={(start + timedelta(days=4)).isoformat()}"
    )
    await send(
        page,
        "/meetings/polls",
        # In person, so no video link: the poll asks how people meet.
        {"title": "Planning day", "mode": "in_person", "location": "Room 2"},
        "Send the chosen times as a poll",
    )
    poll = await Poll.get(title="Planning day")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Planning day")

    guest_page = await logged_in(new_context, guest.email)
    await guest_page.goto(f"/meetings/polls/{poll.id}")
    radios = guest_page.locator('input[type="radio"][value="yes"]')
    for n in range(await radios.count()):
        await radios.nth(n).check()
    async with guest_page.expect_navigation():
        await guest_page.get_by_role("button", name="Save my answers").click()
    await answers(page, f"/meetings/polls/{poll.id}", "Planning day")

    await page.goto(f"/meetings/polls/{poll.id}")
    await send(page, f"/meetings/polls/{poll.id}/decide", {}, "Book this time")
    booked = meeting_id(page)

    assert (await Meeting.get(id=booked)).title == "Planning day"
    await answers(page, f"/meetings/{booked}", "Planning day", "Tariq Aziz")
    await answers(guest_page, f"/meetings/{booked}", "Planning day")
    await answers(guest_page, f"/meetings/polls/{poll.id}", "Planning day")
    await answers(page, "/meetings?view=agenda", "Planning day")
    guest_feed = await new_person_feed(guest_page)
    await feed(guest_page, settings, guest_feed, "Planning day", "LOCATION:Room 2")
