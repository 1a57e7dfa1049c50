from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from opsuite.meetings import service
from opsuite.meetings.service import OccurrenceInput
from opsuite.notify.service import dispatch_due
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting, meeting_input


def calendar_of(message) -> Calendar:
    return Calendar.from_ical(message.part("text/calendar"))


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


async def test_invitation_update_and_cancel_reach_everyone_with_matching_icalendar(
    settings, inbox, frozen_clock
):
    organizer = await make_user("staff", name="Olu Organizer", email="olu@example.org")
    guest = await make_user("volunteer", name="Gia Guest", email="gia@example.org")
    start = datetime(2026, 3, 10, 10, tzinfo=UTC)
    meeting = await make_meeting(
        settings=settings,
        organizer=organizer,
        starts_at=start,
        attendees=[guest],
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5",
        title="Volunteer briefing",
    )
    await dispatch_due(settings)
    [invite] = inbox.to("gia@example.org")
    assert invite.subject == "Invitation: Volunteer briefing"
    assert "Will you come?" in invite.text
    assert "Repeats: Every Tuesday, 5 times" in invite.text
    assert "FREQ=" not in invite.text + invite.part("text/html")
    html = invite.part("text/html")
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "Choose which emails you get" in html
    assert "<" not in invite.text.split("Will you come?")[0]
    assert "/meetings/rsvp/" in invite.part("text/html")
    cal = calendar_of(invite)
    assert str(cal["METHOD"]) == "REQUEST"
    [event] = events(cal)
    uid = str(event["UID"])
    assert int(event["SEQUENCE"]) == 0
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=5;BYDAY=TU"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    attendees = {str(a): a.params["PARTSTAT"] for a in event.get("ATTENDEE")}
    assert attendees == {
        "mailto:olu@example.org": "ACCEPTED",
        "mailto:gia@example.org": "NEEDS-ACTION",
    }
    [tz] = cal.walk("VTIMEZONE")
    assert [c.name for c in tz.subcomponents] == ["DAYLIGHT", "STANDARD"]
    assert all("RRULE" in c and "RDATE" not in c for c in tz.subcomponents)
    # No invitation to the organizer themselves.
    assert inbox.to("olu@example.org") == []

    inbox.clear()
    await service.skip_occurrence(organizer, meeting, start + timedelta(weeks=1), settings=settings)
    moved = start + timedelta(weeks=2)
    await service.update_occurrence(
        organizer,
        meeting,
        moved,
        OccurrenceInput(moved + timedelta(hours=2), moved + timedelta(hours=3)),
        settings=settings,
    )
    await dispatch_due(settings)
    cancel_one, update = inbox.to("gia@example.org")
    cal = calendar_of(cancel_one)
    assert str(cal["METHOD"]) == "CANCEL"
    [event] = events(cal)
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == 1
    assert event["RECURRENCE-ID"].dt.astimezone(UTC) == start + timedelta(weeks=1)
    cal = calendar_of(update)
    assert str(cal["METHOD"]) == "REQUEST"
    master, changed = events(cal)
    assert {str(master["UID"]), str(changed["UID"])} == {uid}
    assert int(master["SEQUENCE"]) == 2
    assert [d.dt.astimezone(UTC) for d in master["EXDATE"].dts] == [start + timedelta(weeks=1)]
    assert changed["RECURRENCE-ID"].dt.astimezone(UTC) == moved
    assert changed["DTSTART"].dt.astimezone(UTC) == moved + timedelta(hours=2)

    inbox.clear()
    await service.cancel_meeting(organizer, meeting, settings=settings)
    await dispatch_due(settings)
    [cancelled] = inbox.to("gia@example.org")
    assert cancelled.subject == "Cancelled: Volunteer briefing"
    cal = calendar_of(cancelled)
    assert str(cal["METHOD"]) == "CANCEL"
    [event] = events(cal)
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == 3
    assert str(event["STATUS"]) == "CANCELLED"


async def test_removed_attendee_gets_a_cancellation_and_others_an_update(
    settings, inbox, frozen_clock
):
    organizer = await make_user("staff")
    stays = await make_user("staff", email="stays@example.org")
    goes = await make_user("staff", email="goes@example.org")
    start = datetime(2026, 3, 12, 14, tzinfo=UTC)
    meeting = await make_meeting(
        settings=settings, organizer=organizer, starts_at=start, attendees=[stays, goes]
    )
    await dispatch_due(settings)
    inbox.clear()
    await service.update_meeting(
        organizer,
        meeting,
        meeting_input(starts_at=start + timedelta(hours=1), attendees=[stays]),
        settings=settings,
    )
    await dispatch_due(settings)
    [update] = inbox.to("stays@example.org")
    assert update.subject == "Updated invitation: Weekly sync"
    assert int(events(calendar_of(update))[0]["SEQUENCE"]) == 1
    [gone] = inbox.to("goes@example.org")
    assert str(calendar_of(gone)["METHOD"]) == "CANCEL"


async def test_reminders_are_planned_per_occurrence_and_follow_declines(
    settings, inbox, frozen_clock
):
    from opsuite import clock
    from opsuite.notify.reminders import delivery_log

    organizer = await make_user("staff")
    guest = await make_user("staff", email="guest@example.org")
    start = frozen_clock + timedelta(days=1)
    meeting = await make_meeting(
        settings=settings,
        organizer=organizer,
        starts_at=start,
        attendees=[guest],
        rrule="FREQ=DAILY;COUNT=3",
    )
    pending = [n for n in await delivery_log(service.item_key(meeting)) if n.status == "pending"]
    assert len(pending) == 6  # two people, three occurrences
    assert {n.due_at for n in pending} == {start + timedelta(days=d, minutes=-15) for d in range(3)}
    await service.respond(meeting, guest.id, "declined", settings=settings)
    pending = [n for n in await delivery_log(service.item_key(meeting)) if n.status == "pending"]
    assert {n.recipient_id for n in pending} == {organizer.id}
    clock.set_now(start - timedelta(minutes=10))
    await dispatch_due(settings)
    assert [m.subject for m in inbox.messages if m.subject.startswith("Soon")]
