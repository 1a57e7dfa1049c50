"""Report pages, downloads and exports through HTTP, as a manager and an admin would use them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.shifts.hours import log_offsite_hours
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer

RANGE = "start=2026-02-01&end=2026-02-28"


async def world():
    manager = await make_user(Role.MANAGER, email="mia@example.org", timezone="UTC")
    food = await make_program(manager=manager, name="食物银行 Food bank")
    other = await make_program(name="Shelter")
    clock.set_now(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    ana = await make_volunteer(name='=HYPERLINK("http://evil")')
    await log_offsite_hours(
        ana, program_id=food.id, work_date=date(2026, 2, 10), minutes=90, description="sorting"
    )
    await log_offsite_hours(
        ana, program_id=other.id, work_date=date(2026, 2, 11), minutes=30, description="+beds"
    )
    return manager, food, other


async def test_report_page_shows_table_and_accessible_chart(client):
    await world()
    await log_in(client, "mia@example.org")
    page = await client.get(f"/reports/hours?{RANGE}")
    assert page.status_code == 200
    assert "食物银行 Food bank" in page.text
    assert "Shelter</td>" not in page.text
    assert "<svg" in page.text
    assert "<title" in page.text
    assert "<desc" in page.text
    assert "Download CSV" in page.text


async def test_csv_and_json_hold_exactly_the_rows_on_screen(client):
    await world()
    await log_in(client, "mia@example.org")
    downloaded = await client.get(f"/reports/hours?{RANGE}&group=volunteer&format=csv")
    assert downloaded.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(downloaded.text)))
    assert rows[0] == ["Volunteer", "Approved hours", "Pending hours", "Entries"]
    # A name that a spreadsheet would run as a formula is escaped with a leading quote.
    assert rows[1][0].startswith("'=HYPERLINK")
    assert rows[1][1:] == ["0.0", "1.5", "1"]
    assert len(rows) == 2
    as_json = (await client.get(f"/reports/hours?{RANGE}&format=json")).json()
    assert as_json["rows"] == [
        {"group": "食物银行 Food bank", "approved_hours": 0.0, "pending_hours": 1.5, "records": 1}
    ]
    excel = await client.get(f"/reports/hours?{RANGE}&format=csv&bom=1")
    assert excel.content.startswith("\ufeff".encode())


async def test_bad_filter_is_shown_on_the_form_not_a_server_error(client):
    await world()
    await log_in(client, "mia@example.org")
    page = await client.get("/reports/hours?start=yesterday")
    assert page.status_code == 400
    assert "Enter a date like 2026-03-31." in page.text
    api = await client.get("/api/v1/reports/hours?start=yesterday")
    assert api.status_code == 400
    assert api.json()["field"] == "start"


async def test_manager_cannot_report_on_another_program(client):
    _manager, _food, other = await world()
    await log_in(client, "mia@example.org")
    response = await client.get(f"/api/v1/reports/hours?program={other.id}")
    assert response.status_code == 403


async def test_api_report_matches_the_page_and_every_report_renders(client):
    await world()
    admin = await make_user(Role.ADMIN, email="root@example.org")
    assert admin
    await log_in(client, "root@example.org")
    body = (await client.get(f"/api/v1/reports/hours?{RANGE}")).json()
    assert [r["group"] for r in body["rows"]] == ["Shelter", "食物银行 Food bank"]
    for name in ("fill", "coverage", "throughput", "leave"):
        assert (await client.get(f"/reports/{name}")).status_code == 200, name
        assert (await client.get(f"/api/v1/reports/{name}")).status_code == 200, name
    assert (await client.get("/api/v1/reports/nothing")).status_code == 404


async def test_exports_stream_csv_with_chinese_intact_and_formulas_escaped(client):
    await world()
    await make_user(Role.ADMIN, email="root@example.org", name="管理员")
    await log_in(client, "root@example.org")
    people = await client.get("/reports/exports/people?format=csv&bom=1")
    assert people.status_code == 200
    text = people.content.decode("utf-8")
    assert text.startswith("\ufeffid,email,name,")
    assert "管理员" in text
    assert "'=HYPERLINK" in text
    assert "password" not in text
    hours = await client.get("/api/v1/reports/exports/hours?format=json")
    records = json.loads(hours.text)
    assert sorted(r["minutes"] for r in records) == [30, 90]
    assert {r["program"] for r in records} == {"Shelter", "食物银行 Food bank"}


async def test_manager_exports_only_what_they_run(client):
    await world()
    await log_in(client, "mia@example.org")
    hours = json.loads((await client.get("/reports/exports/hours?format=json")).text)
    assert [r["program"] for r in hours] == ["食物银行 Food bank"]
    assert (await client.get("/reports/exports/planets")).status_code == 404


async def test_a_manager_picks_the_person_by_name_and_the_choice_stays(client):
    await world()
    await make_volunteer(name="王芳 Wang Fang")
    await log_in(client, "mia@example.org")
    page = (await client.get(f"/reports/hours?{RANGE}")).text
    assert '<select id="person" name="person"' in page
    assert "王芳 Wang Fang (" in page
    assert 'inputmode="numeric"' not in page  # no id box to guess into
    from opsuite.auth.models import User

    wang = await User.get(name="王芳 Wang Fang")
    chosen = (await client.get(f"/reports/hours?{RANGE}&person={wang.id}")).text
    assert f'<option value="{wang.id}" selected>' in chosen
