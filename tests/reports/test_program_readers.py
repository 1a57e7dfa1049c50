"""A program's read-only viewer (a funder) sees that program's volunteer reports, exports without
contact data and its calendar feed, and nothing else (issue #14, defect 10)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.shifts.hours import log_offsite_hours
from opsuite.shifts.models import SignUp, SignUpStatus
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer

RANGE = "start=2026-02-01&end=2026-03-31"


async def world():
    clock.set_now(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    manager = await make_user(Role.MANAGER, timezone="UTC")
    funder = await make_user(Role.VOLUNTEER, email="funder@example.org", timezone="UTC")
    care = await make_program(manager=manager, name="Elderly care", readers=[funder])
    other = await make_program(name="Youth tutoring")
    ana = await make_volunteer(name="Ana Volunteer", email="ana@example.org", phone="+86 1")
    await log_offsite_hours(
        ana, program_id=care.id, work_date=date(2026, 2, 10), minutes=90, description="visits"
    )
    await log_offsite_hours(
        ana, program_id=other.id, work_date=date(2026, 2, 11), minutes=30, description="maths"
    )
    shift = await make_shift(await make_opportunity(program=care, manager=manager, title="Visit"))
    await SignUp.create(
        shift=shift,
        volunteer=ana,
        status=SignUpStatus.CONFIRMED,
        queued_at=clock.now(),
        created_at=clock.now(),
    )
    return {"funder": funder, "care": care, "other": other, "shift": shift}


async def test_the_funder_sees_their_programs_hours_and_fill_reports(client):
    w = await world()
    await log_in(client, w["funder"].email)

    program_page = await client.get(f"/programs/{w['care'].id}")
    index = await client.get("/reports")
    hours = await client.get(f"/reports/hours?{RANGE}")
    fill = await client.get(f"/reports/fill?{RANGE}&program={w['care'].id}")
    api = await client.get(f"/api/v1/reports/hours?{RANGE}")

    assert f'href="/reports/hours?program={w["care"].id}"' in program_page.text
    assert index.status_code == 200
    assert "/reports/hours" in index.text
    assert "/reports/imports" not in index.text
    assert hours.status_code == 200
    assert "Elderly care" in hours.text
    assert "Youth tutoring</td>" not in hours.text
    assert fill.status_code == 200
    assert "Visit" in fill.text
    assert api.status_code == 200
    assert [row["group"] for row in api.json()["rows"]] == ["Elderly care"]


async def test_the_funder_is_refused_another_programs_and_staff_reports(client):
    w = await world()
    await log_in(client, w["funder"].email)

    other = await client.get(f"/reports/hours?{RANGE}&program={w['other'].id}")
    other_api = await client.get(f"/api/v1/reports/fill?{RANGE}&program={w['other'].id}")
    coverage = await client.get("/reports/coverage")
    throughput = await client.get("/api/v1/reports/throughput")
    people = await client.get("/reports/exports/people")
    meetings = await client.get("/api/v1/reports/exports/meetings")
    imports = await client.get("/reports/imports")

    for response in (other, other_api, coverage, throughput, people, meetings, imports):
        assert response.status_code == 403, response.url


async def test_the_funders_exports_hold_names_but_no_contact_data(client):
    w = await world()
    await log_in(client, w["funder"].email)

    page = await client.get("/reports/exports")
    signups = await client.get("/reports/exports/signups?format=csv")
    hours = await client.get("/api/v1/reports/exports/hours?format=json")

    assert page.status_code == 200
    assert "/reports/exports/signups" in page.text
    assert "/reports/exports/people" not in page.text
    rows = list(csv.DictReader(io.StringIO(signups.text)))
    assert [r["volunteer"] for r in rows] == ["Ana Volunteer"]
    assert "email" not in rows[0]
    assert "ana@example.org" not in signups.text
    assert [(r["program"], r["minutes"]) for r in hours.json()] == [("Elderly care", 90)]
    assert "ana@example.org" not in hours.text
    assert "+86 1" not in hours.text


async def test_the_funder_subscribes_to_their_programs_feed_only(client):
    w = await world()
    await log_in(client, w["funder"].email)

    page = await client.get("/me/feeds")
    created = await post_form(
        client,
        "/me/feeds/new",
        {"kind": "program", "program_id": str(w["care"].id)},
        from_page="/me/feeds",
    )
    refused = await post_form(
        client,
        "/me/feeds/new",
        {"kind": "program", "program_id": str(w["other"].id)},
        from_page="/me/feeds",
    )
    public = await post_form(
        client,
        "/me/feeds/new",
        {"kind": "public", "program_id": str(w["care"].id)},
        from_page="/me/feeds",
    )

    assert f'<option value="{w["care"].id}">Elderly care</option>' in page.text
    assert created.status_code == 200
    url = created.text.split("http://testserver/feeds/", 1)[1].split('"', 1)[0].split("<", 1)[0]
    feed = await client.get(f"/feeds/{url}")
    assert feed.status_code == 200
    assert "SUMMARY:Visit" in feed.text
    assert "ana@example.org" not in feed.text
    assert "Ana Volunteer" not in feed.text
    assert refused.status_code == 403
    assert public.status_code == 403


async def test_a_volunteer_without_read_access_still_gets_no_reports(client):
    await world()
    volunteer = await make_volunteer()
    await log_in(client, volunteer.email)
    for path in ("/reports", "/reports/hours", "/reports/exports", "/api/v1/reports/hours"):
        assert (await client.get(path)).status_code == 403, path
