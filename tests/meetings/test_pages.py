import re
from datetime import UTC, datetime, timedelta

from opsuite.meetings.models import Attendee, Meeting
from opsuite.notify.service import dispatch_due
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_team

START = datetime(2026, 3, 10, 10, tzinfo=UTC)


async def test_rsvp_by_the_signed_link_in_the_email(client, settings, inbox, frozen_clock):
    organizer = await make_user("staff")
    guest = await make_user("volunteer", email="guest@example.org")
    meeting = await make_meeting(
        settings=settings, organizer=organizer, starts_at=START, attendees=[guest]
    )
    await dispatch_due(settings)
    [invite] = inbox.to("guest@example.org")
    link = re.search(r"http://testserver(/meetings/rsvp/\S+)", invite.text).group(1)
    page = await client.get(link)
    assert page.status_code == 200
    assert "No answer yet" in page.text
    answered = await client.post(link, data={"response": "tentative"})
    assert answered.status_code == 200
    assert "your answer is saved: Maybe" in answered.text
    row = await Attendee.get(meeting_id=meeting.id, user_id=guest.id)
    assert row.response == "tentative"
    # A tampered link is refused and changes nothing.
    forged = link[:-4] + "0000"
    assert (await client.post(forged, data={"response": "declined"})).status_code == 404
    other = link.replace(f"/{guest.id}/", f"/{organizer.id}/")
    assert (await client.post(other, data={"response": "declined"})).status_code == 404
    assert (await Attendee.get(meeting_id=meeting.id, user_id=guest.id)).response == "tentative"

    # The organizer sees the answer on the meeting page.
    await log_in(client, organizer.email)
    detail = await client.get(f"/meetings/{meeting.id}")
    assert "Maybe" in detail.text


async def test_create_form_shows_conflicts_before_saving(client, settings, frozen_clock):
    organizer = await make_user("staff", timezone="Europe/London")
    busy = await make_user("staff", name="Busy Bee", timezone="Europe/London")
    await make_meeting(
        settings=settings,
        organizer=busy,
        starts_at=START,
        title="Board call",
        visibility="organisation",  # a title the organiser may see (else only "Busy")
    )
    await log_in(client, organizer.email)
    form = {
        "title": "Planning",
        "date": "2026-03-10",
        "start_time": "10:00",
        "end_time": "11:00",
        "timezone": "Europe/London",
        "mode": "in_person",
        "location": "Room 2",
        "required": [str(busy.id)],
        "action": "save",
    }
    shown = await post_form(client, "/meetings/new", form)
    assert shown.status_code == 200
    assert "Conflicts" in shown.text
    assert "Board call" in shown.text
    assert await Meeting.filter(title="Planning").count() == 0
    saved = await post_form(client, "/meetings/new", {**form, "action": "save_anyway"})
    assert saved.status_code == 303
    meeting = await Meeting.get(title="Planning")
    assert saved.headers["location"] == f"/meetings/{meeting.id}"


async def test_bad_input_is_shown_by_the_field_and_nothing_is_saved(client, frozen_clock):
    organizer = await make_user("staff")
    await log_in(client, organizer.email)
    response = await post_form(
        client,
        "/meetings/new",
        {
            "title": "Broken",
            "date": "2026-03-10",
            "start_time": "11:00",
            "end_time": "10:00",
            "timezone": "Europe/London",
            "mode": "online",
            "video_url": "ftp://example.org/room",
            "repeat": "custom",
            "rrule": "FREQ=HOURLY",
            "required": ["999999"],
        },
    )
    assert response.status_code == 400
    assert "ftp://example.org/room" in response.text  # what was typed is kept
    assert "Choose from the list." in response.text  # unknown attendee
    assert await Meeting.all().count() == 0
    response = await post_form(
        client,
        "/meetings/new",
        {
            "title": "Broken",
            "date": "2026-03-10",
            "start_time": "11:00",
            "end_time": "10:00",
            "timezone": "Europe/London",
            "mode": "online",
            "video_url": "javascript:alert(1)",
            "repeat": "custom",
            "rrule": "FREQ=HOURLY",
        },
    )
    assert response.status_code == 400
    assert "must end after it starts" in response.text
    assert "http:// or https://" in response.text
    assert await Meeting.all().count() == 0


