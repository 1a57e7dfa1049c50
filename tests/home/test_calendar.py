"""My calendar: everything of mine in one view, in a fixed number of queries."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from opsuite import clock
from opsuite.home.service import my_calendar
from opsuite.shifts.service.signups import sign_up
from tests.conftest import log_in
from tests.factories.auth import PASSWORD, make_user
from tests.factories.meetings import make_meeting
from tests.factories.schedules import make_arrangement
from tests.factories.shifts import make_shift
from tests.factories.tasks import make_board, make_task

ZONE = "Europe/London"


def monday() -> datetime:
    day = clock.now().astimezone(ZoneInfo(ZONE)).date() + timedelta(days=7)
    day -= timedelta(days=day.weekday())
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(ZONE))


async def fill_week(person, settings, n: int) -> None:
    week = monday()
    board = await make_board(manager=await make_user("manager"), members=[person])
    for i in range(n):
        start = week + timedelta(days=i % 5, hours=10 + i // 5)
        await make_meeting(settings=settings, starts_at=start, title=f"M{i}", attendees=[person])
        await make_task(
            board, settings=settings, title=f"T{i}", assignees=[person], due_date=start.date()
        )
        shift = await make_shift(starts_at=start + timedelta(hours=4), hours=1)
        await sign_up(person, shift.id, settings=settings)


async def test_my_calendar_has_each_kind_and_costs_the_same_queries_for_more(settings, queries):
    few = await make_user("staff", timezone=ZONE)
    many = await make_user("staff", timezone=ZONE)
    for person in (few, many):
        await make_arrangement(person)
    await fill_week(few, settings, 1)
    await fill_week(many, settings, 6)
    week = monday()

    before = queries.count
    small = await my_calendar(few, week, week + timedelta(days=7))
    middle = queries.count
    large = await my_calendar(many, week, week + timedelta(days=7))
    after = queries.count

    assert {e.kind for e in small} == {"meeting", "mine", "work", "task"}
    assert sum(e.kind == "meeting" for e in large) == 6
    assert sum(e.kind == "task" and e.all_day for e in large) == 6
    assert sum(e.kind == "mine" for e in large) == 6
    assert sum(e.kind == "work" for e in large) == 5  # Monday to Friday
    assert after - middle == middle - before


async def test_a_volunteer_sees_meetings_and_shifts_not_work(client, settings):
    volunteer = await make_user("volunteer", timezone=ZONE)
    await fill_week(volunteer, settings, 1)
    week = monday()

    entries = await my_calendar(volunteer, week, week + timedelta(days=7))
    await log_in(client, volunteer.email, PASSWORD)
    page = await client.get(f"/calendar?view=agenda&date={week.date().isoformat()}")

    assert {e.kind for e in entries} == {"meeting", "mine"}  # tasks and work are staff things
    assert page.status_code == 200
    assert "M0" in page.text
    bad = await client.get("/calendar?view=year")
    assert bad.status_code == 400
    assert "Choose day, week, month or agenda." in bad.text
