"""Who sees a meeting's details; everyone else sees only "busy" (issue #15, defect 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opsuite.auth.models import User
from opsuite.meetings import availability
from opsuite.meetings.models import Meeting
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_team

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


async def world(settings) -> dict[str, object]:
    office_manager = await make_user("manager", name="Office Manager")
    hr = await make_user("staff", name="HR Officer")
    colleague = await make_user("staff", name="Office Colleague")
    invitee = await make_user("staff", name="Field Worker")
    stranger = await make_user("staff", name="Remote Worker")
    other_manager = await make_user("manager", name="Remote Manager")
    office = await make_team(manager=office_manager, members=[hr, colleague], name="Office")
    await make_team(manager=other_manager, members=[stranger], name="Remote")
    one_to_one = await make_meeting(
        settings=settings,
        organizer=hr,
        starts_at=START,
        title="Appraisal: Field Worker",
        agenda="Salary review",
        attendees=[invitee],
        team_id=office.id,
        visibility="attendees",
    )
    retro = await make_meeting(
        settings=settings,
        organizer=colleague,
        starts_at=START + timedelta(hours=3),
        title="Office retro",
        team_id=office.id,
    )
    all_hands = await make_meeting(
        settings=settings,
        organizer=office_manager,
        starts_at=START + timedelta(days=1),
        title="All hands",
        visibility="organisation",
    )
    return {
        "office_manager": office_manager,
        "hr": hr,
        "colleague": colleague,
        "invitee": invitee,
        "stranger": stranger,
        "other_manager": other_manager,
        "admin": await make_user("admin"),
        "volunteer": await make_user("volunteer"),
        "office": office,
        "one_to_one": one_to_one,
        "retro": retro,
        "all_hands": all_hands,
    }


async def _status(client, user: User, meeting: Meeting) -> tuple[int, int]:
    client.cookies.clear()
    await log_in(client, user.email)
    page = await client.get(f"/meetings/{meeting.id}")
    api = await client.get(f"/api/v1/meetings/{meeting.id}")
    return page.status_code, api.status_code


async def test_an_attendees_only_meeting_is_for_its_organiser_invitees_and_admins(
    client, settings, frozen_clock
):
    w = await world(settings)
    meeting = w["one_to_one"]

    for who in ("hr", "invitee", "admin"):
        assert await _status(client, w[who], meeting) == (200, 200), who
    for who in ("colleague", "office_manager", "other_manager", "stranger", "volunteer"):
        assert await _status(client, w[who], meeting) == (404, 404), who

    client.cookies.clear()
    await log_in(client, w["office_manager"].email)
    edit = await client.get(f"/meetings/{meeting.id}/edit")
    cancel = await post_form(client, f"/meetings/{meeting.id}/cancel", {}, from_page="/meetings")
    assert edit.status_code == 404
    assert cancel.status_code == 404
    assert "Salary review" not in edit.text


async def test_a_team_meeting_is_for_the_team_and_an_organisation_meeting_for_all_staff(
    client, settings, frozen_clock
):
    w = await world(settings)

    assert await _status(client, w["office_manager"], w["retro"]) == (200, 200)
    assert await _status(client, w["hr"], w["retro"]) == (200, 200)
    assert await _status(client, w["stranger"], w["retro"]) == (404, 404)
    assert await _status(client, w["other_manager"], w["retro"]) == (404, 404)
    assert await _status(client, w["stranger"], w["all_hands"]) == (200, 200)
    assert await _status(client, w["volunteer"], w["all_hands"]) == (404, 404)


async def test_the_team_calendar_shows_a_private_meeting_only_as_busy(
    client, settings, frozen_clock
):
    w = await world(settings)
    await log_in(client, w["colleague"].email)

    page = await client.get(f"/meetings?team={w['office'].id}&date=2026-03-10&view=week")
    api = await client.get(
        f"/api/v1/meetings?team={w['office'].id}"
        "&start=2026-03-09T00:00:00Z&end=2026-03-16T00:00:00Z"
    )

    assert page.status_code == 200
    assert "Appraisal" not in page.text
    assert "Busy" in page.text
    assert f'href="/meetings/{w["one_to_one"].id}"' not in page.text
    assert "Office retro" in page.text
    items = {item["start"]: item for item in api.json()["items"]}
    private = items["2026-03-10T09:00:00Z"]
    assert (private["title"], private["location"], private["private"]) == ("Busy", "", True)
    assert items["2026-03-10T12:00:00Z"]["title"] == "Office retro"


async def test_conflicts_name_only_the_meetings_the_organiser_may_see(settings, frozen_clock):
    w = await world(settings)
    span = [(START, START + timedelta(hours=1))]

    for_stranger = await availability.conflicts([w["invitee"]], span, viewer=w["stranger"])
    for_hr = await availability.conflicts([w["invitee"]], span, viewer=w["hr"])

    assert [c.label for c in for_stranger[w["invitee"].id] if c.kind == "meeting"] == ["Busy"]
    assert [c.label for c in for_hr[w["invitee"].id] if c.kind == "meeting"] == [
        "Appraisal: Field Worker"
    ]


async def test_team_feed_and_export_leave_out_what_the_manager_may_not_see(
    client, settings, frozen_clock
):
    w = await world(settings)
    await log_in(client, w["office_manager"].email)

    created = await post_form(
        client,
        "/me/feeds/new",
        {"kind": "team", "team_id": str(w["office"].id)},
        from_page="/me/feeds",
    )
    address = created.text.split("http://testserver/feeds/", 1)[1].split('"', 1)[0]
    feed = await client.get(f"/feeds/{address.split('<', 1)[0]}")
    export = await client.get("/reports/exports/meetings?format=json")

    assert feed.status_code == 200
    assert "Office retro" in feed.text
    assert "Appraisal" not in feed.text
    assert "Salary" not in feed.text
    titles = [row["title"] for row in export.json()]
    assert "Office retro" in titles
    assert "Appraisal: Field Worker" not in titles


async def test_the_form_offers_the_visibility_with_a_hint(client, settings):
    staff = await make_user("staff")
    await log_in(client, staff.email)
    page = await client.get("/meetings/new")
    assert 'name="visibility"' in page.text
    assert "Only the people invited" in page.text
    assert "one-to-ones and HR matters" in page.text