async def test_calendar_views_list_occurrences_in_the_viewers_zone(client, settings, frozen_clock):
    viewer = await make_user("staff", timezone="Asia/Shanghai")
    await make_meeting(
        settings=settings,
        organizer=viewer,
        starts_at=START,
        title="Weekly sync",
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    await log_in(client, viewer.email)
    for view in ("agenda", "day", "week", "month"):
        page = await client.get(f"/meetings?view={view}&date=2026-03-10")
        assert page.status_code == 200, view
        assert "Weekly sync" in page.text, view
        assert "Asia/Shanghai" in page.text
    agenda = await client.get("/meetings?view=agenda&date=2026-03-09")
    assert agenda.text.count("Weekly sync") == 3
    assert "6:00" in agenda.text  # 10:00 UTC is 18:00 in Shanghai
    assert (await client.get("/meetings?view=year")).status_code == 400
    assert (await client.get("/meetings?date=tomorrow")).status_code == 400


async def test_team_calendar_and_volunteer_privacy(client, settings, frozen_clock):
    manager = await make_user("manager")
    member = await make_user("staff")
    volunteer = await make_user("volunteer")
    team = await make_team(manager=manager, members=[member])
    meeting = await make_meeting(
        settings=settings, organizer=member, starts_at=START, title="Team retro"
    )
    await log_in(client, manager.email)
    page = await client.get(f"/meetings?team={team.id}&date=2026-03-09")
    assert "Team retro" in page.text
    client.cookies.clear()
    await log_in(client, volunteer.email)
    assert (await client.get(f"/meetings/{meeting.id}")).status_code == 404


async def test_a_past_occurrence_cannot_be_edited_on_the_page(client, settings, frozen_clock):
    organizer = await make_user("staff")
    meeting = await make_meeting(
        settings=settings,
        organizer=organizer,
        starts_at=START - timedelta(weeks=3),
        rrule="FREQ=WEEKLY",
    )
    await log_in(client, organizer.email)
    past = (START - timedelta(weeks=2)).strftime("%Y%m%dT%H%M%SZ")
    response = await post_form(
        client,
        f"/meetings/{meeting.id}/skip",
        {"occurrence": past},
        from_page=f"/meetings/{meeting.id}",
    )
    assert response.status_code == 400
    await meeting.refresh_from_db()
    assert meeting.exdates == []


async def test_find_a_time_page_and_poll_to_meeting(client, settings, inbox, frozen_clock):
    organizer = await make_user("staff", timezone="Europe/London")
    guest = await make_user("volunteer", email="voter@example.org", timezone="America/New_York")
    await log_in(client, organizer.email)
    found = await client.get(
        "/meetings/find",
        params={
            "required": [str(organizer.id), str(guest.id)],
            "duration": "60",
            "from_date": "2026-03-10",
            "to_date": "2026-03-10",
        },
    )
    assert found.status_code == 200
    assert "Best times" in found.text
    slots = re.findall(r'name="slot" value="([^"]+)"', found.text)
    assert slots
    sent = await post_form(
        client,
        "/meetings/polls",
        {
            "slot": slots[:2],
            "required": [str(guest.id)],
            "title": "Kick-off",
            "mode": "online",
            "video_url": "https://video.example.org/kickoff",
        },
        from_page="/meetings/find",
    )
    assert sent.status_code == 303
    poll_url = sent.headers["location"]
    await dispatch_due(settings)
    [mail] = inbox.to("voter@example.org")
    assert "Kick-off" in mail.subject
    client.cookies.clear()
    await log_in(client, guest.email)
    page = await client.get(poll_url)
    assert page.status_code == 200
    slot_ids = re.findall(r'name="slot_(\d+)" value="yes"', page.text)
    voted = await post_form(
        client, poll_url, {f"slot_{slot_ids[1]}": "yes", f"slot_{slot_ids[0]}": "no"}
    )
    assert voted.status_code == 303
    client.cookies.clear()
    await log_in(client, organizer.email)
    booked = await post_form(
        client, f"{poll_url}/decide", {"slot": slot_ids[1]}, from_page=poll_url
    )
    assert booked.status_code == 303
    meeting = await Meeting.get(title="Kick-off")
    assert await Attendee.filter(meeting_id=meeting.id).count() == 2
    await dispatch_due(settings)
    assert [m.subject for m in inbox.to("voter@example.org")][-1] == "Invitation: Kick-off"


async def test_the_month_grid_marks_today_also_when_a_day_is_chosen(client, frozen_clock):
    from zoneinfo import ZoneInfo

    from opsuite import clock

    person = await make_user("staff", timezone="Asia/Shanghai")
    await log_in(client, person.email)
    today = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    other = today.replace(day=28 if today.day < 20 else 2)  # the same month, not today

    for query in ("view=month", f"view=month&date={other.isoformat()}"):
        page = (await client.get(f"/meetings?{query}")).text
        marked = re.findall(r'aria-current="date" data-day="([\d-]+)"', page)
        assert marked == [today.isoformat()], (query, marked)
