"""The applications API: a manager writes the form, a volunteer applies, the coordinator
decides; bad bodies get a 4xx naming the field, and nothing half-saved."""

from __future__ import annotations

from opsuite.applications.models import Application, FormVersion
from tests.conftest import csrf_token, log_in
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer

FORM = {
    "requires_application": True,
    "questions": [
        {"label": "Why?", "kind": "text"},
        {"label": "Day", "kind": "choice", "choices": ["Sat", "Sun"]},
    ],
    "consents": [{"title": "Photos", "text": "We may take photos."}],
}


async def send(client, method: str, path: str, body: dict):
    token = await csrf_token(client, "/applications/mine")
    return await client.request(method, path, json=body, headers={"x-csrf-token": token})


async def test_form_apply_and_decide_through_the_api(client, settings, frozen_clock):
    manager = await make_user("manager", email="mia@example.org")
    program = await make_program(manager=manager)
    url = f"/api/v1/programs/{program.id}/application-form"
    await log_in(client, manager.email)
    saved = await send(client, "PUT", url, FORM)
    assert saved.status_code == 200
    assert saved.json()["version"] == 1
    assert [q["key"] for q in saved.json()["questions"]] == ["q1", "q2"]
    bad = await send(client, "PUT", url, {**FORM, "questions": [{"label": "x", "kind": "odd"}]})
    assert (bad.status_code, bad.json()["field"]) == (400, "q0_kind")
    assert await FormVersion.all().count() == 1

    await make_volunteer(email="ana@example.org", password="correct horse 1")
    client.cookies.clear()
    await log_in(client, "ana@example.org")
    apply_url = f"/api/v1/programs/{program.id}/applications"
    answers = {"q1": "To help", "q2": "Sun"}
    wrong = await send(
        client,
        "POST",
        apply_url,
        {"version": 1, "answers": {**answers, "q2": "Mon"}, "consents": ["c1"]},
    )
    assert (wrong.status_code, wrong.json()["field"]) == (400, "q_q2")
    old = await send(
        client, "POST", apply_url, {"version": 7, "answers": answers, "consents": ["c1"]}
    )
    assert old.status_code == 409
    assert await Application.all().count() == 0
    sent = await send(
        client, "POST", apply_url, {"version": 1, "answers": answers, "consents": ["c1"]}
    )
    assert sent.status_code == 201
    application = sent.json()
    assert application["status"] == "received"
    mine = await client.get("/api/v1/applications/mine")
    assert [a["id"] for a in mine.json()["items"]] == [application["id"]]
    refused = await send(
        client,
        "POST",
        f"/api/v1/applications/{application['id']}/decision",
        {"decision": "approve"},
    )
    assert refused.status_code == 403

    client.cookies.clear()
    await log_in(client, manager.email)
    queue = await client.get("/api/v1/applications")
    assert [a["id"] for a in queue.json()["items"]] == [application["id"]]
    decision_url = f"/api/v1/applications/{application['id']}/decision"
    empty_note = await send(client, "POST", decision_url, {"decision": "more_info"})
    assert (empty_note.status_code, empty_note.json()["field"]) == (400, "note")
    approved = await send(client, "POST", decision_url, {"decision": "approve", "note": "Hi"})
    assert approved.json()["status"] == "approved"
    assert (await client.get("/api/v1/applications?status=bogus")).status_code == 400
