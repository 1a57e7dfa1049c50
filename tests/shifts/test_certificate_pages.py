"""Certificates of service through HTTP: the volunteer's form and page, a coordinator issuing
one, the JSON API, and the public verification page (genuine, tampered, unknown)."""

from __future__ import annotations

import re

from opsuite.audit.models import Activity
from opsuite.shifts.models import Certificate
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.shifts import make_volunteer
from tests.shifts.test_certificates import served

PERIOD = {"period_start": "2026-01-01", "period_end": "2026-03-31", "program": "all"}


async def test_volunteer_gets_a_certificate_and_anyone_can_check_it(client, settings, frozen_clock):
    volunteer, *_rest = await served(settings)
    await log_in(client, volunteer.email)
    mine = await client.get("/shifts/mine")
    assert "Get a certificate of service" in mine.text
    response = await post_form(
        client,
        "/shifts/mine/certificates",
        {**PERIOD, "locale": "zh_Hans"},
        from_page="/shifts/mine",
    )
    assert response.status_code == 303
    certificate = await Certificate.get(volunteer_id=volunteer.id)
    page = await client.get(response.headers["location"])
    assert page.status_code == 200
    assert "志愿服务记录证明" in page.text
    assert certificate.number in page.text
    assert f"/verify/{certificate.code}" in page.text
    assert "<svg" in page.text  # the QR code, drawn here
    client.cookies.clear()  # anyone, signed in or not
    verified = await client.get(f"/verify/{certificate.code}")
    assert verified.status_code == 200
    assert f"Genuine: certificate {certificate.number} issued to {volunteer.name}" in verified.text
    assert "3 hours" in verified.text


async def test_form_errors_are_shown_with_what_was_typed(client, settings, frozen_clock):
    volunteer, *_rest = await served(settings)
    await log_in(client, volunteer.email)
    data = {**PERIOD, "period_start": "2026-04-01", "locale": "en"}
    response = await post_form(client, "/shifts/mine/certificates", data, from_page="/shifts/mine")
    assert response.status_code == 400
    assert "must not be before its start" in response.text
    assert 'value="2026-04-01"' in response.text
    assert await Certificate.all().count() == 0


async def test_a_changed_record_is_refused_and_unknown_codes_are_not_found(
    client, settings, frozen_clock
):
    volunteer, *_rest = await served(settings)
    await log_in(client, volunteer.email)
    await post_form(
        client, "/shifts/mine/certificates", {**PERIOD, "locale": "en"}, from_page="/shifts/mine"
    )
    certificate = await Certificate.get(volunteer_id=volunteer.id)
    content = dict(certificate.content)
    content["volunteer"] = content["volunteer"][:-1] + "X"
    await Certificate.filter(id=certificate.id).update(content=content)
    refused = await client.get(f"/verify/{certificate.code}")
    assert refused.status_code == 409
    assert "no longer matches its signature" in refused.text
    altered = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    unknown = await client.get(f"/verify/{altered}")
    assert unknown.status_code == 404
    assert "No certificate has this code" in unknown.text
    for code in ("%00", "a%00b", "x" * 20000, "%E2%80%AE", "%FF"):
        assert (await client.get(f"/verify/{code}")).status_code == 404, code


async def test_another_volunteer_cannot_see_it(client, settings, frozen_clock):
    volunteer, *_rest = await served(settings)
    await log_in(client, volunteer.email)
    await post_form(
        client, "/shifts/mine/certificates", {**PERIOD, "locale": "en"}, from_page="/shifts/mine"
    )
    certificate = await Certificate.get(volunteer_id=volunteer.id)
    other = await make_volunteer()
    client.cookies.clear()
    await log_in(client, other.email)
    assert (await client.get(f"/shifts/certificates/{certificate.id}")).status_code == 404
    assert (await client.get(f"/api/v1/certificates/{certificate.id}")).status_code == 404
    assert (await client.get("/api/v1/certificates")).json()["total"] == 0


async def test_coordinator_issues_one_for_a_volunteer(client, settings, frozen_clock):
    volunteer, manager, *_rest = await served(settings)
    await log_in(client, manager.email)
    hours_page = await client.get("/shifts/hours")
    assert "Issue a certificate of service" in hours_page.text
    data = {**PERIOD, "volunteer": str(volunteer.id), "locale": "en"}
    response = await post_form(
        client, "/shifts/hours/certificates", data, from_page="/shifts/hours"
    )
    assert response.status_code == 303
    certificate = await Certificate.get(volunteer_id=volunteer.id)
    assert certificate.issued_by_id == manager.id
    page = await client.get(f"/shifts/certificates/{certificate.id}")
    assert "Certificate of volunteer service" in page.text
    line = await Activity.get(action="shifts.certificate.issued")
    assert line.actor_id == manager.id


async def test_the_api_issues_lists_and_shows_certificates(client, settings, frozen_clock):
    volunteer, *_rest = await served(settings)
    await log_in(client, volunteer.email)
    token = await csrf_token(client, "/shifts/mine")
    headers = {"x-csrf-token": token}
    bad = await client.post(
        "/api/v1/certificates",
        json={"period_start": "2026-03-31", "period_end": "2026-01-01", "locale": "en"},
        headers=headers,
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "period_end"
    created = await client.post(
        "/api/v1/certificates",
        json={"period_start": "2026-01-01", "period_end": "2026-03-31", "locale": "en"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert re.fullmatch(r"OPS-2026-\d{6}", body["number"])
    assert body["content"]["total_minutes"] == 180
    assert body["verify_url"].endswith(f"/verify/{(await Certificate.get()).code}")
    listed = (await client.get("/api/v1/certificates")).json()
    assert (listed["total"], listed["items"][0]["id"]) == (1, body["id"])
    assert (await client.get(f"/api/v1/certificates/{body['id']}")).json()["number"] == body[
        "number"
    ]
