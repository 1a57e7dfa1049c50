"""Answers per occurrence: yes, maybe or no for one date of a series beside the answer to the
whole series; a poll's votes as answers; notes per occurrence; "this and following" keeping
the old series' later skips. Hand-computed on Tuesdays at 10:00 London (GMT until 29 March,
BST after: 10:00 local is 10:00Z in March and 09:00Z from 31 March)."""

from datetime import UTC, datetime, timedelta

import pytest

from opsuite import clock
from opsuite.errors import InvalidInput, NotFound
from opsuite.meetings import polls, service
from opsuite.meetings.models import Response
from opsuite.meetings.occurrences import occurrences
from opsuite.notify.models import Notification, NotificationStatus
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting, meeting_input

T03, T10, T17, T24 = (datetime(2026, 3, d, 10, tzinfo=UTC) for d in (3, 10, 17, 24))
T31 = datetime(2026, 3, 31, 9, tzinfo=UTC)  # 10:00 BST


async def _series(settings, *people, count=5):
    organizer = await make_user("staff", name="Organiser")
    meeting = await make_meeting(
        settings=settings,
        organizer=organizer,
        starts_at=T03,
        rrule=f"FREQ=WEEKLY;BYDAY=TU;COUNT={count}",
        attendees=people,
    )
    return organizer, meeting


async def _answers(meeting):
    """(local date, each attendee's answer by name) for every occurrence."""
    found = await occurrences([meeting.id], T03 - timedelta(days=1), T31 + timedelta(days=30))
    attendees = await service.attendees_of(meeting)
    answered = (await service.answers_by_occurrence([meeting.id]))[meeting.id]
    rows = service.summarize(found, attendees, answered, await service.changes_of(meeting))
    return [
        (
            r.occurrence.start.strftime("%m-%d"),
            {a.user.name: str(r.answer_of(a.user_id)) for a in attendees},
        )
        for r in rows
    ]


async def test_one_occurrence_answered_apart_from_the_series(settings, frozen_clock):
    li = await make_user("staff", name="Li")
    _organizer, meeting = await _series(settings, li)
    await service.respond(meeting, li.id, "accepted", settings=settings)

    await service.respond_to_occurrence(meeting, li.id, T17, "declined", settings=settings)
    await service.respond_to_occurrence(meeting, li.id, T31, "tentative", settings=settings)

    assert await _answers(meeting) == [
        ("03-03", {"Organiser": "accepted", "Li": "accepted"}),
        ("03-10", {"Organiser": "accepted", "Li": "accepted"}),
        ("03-17", {"Organiser": "accepted", "Li": "declined"}),
        ("03-24", {"Organiser": "accepted", "Li": "accepted"}),
        ("03-31", {"Organiser": "accepted", "Li": "tentative"}),
    ]
    # The series' own answer is untouched.
    assert (await service.get_attendee(meeting, li.id)).response == Response.ACCEPTED


async def test_the_organiser_counts_each_occurrence(settings, frozen_clock):
    li, wang, zhao = [await make_user("staff", name=n) for n in ("Li", "Wang", "Zhao")]
    _organizer, meeting = await _series(settings, li, wang, zhao)
    await service.respond(meeting, li.id, "accepted", settings=settings)
    await service.respond(meeting, wang.id, "tentative", settings=settings)
    await service.respond_to_occurrence(meeting, li.id, T10, "declined", settings=settings)
    await service.respond_to_occurrence(meeting, zhao.id, T10, "accepted", settings=settings)

    found = await occurrences([meeting.id], T03, T17)
    answered = (await service.answers_by_occurrence([meeting.id]))[meeting.id]
    first, second = service.summarize(found, await service.attendees_of(meeting), answered, [])

    # 3 March: organiser and Li yes, Wang maybe, Zhao has not answered.
    assert dict(first.counts) == {
        Response.ACCEPTED: 2,
        Response.TENTATIVE: 1,
        Response.DECLINED: 0,
        Response.NEEDS_ACTION: 1,
    }
    # 10 March: Li says no to this one, Zhao yes to this one only.
    assert dict(second.counts) == {
        Response.ACCEPTED: 2,
        Response.TENTATIVE: 1,
        Response.DECLINED: 1,
        Response.NEEDS_ACTION: 0,
    }
    assert second.own == {li.id, zhao.id}


