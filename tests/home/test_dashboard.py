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
    "staff": {"tasks"},
    "manager": {"tasks", "approvals", "working-now"},
    "admin": {"approvals", "working-now", "failed-mail", "help-requests", "scheduler"},
}
MANAGER_ONLY = {"approvals", "working-now"}
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
