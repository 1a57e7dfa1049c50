"""'Add to calendar': one meeting or one shift as an .ics file, and the calendar part of a
shift's confirmation (PUBLISH) and of giving up the place (CANCEL, the same UID)."""

from datetime import UTC, datetime, timedelta

import icalendar

from opsuite.notify.service import dispatch_due
from opsuite.shifts import service as shifts
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer
from tests.feeds.readers import with_icalendar, with_vobject

LO, HI = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)


async def test_a_new_york_series_across_the_march_change_reads_back_to_the_instant(
    client, settings, frozen_clock
):
    guest = await make_user("volunteer", email="gia@example.org")
    # Tuesdays at 10:00 in New York: 3 March is EST (15:00Z), 10 March already EDT (14:00Z).
    meeting = await make_meeting(
        settings=settings,
        starts_at=datetime(2026, 3, 3, 15, tzinfo=UTC),
        timezone="America/New_York",
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=2",
        attendees=[guest],
        title="Board call",
    )
    await log_in(client, "gia@example.org")
    page = await client.get(f"/meetings/{meeting.id}")
    assert f'href="/meetings/{meeting.id}/calendar.ics"' in page.text

    answer = await client.get(f"/meetings/{meeting.id}/calendar.ics")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert "attachment" in answer.headers["content-disposition"]
    cal = icalendar.Calendar.from_ical(answer.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["America/New_York"]
    expected = {
        (meeting.uid, datetime(2026, 3, 3, 15, tzinfo=UTC), datetime(2026, 3, 3, 16, tzinfo=UTC)),
        (meeting.uid, datetime(2026, 3, 10, 14, tzinfo=UTC), datetime(2026, 3, 10, 15, tzinfo=UTC)),
    }
    for reader in (with_icalendar, with_vobject):
        assert {o[:3] for o in reader(answer.content, LO, HI)} == expected, reader.__name__


async def test_only_those_who_may_see_the_meeting_download_it(client, settings, frozen_clock):
    await make_user("volunteer", email="out@example.org")
    meeting = await make_meeting(settings=settings, starts_at=frozen_clock + timedelta(days=2))

    assert (await client.get(f"/meetings/{meeting.id}/calendar.ics")).status_code in (302, 303)
    await log_in(client, "out@example.org")
    refused = await client.get(f"/meetings/{meeting.id}/calendar.ics")
    assert refused.status_code == 404
    assert "BEGIN:VCALENDAR" not in refused.text


async def test_a_public_shift_downloads_for_anyone_an_internal_one_after_signing_in(
    client, settings, frozen_clock
):
    public = await make_shift(starts_at=datetime(2026, 3, 30, 8, tzinfo=UTC))  # Berlin CEST
    internal = await make_shift(await make_opportunity(is_public=False))

    answer = await client.get(f"/shifts/{public.id}/calendar.ics")

    assert answer.status_code == 200
    [(uid, start, end, status)] = with_vobject(answer.content, LO, HI)
    assert (start, end, status) == (
        datetime(2026, 3, 30, 8, tzinfo=UTC),
        datetime(2026, 3, 30, 11, tzinfo=UTC),
        "CONFIRMED",
    )
    assert uid == f"shift-{public.id}@testserver"
    assert with_icalendar(answer.content, LO, HI) == with_vobject(answer.content, LO, HI)
    assert (await client.get(f"/shifts/{internal.id}/calendar.ics")).status_code in (302, 303)
    assert (await client.get("/shifts/999999/calendar.ics")).status_code == 404


async def test_confirmation_mail_carries_the_shift_and_leaving_cancels_the_same_uid(
    settings, inbox, frozen_clock
):
    opportunity = await make_opportunity(title="Sorting")
    shift = await make_shift(opportunity, starts_at=datetime(2026, 3, 30, 8, tzinfo=UTC))
    coordinator = await make_user("admin")
    volunteer = await make_volunteer(email="vic@example.org")

    await shifts.add_to_shift(coordinator, shift.id, volunteer, settings=settings)
    await dispatch_due(settings)

    [mail] = inbox.to("vic@example.org")
    assert mail.subject.startswith("You are on the shift: Sorting")
    [part] = [p for p in mail.message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH"
    cal = icalendar.Calendar.from_ical(mail.part("text/calendar"))
    assert str(cal["METHOD"]) == "PUBLISH"
    [(uid, start, _end, status)] = with_vobject(mail.part("text/calendar").encode(), LO, HI)
    assert (uid, start, status) == (
        f"shift-{shift.id}@testserver",
        datetime(2026, 3, 30, 8, tzinfo=UTC),
        "CONFIRMED",
    )

    inbox.clear()
    await shifts.cancel_signup(volunteer, shift.id, settings=settings)
    await dispatch_due(settings)

    [gone] = inbox.to("vic@example.org")
    assert "You gave up your place on this shift: Sorting." in gone.text
    cal = icalendar.Calendar.from_ical(gone.part("text/calendar"))
    assert str(cal["METHOD"]) == "CANCEL"
    [event] = cal.walk("VEVENT")
    assert (str(event["UID"]), str(event["STATUS"])) == (uid, "CANCELLED")