async def test_answering_the_series_again_replaces_coming_single_answers_only(
    settings, frozen_clock
):
    li = await make_user("staff", name="Li")
    _organizer, meeting = await _series(settings, li)
    await service.respond_to_occurrence(meeting, li.id, T03, "declined", settings=settings)
    await service.respond_to_occurrence(meeting, li.id, T24, "declined", settings=settings)
    clock.set_now(datetime(2026, 3, 5, 9, tzinfo=UTC))  # 3 March is over

    await service.respond(meeting, li.id, "tentative", settings=settings)

    assert [a["Li"] for _day, a in await _answers(meeting)] == [
        "declined",  # what was answered for a meeting that took place stays
        "tentative",
        "tentative",
        "tentative",  # the single "no" for 24 March gave way to the new answer
        "tentative",
    ]


async def test_a_declined_occurrence_gets_no_reminder_and_an_accepted_one_does(
    settings, frozen_clock
):
    li = await make_user("staff", name="Li", email="li@example.org")
    _organizer, meeting = await _series(settings, li, count=3)
    await service.respond(meeting, li.id, "declined", settings=settings)
    await service.respond_to_occurrence(meeting, li.id, T10, "accepted", settings=settings)

    reminders = await Notification.filter(
        recipient_id=li.id, kind="meeting_reminder", status=NotificationStatus.PENDING
    ).order_by("due_at")
    # Reminded for 10 March only (15 minutes before), not for the 3rd or the 17th.
    assert [r.due_at for r in reminders] == [T10 - timedelta(minutes=15)]


async def test_what_one_occurrence_refuses(settings, frozen_clock):
    li = await make_user("staff", name="Li")
    stranger = await make_user("staff", name="Stranger")
    organizer, meeting = await _series(settings, li)
    once = await make_meeting(settings=settings, starts_at=T10, attendees=[li])
    await service.skip_occurrence(organizer, meeting, T24, settings=settings)

    with pytest.raises(InvalidInput):  # not a series
        await service.respond_to_occurrence(once, li.id, T10, "accepted", settings=settings)
    with pytest.raises(InvalidInput):  # not an answer
        await service.respond_to_occurrence(meeting, li.id, T10, "perhaps", settings=settings)
    with pytest.raises(NotFound):  # not a date of the series
        await service.respond_to_occurrence(
            meeting, li.id, T10 + timedelta(hours=1), "accepted", settings=settings
        )
    with pytest.raises(NotFound):  # skipped
        await service.respond_to_occurrence(meeting, li.id, T24, "accepted", settings=settings)
    with pytest.raises(NotFound):  # not invited
        await service.respond_to_occurrence(
            meeting, stranger.id, T10, "accepted", settings=settings
        )
    clock.set_now(datetime(2026, 3, 12, tzinfo=UTC))
    with pytest.raises(InvalidInput):  # over
        await service.respond_to_occurrence(meeting, li.id, T10, "accepted", settings=settings)
    assert await _answers(meeting) == [
        (day, {"Organiser": "accepted", "Li": "needs_action"})
        for day in ("03-03", "03-10", "03-17", "03-31")
    ]


async def test_a_new_time_for_the_series_asks_everyone_again(settings, frozen_clock):
    li = await make_user("staff", name="Li")
    organizer, meeting = await _series(settings, li)
    await service.respond_to_occurrence(meeting, li.id, T10, "declined", settings=settings)
    # The series has not started yet (frozen at 2 March): it may move to 11:00.
    later = T03 + timedelta(hours=1)
    await service.update_meeting(
        organizer,
        meeting,
        meeting_input(starts_at=later, rrule=meeting.rrule, attendees=[li]),
        settings=settings,
    )
    assert {a["Li"] for _day, a in await _answers(meeting)} == {"needs_action"}


