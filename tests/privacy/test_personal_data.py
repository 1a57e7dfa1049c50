"""A person's own data: "download my data" holds everything about them and nothing of anyone
else; an admin's "erase this person" leaves no trace of their name, address or phone anywhere in
the database, keeps the program's totals, and ends their logins."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from opsuite import clock
from opsuite.applications.service import Minor, add_check, apply, record_check
from opsuite.audit.models import Activity
from opsuite.auth.models import User
from opsuite.feeds.models import FeedKind
from opsuite.feeds.service import create_feed
from opsuite.notify.preferences import save_preferences
from opsuite.reports.service.backup import write_backup
from opsuite.reports.service.filters import ReportFilter
from opsuite.reports.service.volunteering import volunteer_hours
from opsuite.shifts.hours import log_offsite_hours
from opsuite.shifts.models import SignUp, SignUpStatus
from opsuite.shifts.service import sign_up
from opsuite.shifts.service.availability import WeeklyBlock, add_blackout, set_weekly_availability
from opsuite.tasks.service import add_comment
from tests.conftest import log_in, post_form
from tests.factories.applications import ANSWERS, require_applications
from tests.factories.auth import PASSWORD, make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_program, make_team
from tests.factories.schedules import make_arrangement, make_leave
from tests.factories.shifts import make_opportunity, make_shift
from tests.factories.tasks import make_board, make_task

NAME = "Zhao Meilin"
EMAIL = "zhao.meilin@example.org"
PHONE = "+86 139 5550 1234"
# What applying and volunteering leave that holds no name of the person's.
ANSWER = "I use a wheelchair on Tuesdays"
GUARDIAN, GUARDIAN_EMAIL = "Lan Guardian", "lan.guardian@example.org"
BIRTH = date(2011, 5, 1)
CHECK_NOTE = "Certificate seen, number 88-17"
BLACKOUT_NOTE = "Hospital appointments"


@dataclass
class World:
    person: User
    other: User
    admin: User
    program_id: int
    shift_id: int
    ids: dict[str, int]


async def build_world(settings: Any) -> World:
    """One person with something in every area, and a colleague with the same kinds of things."""
    admin = await make_user("admin")
    manager = await make_user("manager")
    person = await make_user(
        "staff", name=NAME, email=EMAIL, phone=PHONE, skills=["first aid", "Cantonese"]
    )
    other = await make_user("staff", name="Other Colleague", email="other@example.org")
    team = await make_team(manager=manager, members=[person, other])
    program = await make_program(manager=manager)
    opportunity = await make_opportunity(program=program, manager=manager)
    shift = await make_shift(opportunity, capacity=4)
    mine = await sign_up(person, shift.id, settings=settings)
    await sign_up(other, shift.id, settings=settings)
    today = clock.now().date()
    hours = await log_offsite_hours(
        person,
        program_id=program.id,
        work_date=today - timedelta(days=1),
        minutes=90,
        description=f"Sorted boxes; ask {NAME} at {PHONE}",
    )
    await log_offsite_hours(
        other,
        program_id=program.id,
        work_date=today - timedelta(days=1),
        minutes=45,
        description="Sorted boxes too",
    )
    arrangement = await make_arrangement(person, actor=admin)
    leave = await make_leave(person, today + timedelta(days=10), settings=settings)
    await make_leave(other, today + timedelta(days=12), settings=settings)
    organised = await make_meeting(
        settings=settings,
        organizer=person,
        starts_at=clock.now() + timedelta(days=2),
        title="Volunteer onboarding",
        attendees=[other],
    )
    invited = await make_meeting(
        settings=settings,
        organizer=other,
        starts_at=clock.now() + timedelta(days=3),
        title="Budget review",
        attendees=[person],
    )
    board = await make_board(manager=manager, members=[person, other])
    assigned = await make_task(board, settings=settings, by=manager, assignees=[person])
    created = await make_task(board, settings=settings, by=person, title="Call the printer")
    not_mine = await make_task(
        board, settings=settings, by=other, title="Not mine", assignees=[other]
    )
    comment = await add_comment(
        person, assigned.id, f"On it. Call me on {PHONE}. {NAME}", settings=settings
    )
    await add_comment(other, assigned.id, f"Thanks {NAME}!", settings=settings)
    feed = await create_feed(person, FeedKind.PERSON)
    await create_feed(other, FeedKind.PERSON)
    await save_preferences(
        person, disabled_kinds=set(), lead_minutes={}, quiet_start=None, quiet_end=None
    )
    application = await _volunteering(person, manager, settings)
    return World(
        person=person,
        other=other,
        admin=admin,
        program_id=program.id,
        shift_id=shift.id,
        ids={
            "team": team.id,
            "signup": mine.id,
            "hours": hours.id,
            "arrangement": arrangement.id,
            "leave": leave.id,
            "organised": organised.id,
            "invited": invited.id,
            "assigned": assigned.id,
            "created": created.id,
            "not_mine": not_mine.id,
            "comment": comment.id,
            "feed": feed.feed.id,
            "application": application,
        },
    )


async def _volunteering(person: User, manager: User, settings: Any) -> int:
    """The person applies to a program as a minor (a guardian named), a coordinator records a
    check, and they give their availability: the application's id."""
    program = await make_program(manager=manager)
    await require_applications(program, guardian_age=18)
    application = await apply(
        person, program, version=1, answers={**ANSWERS, "q1": ANSWER}, consents=["c1"],
        minor=Minor(BIRTH, guardian_name=GUARDIAN, guardian_email=GUARDIAN_EMAIL),
        settings=settings,
    )  # fmt: skip
    check = await add_check(manager, program, name="Training done", expires=False)
    await record_check(
        manager, program, check_id=check.id, volunteer_id=person.id,
        done_on=clock.now().date(), expires_on=None, note=CHECK_NOTE,
    )  # fmt: skip
    await set_weekly_availability(person, [WeeklyBlock(1, 18 * 60, 21 * 60)])
    day = clock.now().date() + timedelta(days=20)
    await add_blackout(person, first_day=day, last_day=day, note=BLACKOUT_NOTE)
    return application.id


