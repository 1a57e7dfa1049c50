"""A program's report for funders over HTTP: the page, its CSV and JSON, the narrative, share
links (open, revoked, unknown) and the API; and the hours cross-tab of programs by month."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.reports.models import ReportNarrative, ReportShareLink
from opsuite.shifts.hours import decide_hours, log_offsite_hours
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer

MARCH = "period=custom&start=2026-03-01&end=2026-03-31"
MARCH_FORM = {"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}


async def world():
    clock.set_now(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    manager = await make_user(Role.MANAGER, email="mia@example.org", timezone="UTC")
    funder = await make_user(Role.VOLUNTEER, email="funder@example.org", timezone="UTC")
    care = await make_program(manager=manager, name="Elderly care", readers=[funder])
    youth = await make_program(manager=manager, name="Youth tutoring")
    ana = await make_volunteer(name="Ana Volunteer", timezone="UTC")
    ben = await make_volunteer(name="Ben Volunteer", timezone="UTC")
    for person, program, day, minutes in (
        (ana, care, date(2026, 1, 31), 60),
        (ana, care, date(2026, 3, 3), 90),
        (ben, care, date(2026, 3, 4), 30),
        (ben, youth, date(2026, 1, 5), 120),
        (ben, youth, date(2026, 2, 6), 45),
    ):
        logged = await log_offsite_hours(
            person, program_id=program.id, work_date=day, minutes=minutes, description="x"
        )
        await decide_hours(manager, logged.id, approve=True)
    await log_offsite_hours(  # pending: in no cross-tab cell
        ana, program_id=care.id, work_date=date(2026, 2, 2), minutes=600, description="x"
    )
    return {"manager": manager, "funder": funder, "care": care, "youth": youth}


async def test_the_manager_sees_the_report_and_downloads_it(client):
    w = await world()
    await log_in(client, w["manager"].email)
    path = f"/reports/programs/{w['care'].id}"

    page = await client.get(f"{path}?{MARCH}")
    as_csv = await client.get(f"{path}?{MARCH}&format=csv")
    as_json = await client.get(f"/api/v1/reports/programs/{w['care'].id}?{MARCH}")

    assert page.status_code == 200
    assert "Elderly care" in page.text
    assert "Ana Volunteer" not in page.text
    assert 'id="hours-chart-title"' in page.text
    assert 'id="places-chart-title"' in page.text
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0] == [
        "month",
        "approved_hours",
        "volunteers_active",
        "shifts_held",
        "places",
        "places_filled",
        "fill_rate_percent",
        "meetings_held",
        "tasks_done",
    ]
    assert rows[1:] == [
        ["2026-03", "2.0", "2", "0", "0", "0", "0.0", "0", "0"],
        ["total", "2.0", "2", "0", "0", "0", "0.0", "0", "0"],
    ]
    body = as_json.json()
    assert body["period"] == {
        "preset": "custom",
        "start": "2026-03-01",
        "end": "2026-03-31",
        "timezone": "UTC",
    }
    assert body["totals"]["approved_hours"] == 2.0
    assert body["months"][0]["month"] == "2026-03"
    # Last month is the default: March, as now is 2 April.
    assert (await client.get(path)).text.count("2.0") == page.text.count("2.0")


async def test_the_narrative_is_saved_per_period_and_shown_escaped(client):
    w = await world()
    await log_in(client, w["manager"].email)
    path = f"/reports/programs/{w['care'].id}"

    saved = await post_form(
        client,
        f"{path}/narrative",
        {**MARCH_FORM, "narrative": "We **grew**.\n\n<b>not bold</b>"},
        from_page=f"{path}?{MARCH}",
    )
    shown = await client.get(f"{path}?{MARCH}")
    quarter = await client.get(f"{path}?period=last_quarter")
    nul = await post_form(
        client,
        f"{path}/narrative",
        {**MARCH_FORM, "narrative": "bad\x00byte"},
        from_page=f"{path}?{MARCH}",
    )
    huge = await post_form(
        client,
        f"{path}/narrative",
        {**MARCH_FORM, "narrative": "x" * 20_001},
        from_page=f"{path}?{MARCH}",
    )

    assert saved.status_code == 303
    assert "We <strong>grew</strong>." in shown.text
    assert "&lt;b&gt;not bold&lt;/b&gt;" in shown.text
    assert "<strong>grew</strong>" not in quarter.text
    assert nul.status_code == 400
    assert huge.status_code == 400
    assert [n.text for n in await ReportNarrative.all()] == ["We **grew**.\n\n<b>not bold</b>"]


async def test_a_share_link_shows_the_report_alone_until_revoked(client, app):
    w = await world()
    await log_in(client, w["manager"].email)
    path = f"/reports/programs/{w['care'].id}"
    created = await post_form(
        client, f"{path}/links", {**MARCH_FORM, "label": "Foundation"}, from_page=path
    )
    url = created.text.split('<code class="token">')[1].split("</code>")[0]
    shared_path = url.removeprefix("http://testserver")
    link = await ReportShareLink.get()

    client.cookies.clear()
    shared = await client.get(shared_path)
    await log_in(client, w["manager"].email)
    revoked = await post_form(
        client, f"{path}/links/{link.id}/revoke", MARCH_FORM, from_page=f"{path}?{MARCH}"
    )
    client.cookies.clear()
    refused = await client.get(shared_path)
    unknown = await client.get("/shared/reports/rpt_nothing-here")

    assert created.status_code == 200
    assert shared_path.startswith("/shared/reports/rpt_")
    assert shared.status_code == 200
    assert "Elderly care" in shared.text
    assert "<nav" not in shared.text
    assert 'href="/' not in shared.text.split("<main")[1]
    assert "Ana Volunteer" not in shared.text
    assert shared.headers["cache-control"] == "private, no-store"
    assert revoked.status_code == 303
    assert refused.status_code == 410
    assert "no longer works" in refused.text
    assert unknown.status_code == 404


async def test_the_read_only_viewer_reads_but_does_not_write(client):
    w = await world()
    await log_in(client, w["funder"].email)
    path = f"/reports/programs/{w['care'].id}"

    page = await client.get(f"{path}?{MARCH}")
    other = await client.get(f"/reports/programs/{w['youth'].id}?{MARCH}")
    write = await post_form(
        client, f"{path}/narrative", {**MARCH_FORM, "narrative": "x"}, from_page=path
    )
    api_write = await client.put(
        f"/api/v1/reports/programs/{w['care'].id}/narrative",
        json={"narrative": "x"},
        headers={"x-csrf-token": await csrf_token(client, path)},
    )

    assert page.status_code == 200
    assert "Elderly care" in page.text
    assert "Write the narrative" not in page.text
    assert "Share a read-only link" not in page.text
    assert other.status_code == 403
    assert write.status_code == 403
    assert api_write.status_code == 403


async def test_the_api_writes_the_narrative_and_makes_and_revokes_links(client):
    w = await world()
    await log_in(client, w["manager"].email)
    headers = {"x-csrf-token": await csrf_token(client, "/reports")}
    base = f"/api/v1/reports/programs/{w['care'].id}"

    narrative = await client.put(
        f"{base}/narrative", json={**MARCH_FORM, "narrative": "Spring"}, headers=headers
    )
    made = await client.post(
        f"{base}/links", json={**MARCH_FORM, "expires_on": "2026-04-30"}, headers=headers
    )
    listed = await client.get(f"{base}/links?{MARCH}")
    revoke = await client.post(f"{base}/links/{made.json()['id']}/revoke", headers=headers)
    after = await client.get(f"{base}/links?{MARCH}")
    bad = [
        await client.put(f"{base}/narrative", json={"narrative": True}, headers=headers),
        await client.put(f"{base}/narrative", json={"period": ["x"]}, headers=headers),
        await client.put(f"{base}/narrative", json={"colour": "red"}, headers=headers),
        await client.post(f"{base}/links", json={"expires_on": "someday"}, headers=headers),
        await client.post(f"{base}/links", json={"expires_on": "2026-04-01"}, headers=headers),
        await client.get(f"{base}?period=custom&start=2026-03-01&end=2025-01-01"),
    ]

    assert narrative.status_code == 200
    assert narrative.json()["text"] == "Spring"
    assert made.status_code == 201
    assert made.json()["url"].startswith("http://testserver/shared")
    assert made.json()["state"] == "open"
    assert made.json()["expires_on"] == "2026-04-30"
    assert [item["id"] for item in listed.json()["items"]] == [made.json()["id"]]
    assert revoke.json() == {"revoked": True}
    assert after.json()["items"][0]["state"] == "revoked"
    assert [r.status_code for r in bad] == [400] * 6
    report = await client.get(f"{base}?{MARCH}")
    assert report.json()["narrative"]["text"] == "Spring"


async def test_hours_cross_tab_of_programs_by_month_with_totals(client):
    w = await world()
    await log_in(client, w["manager"].email)
    query = "start=2026-01-01&end=2026-03-31&group=program_month"

    page = await client.get(f"/reports/hours?{query}")
    as_csv = await client.get(f"/reports/hours?{query}&format=csv")

    assert page.status_code == 200
    assert "<tfoot>" in page.text
    # By hand: care 1.0 (Jan) + 2.0 (Mar) = 3.0; youth 2.0 (Jan) + 0.75 (Feb) = 2.75.
    assert list(csv.reader(io.StringIO(as_csv.text))) == [
        ["Program", "2026-01", "2026-02", "2026-03", "Total"],
        ["Elderly care", "1.0", "0.0", "2.0", "3.0"],
        ["Youth tutoring", "2.0", "0.75", "0.0", "2.75"],
        ["Total", "3.0", "0.75", "2.0", "5.75"],
    ]
