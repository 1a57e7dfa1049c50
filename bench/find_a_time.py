"""Find a time for 20 attendees over two weeks, against expanding their schedules alone, in the
same run on a temporary database (SQLite unless --database-url).

    python bench/find_a_time.py [--database-url postgres://...] [--repeat 20]

The attendees work in New York, London, Nairobi and Shanghai; each has eight meetings
(some recurring) and some have leave. The ratio is find-a-time's seconds over
``schedules.service.expand_between`` for the same people and window: what meetings, busy-time
subtraction and ranking add on top of the expansion find-a-time cannot avoid.
"""

from __future__ import annotations

import statistics
import sys
import time as timer
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import arguments, bench_settings, fresh_database, run

from opsuite import clock
from opsuite.auth.models import Role, User
from opsuite.meetings.availability import find_a_time
from opsuite.meetings.models import Attendee, Meeting
from opsuite.schedules import service as schedules
from opsuite.schedules.models import TimeOff, TimeOffStatus

ZONES = ("America/New_York", "Europe/London", "Africa/Nairobi", "Asia/Shanghai")
PEOPLE = 20
NOW = datetime(2026, 3, 2, 0, tzinfo=UTC)
START, END = NOW, NOW + timedelta(days=14)


async def populate() -> list[User]:
    people = []
    admin = await User.create(
        email="admin@example.org", name="Admin", role=Role.ADMIN, created_at=NOW
    )
    for n in range(PEOPLE):
        zone = ZONES[n % len(ZONES)]
        person = await User.create(
            email=f"p{n}@example.org",
            name=f"Person {n}",
            role=Role.STAFF,
            timezone=zone,
            created_at=NOW,
        )
        people.append(person)
        blocks = tuple(schedules.BlockInput(day, time(8), time(18)) for day in range(5))
        await schedules.set_arrangement(
            admin,
            person,
            schedules.ArrangementInput("fixed", date(2026, 1, 1), zone, blocks),
        )
        if n % 5 == 0:
            await TimeOff.create(
                user=person,
                kind="vacation",
                status=TimeOffStatus.APPROVED,
                start_date=date(2026, 3, 4),
                end_date=date(2026, 3, 5),
                created_at=NOW,
            )
    for n, person in enumerate(people):
        for k in range(8):
            start = NOW + timedelta(days=k % 14, hours=9 + (n + k) % 10)
            meeting = await Meeting.create(
                uid=f"bench-{n}-{k}@example.org",
                title=f"Meeting {n}-{k}",
                organizer=person,
                timezone=person.timezone,
                starts_at=start,
                ends_at=start + timedelta(minutes=45),
                last_ends_at=None if k % 4 == 0 else start + timedelta(minutes=45),
                rrule="FREQ=WEEKLY" if k % 4 == 0 else "",
                created_at=NOW,
                updated_at=NOW,
            )
            for other in {person.id, people[(n + k + 1) % PEOPLE].id}:
                await Attendee.create(meeting=meeting, user_id=other, required=True)
    return people


async def main() -> None:
    args = arguments(__doc__ or "")
    settings = bench_settings(args.database_url)
    await fresh_database(settings)
    clock.set_now(NOW)
    people = await populate()
    ids = [p.id for p in people]
    # Eight required (none in Shanghai, which shares no working hours with New York), twelve
    # optional: the usual shape of a large invitation.
    attendees = [(p, i < 10 and p.timezone != "Asia/Shanghai") for i, p in enumerate(people)]
    repeat = 15

    async def time_it(work: object) -> list[float]:
        times = []
        for _ in range(repeat):
            started = timer.perf_counter()
            await work()  # type: ignore[operator]
            times.append(timer.perf_counter() - started)
        return times

    async def expand_only() -> None:
        await schedules.expand_between(ids, START, END)

    slots = []

    async def ours() -> None:
        slots[:] = await find_a_time(
            attendees, duration=timedelta(minutes=30), start=START, end=END
        )

    await ours()  # warm up both (imports, zone caches)
    await expand_only()
    base = await time_it(expand_only)
    mine = await time_it(ours)
    base_median, our_median = statistics.median(base), statistics.median(mine)
    ratio = our_median / base_median
    print(f"{PEOPLE} attendees, {(END - START).days} days, {repeat} runs each, median seconds")
    print(f"{'what':<36}{'median s':>12}{'best s':>12}")
    print(f"{'expand_between (baseline)':<36}{base_median:>12.4f}{min(base):>12.4f}")
    print(f"{'find_a_time':<36}{our_median:>12.4f}{min(mine):>12.4f}")
    print(f"slots found: {len(slots)}; best: {slots[0].start.isoformat() if slots else '-'}")
    print(f"RESULT ratio={ratio:.2f} find_a_time_ms={our_median * 1000:.1f} slots={len(slots)}")


if __name__ == "__main__":
    run(main)
