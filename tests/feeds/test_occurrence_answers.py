"""One occurrence answered apart from its series, read back by two parsers (icalendar and
vobject) from the person's feed, the meeting's download and the emailed invitation: the
occurrence is an override VEVENT with RECURRENCE-ID carrying that answer (in the invitation
the attendee's PARTSTAT; in a subscription, which names nobody as ATTENDEE, STATUS, TRANSP and
the "Your answer" line), and every other occurrence keeps the series' answer."""

from datetime import UTC, datetime, timedelta

import icalendar
import vobject

from opsuite import clock
from opsuite.feeds import service
from opsuite.feeds.models import FeedKind
from opsuite.meetings import service as meetings
from opsuite.notify.service import dispatch_due
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting, meeting_input
from tests.feeds.readers import _forget_vobject_zones, with_icalendar, with_vobject
from tests.feeds.test_incremental import _rebuild

# Tuesdays at 10:00 London: GMT until 29 March, BST after.
STARTS = [datetime(2026, 3, d, 10, tzinfo=UTC) for d in (3, 10, 17, 24)] + [
    datetime(2026, 3, 31, 9, tzinfo=UTC)
]
NO, MAYBE = STARTS[2], STARTS[4]
LO, HI = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)


def _has_calendar(message) -> bool:
    return any(p.get_content_type() == "text/calendar" for p in message.message.walk())


async def _answered_series(settings):
    li = await make_user("staff", name="Li Na", email="li@example.org")
    organizer = await make_user("staff", name="Organiser", email="org@example.org")
    meeting = await make_meeting(
        settings=settings,
        organizer=organizer,
        starts_at=STARTS[0],
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5",
        attendees=[li],
    )
    await meetings.respond(meeting, li.id, "accepted", settings=settings)
    await meetings.respond_to_occurrence(meeting, li.id, NO, "declined", settings=settings)
    await meetings.respond_to_occurrence(meeting, li.id, MAYBE, "tentative", settings=settings)
    return li, organizer, meeting


def _said_icalendar(data: bytes) -> dict[datetime | None, tuple[str, str, str]]:
    """(answer line, TRANSP, STATUS) of the master (key None) and of each override."""
    out = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        rid = event.get("recurrence-id")
        key = rid.dt.astimezone(UTC) if rid is not None else None
        line = next(x for x in str(event["description"]).splitlines() if "Your answer" in x)
        out[key] = (line, str(event.get("transp", "OPAQUE")), str(event["status"]))
    return out


def _said_vobject(data: bytes) -> dict[datetime | None, tuple[str, str, str]]:
    _forget_vobject_zones()
    out = {}
    for event in vobject.readOne(data.decode()).vevent_list:
        rid = getattr(event, "recurrence_id", None)
        key = rid.value.astimezone(UTC) if rid is not None else None
        line = next(x for x in event.description.value.splitlines() if "Your answer" in x)
        transp = event.transp.value if hasattr(event, "transp") else "OPAQUE"
        out[key] = (line, transp, event.status.value)
    return out


SAID = {
    None: ("Your answer: Accepted", "OPAQUE", "CONFIRMED"),
    NO: ("Your answer: Declined", "TRANSPARENT", "CONFIRMED"),
    MAYBE: ("Your answer: Maybe", "OPAQUE", "TENTATIVE"),
}


def _check_subscription(data: bytes, uid: str) -> None:
    for said in (_said_icalendar, _said_vobject):
        assert said(data) == SAID, said.__name__
    # Expanded, the series still has its five dates, 31 March tentative, the rest confirmed.
    expected = {
        (uid, s, s + timedelta(hours=1), "TENTATIVE" if s == MAYBE else "CONFIRMED") for s in STARTS
    }
    for reader in (with_icalendar, with_vobject):
        assert reader(data, LO, HI) == expected, reader.__name__


