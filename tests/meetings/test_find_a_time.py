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


async def test_slots_inside_everyones_core_hours_come_before_the_flexible_window(frozen_clock):
    # Monday 9 March, all in UTC terms: Frida (London, GMT) works flexibly in 07:00-19:00
    # with core hours 10:00-16:00; Gus (Berlin, CET) has fixed hours 08:00-17:00 local, that
    # is 07:00-16:00; Val has no arrangement (08:00-20:00 in UTC, her zone). Together:
    # 08:00-16:00. Olu (London, fixed 08:00-10:00) is optional.
    frida = await make_user("staff", name="Frida Flex", timezone="Europe/London")
    gus = await make_user("staff", name="Gus Fixed", timezone="Europe/Berlin")
    val = await make_user("volunteer", name="Val Volunteer", timezone="UTC")
    olu = await make_user("staff", name="Olu Optional", timezone="Europe/London")
    await make_arrangement(
        frida,
        kind="flexible",
        blocks=weekday_blocks(time(7), time(19)),
        window=(time(7), time(19)),
        core=(time(10), time(16)),
    )
    await make_arrangement(gus, blocks=weekday_blocks(time(8), time(17)))
    await make_arrangement(olu, blocks=weekday_blocks(time(8), time(10)))

    slots = await find_a_time(
        [(frida, True), (gus, True), (val, True), (olu, False)],
        duration=timedelta(hours=1),
        start=MONDAY,
        end=MONDAY + timedelta(days=1),
        limit=20,
    )

    # Inside Frida's core (Gus's fixed hours are all core, Val has none to keep), though Olu
    # misses each of them; then the flexible morning, Olu's hours first.
    core = [f"Mon {h:02}:{m:02}" for h in range(10, 15) for m in (0, 30)] + ["Mon 15:00"]
    assert hhmm(slots) == [*core, "Mon 08:00", "Mon 08:30", "Mon 09:00", "Mon 09:30"]
    assert [s.in_core_hours for s in slots] == [True] * 11 + [False] * 4
    assert [s.missing_optional for s in slots[11:]] == [0, 0, 0, 1]
    morning = {p.user.name: p.outside_core for p in slots[11].people}
    assert morning == {
        "Frida Flex": True,
        "Gus Fixed": False,
        "Val Volunteer": False,
        "Olu Optional": False,
    }
