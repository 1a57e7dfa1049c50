"""Required checks and minors over the API: the same rules as the pages, 4xx naming the field,
another program's check or a stranger refused, nothing half-saved."""

from __future__ import annotations

from opsuite.applications.models import Application, CheckRecord, GuardianConsent
from tests.applications.test_api import FORM, send
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer


async def _apply(client, program_id: int, **extra):
    body = {"version": 1, "answers": {"q1": "I like it", "q2": "Sat"}, "consents": ["c1"]}
    return await send(client, "POST", f"/api/v1/programs/{program_id}/applications",
                      body | extra)  # fmt: skip


async def test_checks_and_records_through_the_api(client, settings, frozen_clock):
    manager = await make_user("manager", email="mia@example.org")
    program = await make_program(manager=manager)
    other = await make_program(manager=await make_user("manager"))
    ana = await make_volunteer(email="ana@example.org", password="correct horse 1")
    stranger = await make_volunteer()
    await log_in(client, manager.email)
    form = await send(client, "PUT", f"/api/v1/programs/{program.id}/application-form", FORM)
    assert form.json()["guardian_age"] is None
    base = f"/api/v1/programs/{program.id}/checks"
    made = await send(client, "POST", base, {"name": "Training done", "expires": True})
    assert made.status_code == 201
    check_id = made.json()["id"]
    blank = await send(client, "POST", base, {"name": " "})
    assert (blank.status_code, blank.json()["field"]) == (400, "name")

    client.cookies.clear()
    await log_in(client, ana.email)
    assert (await _apply(client, program.id)).status_code == 201
    mine = await client.get(f"{base}/mine")
    assert [c["state"] for c in mine.json()["checks"]] == ["missing"]
    refused = await send(client, "PUT", f"{base}/{check_id}/people/{ana.id}",
                         {"done_on": "2026-03-01"})  # fmt: skip
    assert refused.status_code == 403

    client.cookies.clear()
    await log_in(client, manager.email)
    record = f"{base}/{check_id}/people/{ana.id}"
    garbage = await send(client, "PUT", record, {"done_on": "03/01/2026", "expires_on": None})
    assert (garbage.status_code, garbage.json()["field"]) == (400, "done_on")
    no_expiry = await send(client, "PUT", record, {"done_on": "2026-03-01"})
    assert (no_expiry.status_code, no_expiry.json()["field"]) == (400, "expires_on")
    stranger_url = f"{base}/{check_id}/people/{stranger.id}"
    alien = await send(client, "PUT", stranger_url, {"done_on": "2026-03-01"})
    assert alien.status_code == 404
    foreign = await send(client, "PUT", f"/api/v1/programs/{other.id}/checks/{check_id}/people/"
                         f"{ana.id}", {"done_on": "2026-03-01"})  # fmt: skip
    assert foreign.status_code == 403
    assert not await CheckRecord.exists()
    saved = await send(client, "PUT", record, {"done_on": "2026-03-01", "expires_on": "2026-03-20"})
    assert (saved.status_code, saved.json()["state"]) == (200, "soon")
    listed = (await client.get(f"/api/v1/programs/{program.id}/check-records")).json()
    assert listed["expiring"] == [
        {"volunteer_id": ana.id, "check_id": check_id, "expires_on": "2026-03-20", "state": "soon"}
    ]
    assert (await send(client, "DELETE", record, {})).status_code == 204
    assert not await CheckRecord.exists()


async def test_a_minor_applies_through_the_api(client, settings, frozen_clock):
    manager = await make_user("manager", email="mia@example.org")
    program = await make_program(manager=manager)
    await log_in(client, manager.email)
    form = {**FORM, "guardian_age": 16}
    saved = await send(client, "PUT", f"/api/v1/programs/{program.id}/application-form", form)
    assert saved.json()["guardian_age"] == 16
    client.cookies.clear()
    await make_volunteer(email="mei@example.org", password="correct horse 1")
    await log_in(client, "mei@example.org")
    cases = (
        ("garbage", "birth_date"),
        ("2031-02-30", "birth_date"),
        ("2027-01-01", "birth_date"),
        ("2012-01-01", "guardian_name"),
    )
    for birth, field in cases:
        bad = await _apply(client, program.id, birth_date=birth)
        assert (bad.status_code, bad.json()["field"]) == (400, field), birth
    assert not await Application.exists()
    sent = await _apply(client, program.id, birth_date="2012-01-01", guardian_name="Lan",
                        guardian_email="lan@example.org")  # fmt: skip
    assert sent.status_code == 201
    assert sent.json()["guardian"]["consent"] == "waiting"
    assert await GuardianConsent.filter(guardian_email="lan@example.org").count() == 1
    again = await send(client, "POST", f"/api/v1/programs/{program.id}/guardian-consent/resend",
                       {})  # fmt: skip
    assert again.status_code == 409  # a moment ago
