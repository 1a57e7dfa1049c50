from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsuite.errors import FieldErrors, InvalidInput
from opsuite.meetings import service
from opsuite.meetings.occurrences import occurrences
from opsuite.meetings.recurrence import normalize_rule
from opsuite.meetings.service import OccurrenceInput
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting, meeting_input

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def local(day: datetime, zone: ZoneInfo = LONDON) -> datetime:
    return day.replace(tzinfo=zone).astimezone(UTC)


async def test_weekly_meeting_stays_at_ten_local_across_dst(settings, frozen_clock):
    meeting = await make_meeting(
        settings=settings,
        starts_at=local(datetime(2026, 3, 17, 10)),
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=4",
    )
    found = await occurrences([meeting.id], frozen_clock, frozen_clock + timedelta(days=60))
    assert [o.start.astimezone(LONDON).strftime("%m-%d %H:%M") for o in found] == [
        "03-17 10:00",
        "03-24 10:00",
        "03-31 10:00",
        "04-07 10:00",
    ]
    # GMT before 29 March, BST after: the instants move by an hour, the wall clock does not.
    assert [o.start.hour for o in found] == [10, 10, 9, 9]


async def test_every_other_tuesday_with_a_skip_and_a_moved_occurrence(settings, frozen_clock):
    staff = await make_user("staff")
    meeting = await make_meeting(
        settings=settings,
        organizer=staff,
        starts_at=local(datetime(2026, 3, 10, 15), NEW_YORK),
        timezone="America/New_York",
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20260505",
    )
    skipped = local(datetime(2026, 3, 24, 15), NEW_YORK)
    moved = local(datetime(2026, 4, 7, 15), NEW_YORK)
    await service.skip_occurrence(staff, meeting, skipped, settings=settings)
    new_start = local(datetime(2026, 4, 8, 11), NEW_YORK)
    await service.update_occurrence(
        staff,
        meeting,
        moved,
        OccurrenceInput(new_start, new_start + timedelta(hours=1), title="Moved sync"),
        settings=settings,
    )
    found = await occurrences([meeting.id], frozen_clock, frozen_clock + timedelta(days=90))
    assert [(o.start.astimezone(NEW_YORK).strftime("%m-%d %H:%M"), o.title) for o in found] == [
        ("03-10 15:00", "Weekly sync"),
        ("04-08 11:00", "Moved sync"),
        ("04-21 15:00", "Weekly sync"),
        ("05-05 15:00", "Weekly sync"),
    ]
    # 15:00 in New York is 20:00 UTC before 8 March and 19:00 after.
    assert found[0].start.hour == 19
    await meeting.refresh_from_db()
    assert meeting.sequence == 2
    assert meeting.rrule.endswith("UNTIL=20260506T035959Z")


async def test_monthly_on_the_first_monday():
    rule = normalize_rule(
        "freq=monthly;byday=1MO;count=3",
        starts_at=local(datetime(2026, 4, 6, 9)),
        timezone="Europe/London",
    )
    assert rule == "FREQ=MONTHLY;BYDAY=1MO;COUNT=3"


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=MINUTELY",
        "FREQ=WEEKLY;COUNT=0",
        "FREQ=WEEKLY;COUNT=5000",
        "FREQ=WEEKLY;COUNT=3;UNTIL=20260601",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;UNTIL=20200101",
        "FREQ=DAILY;UNTIL=20990101",
        "BYDAY=MO",
        "FREQ=WEEKLY;DTSTART=20260101",
    ],
)
def test_bad_rules_are_refused_with_a_message(text):
    with pytest.raises(InvalidInput) as caught:
        normalize_rule(text, starts_at=local(datetime(2026, 3, 2, 9)), timezone="Europe/London")
    assert caught.value.field == "rrule"
    assert caught.value.message


async def test_rule_without_an_end_only_expands_in_a_bounded_window(settings, frozen_clock):
    meeting = await make_meeting(
        settings=settings, starts_at=local(datetime(2026, 3, 2, 9)), rrule="FREQ=DAILY"
    )
    found = await occurrences([meeting.id], frozen_clock, frozen_clock + timedelta(days=10))
    assert len(found) == 10
    with pytest.raises(InvalidInput):
        await occurrences([meeting.id], frozen_clock, frozen_clock + timedelta(days=5000))


async def test_bad_meeting_input_names_each_field_and_saves_nothing(settings, frozen_clock):
    organizer = await make_user("staff")
    start = local(datetime(2026, 3, 10, 10))
    data = meeting_input(
        starts_at=start,
        ends_at=start - timedelta(hours=1),
        mode="online",
        video_url="javascript:alert(1)",
        rrule="FREQ=SECONDLY",
    )
    data = data.__class__(**{**data.__dict__, "attendees": (service.AttendeeInput(999999),)})
    with pytest.raises(FieldErrors) as caught:
        await service.create_meeting(organizer, data, settings=settings)
    assert set(caught.value.errors) >= {"end", "video_url", "attendees"}
    from opsuite.meetings.models import Meeting

    assert await Meeting.all().count() == 0


async def test_a_part_given_twice_is_refused_with_a_field_error(settings, frozen_clock):
    organizer = await make_user("staff")
    start = local(datetime(2026, 3, 10, 10))
    data = meeting_input(starts_at=start, rrule="FREQ=WEEKLY;BYDAY=MO;BYDAY=TU")
    with pytest.raises(FieldErrors) as caught:
        await service.create_meeting(organizer, data, settings=settings)
    assert "BYDAY=TU" in caught.value.errors["rrule"]


async def test_a_past_occurrence_cannot_be_changed(settings, frozen_clock):
    staff = await make_user("staff")
    meeting = await make_meeting(
        settings=settings,
        organizer=staff,
        starts_at=local(datetime(2026, 2, 2, 10)),
        rrule="FREQ=WEEKLY",
    )
    past = local(datetime(2026, 2, 23, 10))
    with pytest.raises(InvalidInput):
        await service.skip_occurrence(staff, meeting, past, settings=settings)
    with pytest.raises(InvalidInput):
        await service.update_occurrence(
            staff,
            meeting,
            past,
            OccurrenceInput(past, past + timedelta(hours=1)),
            settings=settings,
        )


async def test_this_and_following_splits_the_series(settings, frozen_clock):
    staff = await make_user("staff")
    meeting = await make_meeting(
        settings=settings,
        organizer=staff,
        starts_at=local(datetime(2026, 3, 3, 10)),
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
    )
    split = local(datetime(2026, 3, 17, 10))
    new_start = local(datetime(2026, 3, 17, 14))
    following = await service.update_following(
        staff,
        meeting,
        split,
        meeting_input(starts_at=new_start, rrule=meeting.rrule, title="Afternoon sync"),
        settings=settings,
    )
    found = await occurrences(
        [meeting.id, following.id], frozen_clock, frozen_clock + timedelta(days=90)
    )
    assert [(o.start.astimezone(LONDON).strftime("%m-%d %H:%M"), o.title) for o in found] == [
        ("03-03 10:00", "Weekly sync"),
        ("03-10 10:00", "Weekly sync"),
        ("03-17 14:00", "Afternoon sync"),
        ("03-24 14:00", "Afternoon sync"),
        ("03-31 14:00", "Afternoon sync"),
        ("04-07 14:00", "Afternoon sync"),
    ]
    assert following.uid != meeting.uid
