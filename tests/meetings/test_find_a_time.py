from datetime import UTC, datetime, time, timedelta

from opsuite.meetings.availability import conflicts, find_a_time
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.schedules import make_arrangement, make_leave, weekday_blocks

MONDAY = datetime(2026, 3, 9, tzinfo=UTC)  # New York is on EDT since 8 March, London on GMT


def hhmm(slots) -> list[str]:
    return [s.start.strftime("%a %H:%M") for s in slots]


async def three_offices():
    ny = await make_user("staff", name="Nia NY", timezone="America/New_York")
    london = await make_user("staff", name="Leo London", timezone="Europe/London")
    shanghai = await make_user("staff", name="Shu Shanghai", timezone="Asia/Shanghai")
    await make_arrangement(ny, blocks=weekday_blocks(time(8), time(16)))
    await make_arrangement(london, blocks=weekday_blocks(time(9), time(17)))
    # Shanghai takes the late call: 18:00-22:00 local, 10:00-14:00 UTC.
    await make_arrangement(shanghai, blocks=weekday_blocks(time(18), time(22)))
    return ny, london, shanghai


async def test_find_a_time_across_new_york_london_and_shanghai(settings, frozen_clock):
    ny, london, shanghai = await three_offices()
    # London already has 12:00-12:30 UTC taken on Monday.
    await make_meeting(
        settings=settings,
        organizer=london,
        starts_at=MONDAY.replace(hour=12),
        minutes=30,
    )
    everyone = [(ny, True), (london, True), (shanghai, True)]
    slots = await find_a_time(
        everyone, duration=timedelta(hours=1), start=MONDAY, end=MONDAY + timedelta(days=1)
    )
    # NY 08:00 EDT = 12:00 UTC, Shanghai ends 14:00 UTC, London busy until 12:30.
    assert hhmm(slots) == ["Mon 12:30", "Mon 13:00"]
    first = {p.user.name: p.local_start.strftime("%H:%M") for p in slots[0].people}
    assert first == {"Nia NY": "08:30", "Leo London": "12:30", "Shu Shanghai": "20:30"}

    shanghai_optional = [(ny, True), (london, True), (shanghai, False)]
    slots = await find_a_time(
        shanghai_optional,
        duration=timedelta(hours=1),
        start=MONDAY,
        end=MONDAY + timedelta(days=1),
    )
    assert hhmm(slots) == [
        "Mon 12:30",
        "Mon 13:00",
        "Mon 13:30",
        "Mon 14:00",
        "Mon 14:30",
        "Mon 15:00",
        "Mon 15:30",
        "Mon 16:00",
    ]
    assert [s.missing_optional for s in slots] == [0, 0, 1, 1, 1, 1, 1, 1]
    late = slots[2].people[2]
    assert (late.user, late.free, late.outside_hours) == (shanghai, False, True)


async def test_time_off_removes_a_day_from_find_a_time(settings, frozen_clock):
    ny, london, _shanghai = await three_offices()
    admin = await make_user("admin")
    await make_leave(london, MONDAY.date(), settings=settings, approved_by=admin)
    slots = await find_a_time(
        [(ny, True), (london, True)],
        duration=timedelta(hours=4),
        start=MONDAY,
        end=MONDAY + timedelta(days=2),
        limit=3,
    )
    # Tuesday: NY from 12:00 UTC, London until 17:00 UTC.
    assert hhmm(slots) == ["Tue 12:00", "Tue 12:30", "Tue 13:00"]


async def test_conflicts_show_meetings_leave_and_hours_in_each_zone(settings, frozen_clock):
    ny, london, shanghai = await three_offices()
    await make_meeting(settings=settings, organizer=ny, starts_at=MONDAY.replace(hour=15))
    admin = await make_user("admin")
    await make_leave(london, MONDAY.date(), settings=settings, approved_by=admin)
    span = (MONDAY.replace(hour=15), MONDAY.replace(hour=16))
    found = await conflicts([ny, london, shanghai], [span], viewer=ny)
    assert [c.kind for c in found[ny.id]] == ["meeting"]
    assert sorted(c.kind for c in found[london.id]) == ["outside_hours", "time_off"]
    assert [c.kind for c in found[shanghai.id]] == ["outside_hours"]