async def test_poll_votes_become_answers_when_the_poll_is_booked(settings, frozen_clock):
    organizer = await make_user("staff", name="Organiser")
    yes, maybe, no, silent = [
        await make_user("staff", name=n) for n in ("Yes", "Maybe", "No", "Silent")
    ]
    start = frozen_clock + timedelta(days=2)
    other = start + timedelta(days=1)
    poll = await polls.create_poll(
        organizer,
        polls.PollInput(
            title="Planning",
            timezone="UTC",
            slots=((start, start + timedelta(hours=1)), (other, other + timedelta(hours=1))),
            invitees=tuple(service.AttendeeInput(u.id) for u in (yes, maybe, no, silent)),
            location="Room 2",
        ),
        settings=settings,
    )
    chosen, second = [v.slot.id for v in await polls.slots_for(poll, organizer)]
    await polls.vote(poll, yes, {chosen: "yes", second: "no"})
    await polls.vote(poll, maybe, {chosen: "if_need_be", second: "yes"})
    await polls.vote(poll, no, {chosen: "no", second: "yes"})
    await polls.vote(poll, silent, {second: "yes"})

    meeting = await polls.decide(organizer, poll, chosen, settings=settings)

    answers = {a.user.name: str(a.response) for a in await service.attendees_of(meeting)}
    assert answers == {
        "Organiser": "accepted",
        "Yes": "accepted",
        "Maybe": "tentative",
        "No": "needs_action",
        "Silent": "needs_action",
    }


async def test_notes_for_one_occurrence_do_not_mark_it_changed(settings, frozen_clock):
    li = await make_user("staff", name="Li")
    organizer, meeting = await _series(settings, li)
    await service.save_minutes(organizer, meeting, "Budget agreed.", original_start=T10)

    found = await occurrences([meeting.id], T03, T24)
    answered = (await service.answers_by_occurrence([meeting.id]))[meeting.id]
    rows = service.summarize(
        found, await service.attendees_of(meeting), answered, await service.changes_of(meeting)
    )
    assert [(r.occurrence.start, r.minutes, r.occurrence.changed) for r in rows] == [
        (T03, "", False),
        (T10, "Budget agreed.", False),
        (T17, "", False),
    ]
    assert meeting.minutes == ""


async def test_this_and_following_keeps_the_later_skips_on_the_same_days(settings, frozen_clock):
    li = await make_user("staff", name="Li")
    organizer, meeting = await _series(settings, li, count=6)  # 3 March to 7 April
    for skipped in (T10, T24, datetime(2026, 4, 7, 9, tzinfo=UTC)):
        await service.skip_occurrence(organizer, meeting, skipped, settings=settings)
    meeting = await service.get_meeting(meeting.id)

    # From 17 March: the afternoon instead, on the same rule.
    following = await service.update_following(
        organizer,
        meeting,
        T17,
        meeting_input(starts_at=T17 + timedelta(hours=4), rrule=meeting.rrule, attendees=[li]),
        settings=settings,
    )

    found = await occurrences(
        [meeting.id, following.id], T03 - timedelta(days=1), T03 + timedelta(days=60)
    )
    assert [(o.meeting.id, o.start.strftime("%m-%d %H:%M")) for o in found] == [
        (meeting.id, "03-03 10:00"),
        (following.id, "03-17 14:00"),
        (following.id, "03-31 13:00"),  # 14:00 BST; 24 March stays skipped
        # 7 April stays skipped too: COUNT=4 from the 17th ends there.
    ]
    assert following.exdates == ["20260324T140000Z", "20260407T130000Z"]


async def test_this_and_following_moved_to_another_weekday_skips_the_same_week(
    settings, frozen_clock
):
    li = await make_user("staff", name="Li")
    organizer, meeting = await _series(settings, li, count=6)
    await service.skip_occurrence(organizer, meeting, T24, settings=settings)
    meeting = await service.get_meeting(meeting.id)

    # From 17 March on Wednesdays (the 18th) at 10:00, four times.
    wednesday = T17 + timedelta(days=1)
    following = await service.update_following(
        organizer,
        meeting,
        T17,
        meeting_input(starts_at=wednesday, rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=4", attendees=[li]),
        settings=settings,
    )

    found = await occurrences([following.id], T17, T17 + timedelta(days=40))
    # The skipped Tuesday 24 March becomes the skipped Wednesday 25 March.
    assert [o.start.strftime("%m-%d") for o in found] == ["03-18", "04-01", "04-08"]