async def download(client: Any, email: str) -> dict[str, Any]:
    await log_in(client, email)
    response = await client.get("/me/data.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    data: dict[str, Any] = response.json()
    return data


def ids(rows: list[dict[str, Any]], key: str = "id") -> list[Any]:
    return [row[key] for row in rows]


async def test_download_holds_each_section_with_my_rows(client, settings, frozen_clock):
    world = await build_world(settings)
    data = await download(client, EMAIL)
    assert data["profile"]["name"] == NAME
    assert data["profile"]["phone"] == PHONE
    assert data["profile"]["skills"] == ["first aid", "Cantonese"]
    assert ids(data["team_memberships"], "team_id") == [world.ids["team"]]
    assert ids(data["shift_signups"]) == [world.ids["signup"]]
    assert ids(data["volunteer_hours"]) == [world.ids["hours"]]
    assert data["volunteer_hours"][0]["minutes"] == 90
    assert ids(data["work_arrangements"]) == [world.ids["arrangement"]]
    assert ids(data["leave_requests"]) == [world.ids["leave"]]
    assert ids(data["meetings_organised"]) == [world.ids["organised"]]
    # The organiser is on their own meeting's list too.
    invited = set(ids(data["meetings_invited_to"], "meeting_id"))
    assert invited == {world.ids["invited"], world.ids["organised"]}
    assert "response" in data["meetings_invited_to"][0]
    assigned = ids(data["tasks_assigned"], "task_id")
    assert world.ids["assigned"] in assigned
    assert world.ids["not_mine"] not in assigned
    assert ids(data["tasks_created"]) == [world.ids["created"]]
    assert ids(data["task_comments"]) == [world.ids["comment"]]
    assert ids(data["calendar_feeds"]) == [world.ids["feed"]]
    assert len(data["notification_preferences"]) == 1
    [applied] = data["applications"]
    assert applied["id"] == world.ids["application"]
    assert applied["answers"]["q1"] == ANSWER
    assert applied["birth_date"] == BIRTH.isoformat()
    assert applied["guardian_email"] == GUARDIAN_EMAIL
    assert data["consents_accepted"][0]["consent_key"] == "c1"
    assert data["guardian_consents"][0]["answer"] == "waiting"
    assert data["check_records"][0]["note"] == CHECK_NOTE
    assert data["availability"] == [
        {"weekday": 1, "start_minute": 1080, "end_minute": 1260, "timezone": world.person.timezone}
    ]
    assert data["blackouts"][0]["note"] == BLACKOUT_NOTE
    assert data["activity"]
    assert all(
        row["actor_id"] == world.person.id or row["target_id"] == str(world.person.id)
        for row in data["activity"]
    )


async def test_download_holds_nothing_of_other_people_nor_secrets(client, settings, frozen_clock):
    world = await build_world(settings)
    text = json.dumps(await download(client, EMAIL), ensure_ascii=False)
    for trace in (world.other.name, world.other.email, "Not mine", "Sorted boxes too"):
        assert trace not in text
    assert "token_hash" not in text
    assert "password" not in text


async def test_erasing_needs_the_address_typed_and_an_admin(client, settings, frozen_clock):
    world = await build_world(settings)
    await log_in(client, world.other.email)
    assert (await client.get(f"/people/{world.person.id}/erase")).status_code == 403
    await client.post("/logout", data={"csrf_token": client.cookies["opsuite_csrf"]})
    await log_in(client, world.admin.email)
    wrong = await post_form(
        client, f"/people/{world.person.id}/erase", {"confirm_email": "someone@example.org"}
    )
    assert wrong.status_code == 400
    assert "not this person&#39;s email address" in wrong.text
    assert (await User.get(id=world.person.id)).name == NAME


async def hours_totals(world: World) -> dict[str, Any]:
    start = clock.now().date() - timedelta(days=30)
    report = await volunteer_hours(
        world.admin,
        ReportFilter(
            start=start,
            end=start + timedelta(days=60),
            timezone="UTC",
            group="program",
            program_id=world.program_id,
        ),
    )
    return report.totals


async def dump() -> str:
    out = io.StringIO()
    await write_backup(out)
    return out.getvalue()


async def test_erasure_leaves_no_trace_and_keeps_the_totals(client, settings, frozen_clock):
    world = await build_world(settings)
    before = await hours_totals(world)
    confirmed = SignUp.filter(shift_id=world.shift_id, status=SignUpStatus.CONFIRMED)
    places_before = await confirmed.count()
    # The traces erasure must find, besides the person's own rows.
    text = await dump()
    for trace in (NAME, EMAIL, PHONE, ANSWER, GUARDIAN_EMAIL, BIRTH.isoformat(), BLACKOUT_NOTE):
        assert trace in text, trace

    await log_in(client, world.admin.email)
    response = await post_form(
        client, f"/people/{world.person.id}/erase", {"confirm_email": EMAIL.upper()}
    )
    assert response.status_code == 303

    text = await dump()
    for trace in (NAME, EMAIL, PHONE, "Cantonese", ANSWER, GUARDIAN, GUARDIAN_EMAIL,
                  BIRTH.isoformat(), CHECK_NOTE, BLACKOUT_NOTE):  # fmt: skip
        assert trace not in text, trace
    assert await hours_totals(world) == before
    assert before["records"] == 2
    assert await confirmed.count() == places_before
    erased = await User.get(id=world.person.id)
    assert erased.name == f"Erased person #{erased.id}"
    assert not erased.is_active
    entry = await Activity.get(action="people.person.erased")
    assert entry.actor_id == world.admin.id
    assert entry.target_id == str(erased.id)
    # The colleague's own words stay; only the name in them is replaced.
    assert f"Thanks Erased person #{erased.id}!" in text


async def test_an_erased_person_cannot_log_in(app, client, settings, frozen_clock):
    world = await build_world(settings)
    await log_in(client, world.admin.email)
    await post_form(client, f"/people/{world.person.id}/erase", {"confirm_email": EMAIL})
    await client.post("/logout", data={"csrf_token": client.cookies["opsuite_csrf"]})
    for email in (EMAIL, f"erased-{world.person.id}@erased.invalid"):
        response = await post_form(client, "/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 400
    assert (await client.get("/me")).status_code == 303


async def test_an_admin_cannot_erase_themself(client, settings, frozen_clock):
    admin = await make_user("admin")
    await log_in(client, admin.email)
    response = await post_form(client, f"/people/{admin.id}/erase", {"confirm_email": admin.email})
    assert response.status_code == 400
    assert (await User.get(id=admin.id)).is_active


async def test_erasure_replaces_a_short_name_only_where_it_is_a_word(
    client, settings, frozen_clock
):
    admin = await make_user("admin")
    manager = await make_user("manager")
    ann = await make_user("staff", name="Ann", email="ann@example.org")
    board = await make_board(manager=manager, members=[ann])
    task = await make_task(board, settings=settings, by=manager, title="Annual report")
    await add_comment(manager, task.id, "Annual figures are in, thanks Ann.", settings=settings)
    await log_in(client, admin.email)
    response = await post_form(client, f"/people/{ann.id}/erase", {"confirm_email": ann.email})
    assert response.status_code == 303
    text = await dump()
    assert f"Annual figures are in, thanks Erased person #{ann.id}." in text
    assert '"Annual report"' in text