async def test_the_persons_feed_carries_the_answer_for_one_occurrence(
    client, settings, frozen_clock
):
    li, _organizer, meeting = await _answered_series(settings)
    feed = await service.create_feed(li, FeedKind.PERSON)

    body = (await client.get(f"/feeds/{feed.token}.ics")).content

    _check_subscription(body, meeting.uid)
    assert b"ATTENDEE" not in body  # a subscription is never an invitation


async def test_the_meetings_download_carries_the_answers_of_who_downloads_it(
    client, settings, frozen_clock
):
    _li, _organizer, meeting = await _answered_series(settings)
    await log_in(client, "li@example.org")

    body = (await client.get(f"/meetings/{meeting.id}/calendar.ics")).content

    _check_subscription(body, meeting.uid)


def _partstats_icalendar(data: str) -> dict[datetime | None, dict[str, str]]:
    """Each attendee's PARTSTAT on the master (key None) and on each override."""
    out = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        rid = event.get("recurrence-id")
        key = rid.dt.astimezone(UTC) if rid is not None else None
        attendees = event.get("attendee")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        out[key] = {str(a): a.params["PARTSTAT"] for a in attendees}
    return out


def _partstats_vobject(data: str) -> dict[datetime | None, dict[str, str]]:
    _forget_vobject_zones()
    out = {}
    for event in vobject.readOne(data).vevent_list:
        rid = getattr(event, "recurrence_id", None)
        key = rid.value.astimezone(UTC) if rid is not None else None
        out[key] = {a.value: a.params["PARTSTAT"][0] for a in event.attendee_list}
    return out


async def test_the_invitation_carries_partstat_for_the_answered_occurrences(
    settings, frozen_clock, inbox
):
    li, organizer, meeting = await _answered_series(settings)
    # A new title (same times, answers kept) sends the meeting out again as it now is.
    await meetings.update_meeting(
        organizer,
        meeting,
        meeting_input(
            starts_at=STARTS[0], rrule=meeting.rrule, attendees=[li], title="Weekly sync (new)"
        ),
        settings=settings,
    )
    await dispatch_due(settings)
    # Mails go out side by side, so the new invitation is found by its title, not its place.
    sent = [m.part("text/calendar") for m in inbox.to("li@example.org") if _has_calendar(m)]
    invitation = next(c for c in sent if "Weekly sync (new)" in c.replace("\r\n ", ""))
    assert "METHOD:REQUEST" in invitation

    expected = {
        None: {"mailto:li@example.org": "ACCEPTED", "mailto:org@example.org": "ACCEPTED"},
        NO: {"mailto:li@example.org": "DECLINED", "mailto:org@example.org": "ACCEPTED"},
        MAYBE: {"mailto:li@example.org": "TENTATIVE", "mailto:org@example.org": "ACCEPTED"},
    }
    for partstats in (_partstats_icalendar, _partstats_vobject):
        assert partstats(invitation) == expected, partstats.__name__
    # Expanded, still five dates: the overrides replace their occurrences, adding none.
    for reader in (with_icalendar, with_vobject):
        found = reader(invitation.encode(), LO, HI)
        assert sorted(o[1] for o in found) == STARTS, reader.__name__


async def test_an_answer_for_one_date_reaches_a_feed_built_on_the_last_one(
    settings, frozen_clock, queries
):
    """The incremental build (only the answered meeting fetched again) gives what a build
    from nothing gives; notes kept for a date change nothing a calendar shows."""
    li, organizer, meeting = await _answered_series(settings)
    feed = (await service.create_feed(li, FeedKind.PERSON)).feed
    assert await service.build(feed, settings=settings, full=True) is not None

    clock.set_now(clock.now() + timedelta(minutes=5))
    await meetings.respond_to_occurrence(meeting, li.id, STARTS[1], "declined", settings=settings)
    await meetings.save_minutes(organizer, meeting, "Rota agreed.", original_start=STARTS[3])
    body, _used = await _rebuild(feed, settings, queries)

    said = _said_icalendar(body)
    assert said[STARTS[1]] == ("Your answer: Declined", "TRANSPARENT", "CONFIRMED")
    assert STARTS[3] not in said
    assert b"Rota agreed." not in body
