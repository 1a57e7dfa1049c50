"""Input no database could hold is refused where it arrives, on SQLite and PostgreSQL alike:
NUL bytes and control characters (issue #14, defect 5) and integers past 32 bits (defect 6).
A form gets a field error and shows what was typed without the bad characters; the API answers
400 naming the field; an address with them is a 404; nothing is half-saved."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.auth.models import Role, User
from opsuite.meetings.models import Meeting
from opsuite.people.models import Team
from opsuite.shifts.models import Shift
from opsuite.tasks.models import Task
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.auth import make_user
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of
from tests.factories.tasks import make_board

HUGE = 2**63
CONTROL_MESSAGE = "This contained a control character (such as a NUL byte), removed below"


def page_text(response) -> str:
    return html.unescape(response.text)


async def test_profile_form_refuses_a_nul_and_shows_the_rest_of_what_was_typed(client):
    person = await make_user("staff", name="Old Name")
    await log_in(client, person.email)

    sent = await post_form(
        client,
        "/me",
        {"name": "Wang\x00Fang", "timezone": "Asia/Shanghai", "locale": "en", "phone": ""},
    )

    assert sent.status_code == 400
    assert CONTROL_MESSAGE in page_text(sent)
    assert 'value="WangFang"' in sent.text
    assert "\x00" not in sent.text
    assert (await User.get(id=person.id)).name == "Old Name"


async def test_meeting_form_refuses_control_characters_in_one_line_fields_only(client):
    organiser = await make_user("staff")
    await log_in(client, organiser.email)
    day = (clock.now() + timedelta(days=3)).date().isoformat()
    meeting = {
        "date": day,
        "start_time": "10:00",
        "end_time": "11:00",
        "timezone": "Asia/Shanghai",
        "mode": "in_person",
        "location": "Room 1",
    }

    refused = await post_form(
        client, "/meetings/new", {**meeting, "title": "Plan\x07ning", "description": "ok"}
    )
    assert refused.status_code == 400
    assert CONTROL_MESSAGE in page_text(refused)
    assert 'value="Planning"' in refused.text
    nul_in_text_area = await post_form(
        client, "/meetings/new", {**meeting, "title": "Planning", "description": "a\x00b"}
    )
    assert nul_in_text_area.status_code == 400
    assert not await Meeting.exists()

    # Line breaks and tabs are what a text area is for.
    saved = await post_form(
        client,
        "/meetings/new",
        {**meeting, "title": "Planning", "description": "first line\r\n\tsecond line"},
    )
    assert saved.status_code == 303, saved.text
    assert (await Meeting.get()).description.replace("\r\n", "\n") == "first line\n\tsecond line"


async def test_task_form_refuses_a_nul_in_its_title(client):
    manager = await make_user("manager")
    board = await make_board(manager=manager)
    await log_in(client, manager.email)

    sent = await post_form(
        client,
        f"/boards/{board.id}/tasks/new",
        {"title": "Buy\x00rice", "priority": "normal", "description": ""},
    )

    assert sent.status_code == 400
    assert CONTROL_MESSAGE in page_text(sent)
    assert not await Task.exists()


async def test_shift_form_refuses_a_nul_and_a_number_too_large(client):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    await log_in(client, manager.email)
    day = (clock.now() + timedelta(days=5)).date().isoformat()
    shift = {"day": day, "start": "09:00", "end": "12:00", "timezone": "Asia/Shanghai"}
    path = f"/opportunities/{opportunity.id}/shifts/new"

    nul = await post_form(client, path, {**shift, "capacity": "3", "location": "Hall\x00 B"})
    huge = await post_form(client, path, {**shift, "capacity": str(HUGE), "location": "Hall B"})

    assert nul.status_code == 400
    assert CONTROL_MESSAGE in page_text(nul)
    assert 'value="Hall B"' in nul.text
    assert huge.status_code == 400
    assert "That number is too large." in page_text(huge)
    assert not await Shift.exists()


async def test_csv_import_refuses_rows_with_control_characters(client):
    await make_user(Role.ADMIN, email="root@example.org")
    await log_in(client, "root@example.org")
    token = await csrf_token(client, "/reports/imports")
    body = "email,name\nnul@example.org,Nu\x00l\nbell@example.org,Be\x07ll\n"

    sent = await client.post(
        "/reports/imports",
        data={"csrf_token": token, "kind": "people", "mode": "all"},
        files={"file": ("people.csv", body.encode(), "text/csv")},
    )

    assert sent.status_code == 200
    assert "This cell contains a control character." in page_text(sent)
    assert "<td>2</td><td>name</td>" in sent.text
    assert "<td>3</td><td>name</td>" in sent.text
    assert not await User.filter(email__in=["nul@example.org", "bell@example.org"]).exists()


async def test_json_bodies_with_control_characters_or_huge_numbers_are_a_400_naming_the_field(
    client,
):
    admin = await make_user("admin", name="Admin")
    await log_in(client, admin.email)
    headers = {"x-csrf-token": await csrf_token(client, "/me")}
    opportunity = await make_opportunity()
    start = (clock.now() + timedelta(days=2)).replace(microsecond=0)
    cases = [
        ("PATCH", "/api/v1/me", {"name": "Ad\x00min"}, "name"),
        ("PATCH", "/api/v1/me", {"skills": ["ok", "first\x01aid"]}, "skills"),
        ("POST", "/api/v1/teams", {"name": "Team\x00"}, "name"),
        ("POST", "/api/v1/teams", {"name": "Team", "manager_id": HUGE}, "manager_id"),
        (
            "POST",
            "/api/v1/shifts",
            {
                "opportunity_id": opportunity.id,
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=2)).isoformat(),
                "timezone": "UTC",
                "capacity": HUGE,
            },
            "capacity",
        ),
        ("POST", "/api/v1/shifts", {"opportunity_id": HUGE}, "opportunity_id"),
    ]
    for method, path, payload, field in cases:
        response = await client.request(method, path, json=payload, headers=headers)
        assert response.status_code == 400, (path, payload, response.text)
        body = response.json()
        assert body["field"] == field, (path, payload, body)
        assert body["error"]
    assert (await User.get(id=admin.id)).name == "Admin"
    assert not await Team.exists()
    assert not await Shift.exists()


async def test_addresses_with_control_characters_or_huge_ids_are_not_found(client):
    admin = await make_user("admin")
    await log_in(client, admin.email)
    for path in (
        f"/people/{HUGE}",
        f"/shifts/{HUGE}",
        f"/tasks/{HUGE}",
        "/people/1%00",
        "/meetings/1%01",
        "/help/a%00b",
        f"/people/{'9' * 5000}",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
    api = await client.get(f"/api/v1/shifts/{HUGE}")
    assert api.status_code == 404
    assert api.json()["error"]


async def test_query_strings_with_control_characters_or_huge_numbers_are_a_400(client):
    admin = await make_user("admin")
    await log_in(client, admin.email)
    cases = [
        ("/people?q=a%00b", "q"),
        ("/api/v1/people?q=%01", "q"),
        (f"/api/v1/people?page={HUGE}", "page"),
        (f"/api/v1/people?per_page={HUGE}", "per_page"),
        (f"/people?team={HUGE}", "team"),
    ]
    for path, field in cases:
        response = await client.get(path, headers={"accept": "application/json"})
        assert response.status_code == 400, (path, response.text)
        assert response.json()["field"] == field, path


@pytest.mark.parametrize("signup_id", [str(HUGE), "4294967296", "1\x00"])
async def test_a_check_in_for_an_impossible_signup_id_is_a_400(client, signup_id):
    shift = await make_shift()
    volunteer = await make_volunteer()
    await log_in(client, volunteer.email)

    sent = await post_form(
        client, f"/shifts/{shift.id}/checkin", {"signup_id": signup_id}, from_page="/me"
    )

    assert sent.status_code == 400
