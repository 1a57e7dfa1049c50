from datetime import UTC, datetime

from opsuite.auth.service import create_api_token
from opsuite.meetings.models import Meeting
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting


async def bearer(user) -> dict[str, str]:
    made = await create_api_token(user, name="test")
    return {"Authorization": f"Bearer {made.token}"}


async def test_book_read_change_skip_and_answer_through_the_api(client, settings, frozen_clock):
    organizer = await make_user("staff", timezone="Europe/London")
    guest = await make_user("volunteer")
    headers = await bearer(organizer)
    body = {
        "title": "Standup",
        "date": "2026-03-10",
        "start_time": "09:30",
        "end_time": "09:45",
        "timezone": "Europe/London",
        "mode": "online",
        "video_url": "https://video.example.org/standup",
        "rrule": "FREQ=DAILY;COUNT=5",
        "required": [guest.id],
    }
    created = await client.post("/api/v1/meetings", json=body, headers=headers)
    assert created.status_code == 201, created.text
    meeting = created.json()
    assert meeting["rrule"] == "FREQ=DAILY;COUNT=5"
    assert meeting["starts_at"] == "2026-03-10T09:30:00Z"
    listed = await client.get(
        "/api/v1/meetings",
        params={"start": "2026-03-09T00:00:00Z", "end": "2026-03-20T00:00:00Z"},
        headers=headers,
    )
    assert [o["start"][:10] for o in listed.json()["items"]] == [
        "2026-03-10",
        "2026-03-11",
        "2026-03-12",
        "2026-03-13",
        "2026-03-14",
    ]
    skipped = await client.delete(
        f"/api/v1/meetings/{meeting['id']}/occurrence",
        params={"start": "20260312T093000Z"},
        headers=headers,
    )
    assert skipped.json()["exdates"] == ["20260312T093000Z"]
    assert skipped.json()["sequence"] == 1
    answer = await client.post(
        f"/api/v1/meetings/{meeting['id']}/rsvp",
        json={"response": "accepted"},
        headers=await bearer(guest),
    )
    assert {a["user_id"]: a["response"] for a in answer.json()["attendees"]}[guest.id] == (
        "accepted"
    )


async def test_api_refuses_bad_input_with_the_field_at_fault(client, settings, frozen_clock):
    organizer = await make_user("staff")
    headers = await bearer(organizer)
    base = {
        "title": "X",
        "date": "2026-03-10",
        "start_time": "10:00",
        "end_time": "11:00",
        "timezone": "Europe/London",
        "mode": "in_person",
        "location": "Hall",
    }
    for change, field in (
        ({"video_url": "file:///etc/passwd"}, "video_url"),
        ({"end_time": "09:00"}, "end"),
        ({"rrule": "FREQ=DAILY;INTERVAL=0"}, "rrule"),
        ({"required": [424242]}, "required"),
    ):
        response = await client.post("/api/v1/meetings", json={**base, **change}, headers=headers)
        assert response.status_code == 400, change
        assert field in response.json()["fields"], (change, response.json())
    assert await Meeting.all().count() == 0


async def test_find_a_time_api_gives_each_persons_local_time(client, settings, frozen_clock):
    from datetime import time

    from tests.factories.schedules import make_arrangement, weekday_blocks

    ny = await make_user("staff", timezone="America/New_York")
    shanghai = await make_user("staff", timezone="Asia/Shanghai")
    await make_arrangement(ny, blocks=weekday_blocks(time(8), time(16)))
    await make_arrangement(shanghai, blocks=weekday_blocks(time(18), time(22)))
    await make_meeting(
        settings=settings, organizer=ny, starts_at=datetime(2026, 3, 9, 12, tzinfo=UTC)
    )
    response = await client.post(
        "/api/v1/meetings/find-a-time",
        json={
            "required": [ny.id, shanghai.id],
            "duration": 60,
            "from_date": "2026-03-09",
            "to_date": "2026-03-09",
        },
        headers=await bearer(ny),
    )
    assert response.status_code == 200, response.text
    slots = response.json()["slots"]
    # NY 08:00-16:00 EDT is 12:00-20:00 UTC; Shanghai 18:00-22:00 is 10:00-14:00 UTC;
    # NY is in a meeting 12:00-13:00 UTC.
    assert [s["start"] for s in slots] == ["2026-03-09T13:00:00Z"]
    local = {p["user_id"]: p["local_start"] for p in slots[0]["people"]}
    assert local == {ny.id: "2026-03-09T09:00:00-04:00", shanghai.id: "2026-03-09T21:00:00+08:00"}
