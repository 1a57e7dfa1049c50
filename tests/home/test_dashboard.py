"""The home page is a dashboard: each role sees what needs them, with the demo's own items."""

import html
import re

import pytest

from opsuite import clock
from opsuite.auth.models import User
from opsuite.demo import DEMO_DOMAIN, DEMO_PASSWORD, load_demo
from opsuite.schedules.service import pending_leave, people_managed_by
from opsuite.shifts.models import SignUp
from opsuite.shifts.service import ACTIVE_STATUSES
from tests.conftest import log_in

SECTIONS = {
    "volunteer": {"next-shifts", "open-shifts", "hours"},
    "staff": {"today", "meetings-today", "tasks"},
    "manager": {"today", "tasks", "approvals", "working-now", "short-shifts", "overdue-boards"},
    "admin": {"approvals", "working-now", "failed-mail", "help-requests", "scheduler"},
}
MANAGER_ONLY = {"approvals", "working-now", "short-shifts", "overdue-boards"}
ADMIN_ONLY = {"failed-mail", "help-requests", "scheduler"}


def sections(html: str) -> set[str]:
    return set(re.findall(r'<section class="card" id="([\w-]+)"', html))


@pytest.fixture
async def demo(settings):
    await load_demo(settings)


@pytest.mark.parametrize("role", sorted(SECTIONS))
async def test_each_role_sees_its_sections_and_not_those_above_it(client, demo, role):
    await log_in(client, f"{role}@{DEMO_DOMAIN}", DEMO_PASSWORD)

    page = await client.get("/")

    assert page.status_code == 200
    shown = sections(page.text)
    assert SECTIONS[role] <= shown
    if role in ("volunteer", "staff"):
        assert not shown & (MANAGER_ONLY | ADMIN_ONLY)
    if role == "manager":
        assert not shown & ADMIN_ONLY


async def test_a_volunteer_sees_their_next_demo_shift_linked(client, demo):
    volunteer = await User.get(email=f"volunteer@{DEMO_DOMAIN}")
    upcoming = (
        await SignUp.filter(
            volunteer_id=volunteer.id,
            status__in=ACTIVE_STATUSES,
            shift__ends_at__gt=clock.now(),
        )
        .order_by("shift__starts_at")
        .prefetch_related("shift__opportunity")
        .first()
    )
    assert upcoming is not None, "the demo gives the volunteer a shift to come"
    await log_in(client, volunteer.email, DEMO_PASSWORD)

    page = await client.get("/")

    next_shifts = page.text.split('id="next-shifts"')[1].split("</section>")[0]
    assert f'href="/shifts/{upcoming.shift_id}"' in next_shifts
    assert upcoming.shift.opportunity.title in next_shifts
    assert not re.search(r"\d:\d\d:\d\d", page.text), "no seconds in times"


async def test_a_manager_sees_the_demo_leave_request_waiting(client, demo):
    # The demo's waiting request (staff4's dentist visit) is for whichever manager runs their team.
    for email in (f"manager@{DEMO_DOMAIN}", f"manager2@{DEMO_DOMAIN}"):
        manager = await User.get(email=email)
        waiting = await pending_leave(await people_managed_by(manager))
        if waiting:
            break
    assert waiting, "the demo has a leave request waiting for one of its managers"
    await log_in(client, manager.email, DEMO_PASSWORD)

    page = await client.get("/")

    approvals = page.text.split('id="approvals"')[1].split("</section>")[0]
    assert any(leave.user.name in html.unescape(approvals) for leave in waiting), approvals
    assert "/schedule/approvals" in approvals


async def test_someone_signed_out_gets_the_welcome(client):
    page = await client.get("/")

    assert page.status_code == 200
    assert "/login" in page.text
    assert not sections(page.text)


def _section(page: str, name: str) -> str:
    return html.unescape(page.split(f'id="{name}"')[1].split("</section>")[0])


async def test_a_manager_sees_this_weeks_demo_shifts_still_short_of_people(client, demo):
    from datetime import timedelta

    from opsuite.people.access import managed_programs
    from opsuite.shifts.models import Shift, ShiftStatus
    from opsuite.shifts.service import counts_for

    manager = await User.get(email=f"manager@{DEMO_DOMAIN}")
    now = clock.now()
    programs = [p.id for p in await managed_programs(manager)]
    week = await Shift.filter(
        opportunity__program_id__in=programs,
        status=ShiftStatus.SCHEDULED,
        starts_at__gt=now,
        starts_at__lt=now + timedelta(days=7),
    ).order_by("starts_at", "id")
    counts = await counts_for([s.id for s in week])
    short = [s for s in week if counts[s.id].free(s.capacity) > 0]
    assert short, "the demo has a shift this week with places open"
    await log_in(client, manager.email, DEMO_PASSWORD)

    section = _section((await client.get("/")).text, "short-shifts")

    first = short[0]
    assert f'href="/shifts/{first.id}"' in section
    from opsuite.web.i18n import gettext, use_locale

    with use_locale(manager.locale):  # the demo manager reads Chinese
        filled = gettext(
            "%(filled)s of %(capacity)s places filled",
            filled=counts[first.id].confirmed,
            capacity=first.capacity,
        )
    assert filled in section


async def test_staff_see_their_day_from_their_schedule_in_their_zone(client, demo):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from opsuite.home.service import dashboard
    from opsuite.schedules.service import expand

    staff = await User.get(email=f"staff@{DEMO_DOMAIN}")
    zone = ZoneInfo(staff.timezone)
    day = clock.now().astimezone(zone).date()
    while day.weekday() >= 5:  # the demo's staff work weekdays
        day += timedelta(days=1)
    blocks = (await expand([staff.id], day, day + timedelta(days=1)))[staff.id]
    assert any(b.is_working for b in blocks), "the demo staff member works that day"
    from datetime import datetime, time

    morning = datetime.combine(day, time(8, 0), tzinfo=zone)

    board = await dashboard(staff, settings=None, now=morning)  # type: ignore[arg-type]

    assert [(b.start, b.end, b.kind) for b in board.today] == [
        (b.start, b.end, b.kind) for b in blocks
    ]


async def test_an_admin_sees_every_demo_leave_request_waiting_and_the_scheduler(client, demo):
    waiting = await pending_leave(None)  # an admin decides on everyone's
    assert waiting, "the demo has a leave request waiting"
    await log_in(client, f"admin@{DEMO_DOMAIN}", DEMO_PASSWORD)

    page = (await client.get("/")).text

    approvals = _section(page, "approvals")
    assert all(leave.user.name in approvals for leave in waiting[:10]), approvals
    assert "/admin/scheduler" in _section(page, "scheduler")
