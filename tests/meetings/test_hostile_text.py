"""Line breaks and control characters in a meeting's links and one-line fields are refused
with a field message (nothing half-saved), and a meeting stored with them before this was
checked still opens, edits, cancels, and leaves everyone's feed working (issue #14, defect 4).
"""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfoNotFoundError

import icalendar
import pytest

from opsuite.auth.models import User
from opsuite.auth.service import create_api_token
from opsuite.feeds import service as feeds
from opsuite.feeds.models import FeedKind
from opsuite.meetings.models import Attendee, Meeting
from opsuite.notify.models import Notification
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting

START = datetime(2026, 3, 10, 10, tzinfo=UTC)
POISON = "https://x/\r\nSUMMARY:X"
FORM = {
    "title": "Planning",
    "date": "2026-03-10",
    "start_time": "10:00",
    "end_time": "11:00",
    "timezone": "Europe/London",
    "mode": "online",
    "video_url": "https://video.example.org/room",
    "action": "save_anyway",
}
BAD_FIELDS = [
    ("video_url", POISON),
    ("video_url", "https://x/ room"),
    ("video_url", "https://x/\x00"),
    ("video_url", "javascript:alert(1)"),
    ("video_url", "https://[::1"),
    ("video_url", "https://x.org/" + "a" * 600),
    ("title", "Planning\r\nSUMMARY:X"),
    ("title", "Plan\x07ning"),
    ("location", "Room 2\nATTENDEE:mailto:x@example.org"),
]


async def _counts() -> tuple[int, int, int]:
    return (
        await Meeting.all().count(),
        await Attendee.all().count(),
        await Notification.all().count(),
    )


@pytest.mark.parametrize(
    ("name", "value"), BAD_FIELDS, ids=[f"{n}-{i}" for i, (n, _v) in enumerate(BAD_FIELDS)]
)
async def test_form_refuses_control_characters_by_the_field(client, frozen_clock, name, value):
    organizer = await make_user("staff")
    guest = await make_user("volunteer")
    await log_in(client, organizer.email)
    before = await _counts()

    form = {
        **FORM,
        "mode": "hybrid",
        "location": "Room 2",
        name: value,
        "required": [str(guest.id)],
    }
    response = await post_form(client, "/meetings/new", form, from_page="/meetings/new")

    assert response.status_code == 400, response.text[-1500:]
    assert f'id="e-{name}"' in response.text  # the message is beside the field
    typed = re.split(r"[\x00-\x1f\x7f]", value)[0][:40]
    assert html.escape(typed) in response.text  # what was typed is kept
    assert await _counts() == before


@pytest.mark.parametrize(
    ("name", "value"), BAD_FIELDS, ids=[f"{n}-{i}" for i, (n, _v) in enumerate(BAD_FIELDS)]
)
async def test_api_refuses_control_characters_with_the_field_at_fault(
    client, frozen_clock, name, value
):
    organizer = await make_user("staff")
    made = await create_api_token(organizer, name="test")
    body = {k: v for k, v in FORM.items() if k != "action"}
    body.update({"mode": "hybrid", "location": "Room 2", name: value})

    response = await client.post(
        "/api/v1/meetings", json=body, headers={"Authorization": f"Bearer {made.token}"}
    )

    assert response.status_code == 400, response.text
    answer = response.json()  # one field at fault, or several
    assert name in answer.get("fields", {}) or answer.get("field") == name, answer
    assert await Meeting.all().count() == 0


async def test_a_good_link_is_still_accepted(client, frozen_clock):
    organizer = await make_user("staff")
    await log_in(client, organizer.email)
    response = await post_form(client, "/meetings/new", FORM)
    assert response.status_code == 303, response.text
    assert (await Meeting.get()).video_url == "https://video.example.org/room"


async def test_nothing_is_saved_when_an_invitation_cannot_be_written(settings, frozen_clock):
    organizer = await make_user("staff")
    guest = await make_user("volunteer")
    # A zone that no longer exists on this machine (old data): rendering their invitation fails.
    await User.filter(id=guest.id).update(timezone="Mars/Olympus_Mons")
    before = await _counts()

    with pytest.raises(ZoneInfoNotFoundError):
        await make_meeting(
            settings=settings, organizer=organizer, starts_at=START, attendees=[guest]
        )

    assert await _counts() == before


async def test_a_meeting_stored_with_a_bad_link_still_opens_edits_cancels_and_feeds_work(
    client, settings, frozen_clock, caplog
):
    organizer = await make_user("staff", email="org@example.org")
    guest = await make_user("volunteer")
    good = await make_meeting(
        settings=settings, organizer=organizer, starts_at=START, attendees=[guest], title="Good"
    )
    bad = await make_meeting(
        settings=settings, organizer=organizer, starts_at=START, attendees=[guest], title="Bad"
    )
    # As a row saved before links were checked: written directly, past every check.
    await Meeting.filter(id=bad.id).update(video_url=POISON, mode="online")
    organizer_feed = await feeds.create_feed(organizer, FeedKind.PERSON)
    guest_feed = await feeds.create_feed(guest, FeedKind.PERSON)

    for feed in (organizer_feed, guest_feed):
        with caplog.at_level(logging.WARNING):
            response = await client.get(f"/feeds/{feed.token}.ics")
        assert response.status_code == 200
        events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        assert [str(e["summary"]) for e in events] == ["Good"]
        assert any(bad.uid in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
        caplog.clear()
    assert good.id

    await log_in(client, "org@example.org")
    assert (await client.get(f"/meetings/{bad.id}")).status_code == 200
    assert (await client.get(f"/meetings/{bad.id}/edit")).status_code == 200
    fixed = await post_form(
        client,
        f"/meetings/{bad.id}/edit",
        {**FORM, "title": "Bad", "video_url": "https://video.example.org/fixed"},
    )
    assert fixed.status_code == 303, fixed.text[-1500:]
    assert (await Meeting.get(id=bad.id)).video_url == "https://video.example.org/fixed"

    await Meeting.filter(id=bad.id).update(video_url=POISON)
    cancelled = await post_form(
        client, f"/meetings/{bad.id}/cancel", {}, from_page=f"/meetings/{bad.id}"
    )
    assert cancelled.status_code == 303
    assert (await Meeting.get(id=bad.id)).is_cancelled
