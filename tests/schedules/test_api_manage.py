"""The schedules API's counterparts of the page actions (issue #22): cancelling one's leave,
proposing an arrangement and deciding on it, exceptions, offices and holidays."""

from __future__ import annotations

from datetime import date

from opsuite.auth.models import User
from opsuite.auth.service import create_api_token
from opsuite.schedules.models import (
    Arrangement,
    ArrangementStatus,
    Holiday,
    Office,
    ScheduleException,
    TimeOff,
    TimeOffStatus,
)
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_leave, make_office

ARRANGEMENT = {
    "kind": "fixed",
    "valid_from": "2026-04-06",
    "timezone": "Asia/Shanghai",
    "blocks": [
        {"weekday": d, "start": "09:00", "end": "17:00", "location": "home"} for d in (0, 1)
    ],
}


async def _bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {(await create_api_token(user, 'tests')).token}"}


async def _team() -> tuple[User, User, User]:
    """A manager, staff in their team, and a manager of another team."""
    manager = await make_user("manager")
    staff = await make_user("staff")
    await make_team(manager=manager, members=[staff])
    other = await make_user("manager")
    await make_team(manager=other)
    return manager, staff, other


async def test_cancelling_my_own_pending_leave(client, settings, frozen_clock):
    manager, staff, _other = await _team()
    leave = await make_leave(staff, date(2026, 4, 20), settings=settings)
    decided = await make_leave(staff, date(2026, 4, 27), settings=settings, approved_by=manager)

    not_mine = await client.post(f"/api/v1/leave/{leave.id}/cancel", headers=await _bearer(manager))
    decided_already = await client.post(
        f"/api/v1/leave/{decided.id}/cancel", headers=await _bearer(staff)
    )
    cancelled = await client.post(f"/api/v1/leave/{leave.id}/cancel", headers=await _bearer(staff))

    assert not_mine.status_code == 404
    assert decided_already.status_code == 409
    assert decided_already.json()["error"]
    assert (await TimeOff.get(id=decided.id)).status == TimeOffStatus.APPROVED
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert (await TimeOff.get(id=leave.id)).status == TimeOffStatus.CANCELLED


async def test_proposing_an_arrangement_and_the_managers_decision(client, frozen_clock):
    manager, staff, other = await _team()
    mine = await _bearer(staff)

    overlapping = {
        **ARRANGEMENT,
        "blocks": [
            {"weekday": 0, "start": "09:00", "end": "17:00", "location": "home"},
            {"weekday": 0, "start": "16:00", "end": "18:00", "location": "office"},
        ],
    }
    bad = await client.post("/api/v1/arrangement-proposals", headers=mine, json=overlapping)
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["blocks.1"])
    assert await Arrangement.all().count() == 0

    proposed = await client.post("/api/v1/arrangement-proposals", headers=mine, json=ARRANGEMENT)
    assert proposed.status_code == 201
    assert (proposed.json()["status"], len(proposed.json()["blocks"])) == ("proposed", 2)
    url = f"/api/v1/arrangement-proposals/{proposed.json()['id']}/decision"

    own = await client.post(url, headers=mine, json={"approve": True})
    outsider = await client.post(url, headers=await _bearer(other), json={"approve": True})
    not_a_flag = await client.post(url, headers=await _bearer(manager), json={"approve": "yes"})
    assert own.status_code == 403  # staff: and never on one's own proposal
    assert outsider.status_code == 403
    assert (not_a_flag.status_code, not_a_flag.json()["field"]) == (400, "approve")
    assert (await Arrangement.get(id=proposed.json()["id"])).status == ArrangementStatus.PROPOSED

    approved = await client.post(url, headers=await _bearer(manager), json={"approve": True})
    again = await client.post(url, headers=await _bearer(manager), json={"approve": False})
    assert (approved.status_code, approved.json()["status"]) == (200, "active")
    assert again.status_code == 409


async def test_a_persons_exceptions(client, frozen_clock):
    manager, staff, other = await _team()
    office = await make_office(name="Harbour")
    url = f"/api/v1/people/{staff.id}/exceptions"
    mine = await _bearer(manager)

    refused = await client.post(
        url, headers=await _bearer(other), json={"day": "2026-04-10", "kind": "day_off"}
    )
    no_hours = await client.post(url, headers=mine, json={"day": "2026-04-11", "kind": "extra"})
    bad_day = await client.post(url, headers=mine, json={"day": "10/04/2026", "kind": "day_off"})
    bad_place = await client.post(
        url, headers=mine, json={"day": "2026-04-10", "kind": "move", "location": "moon"}
    )
    assert refused.status_code == 403
    assert (no_hours.status_code, no_hours.json()["field"]) == (400, "end")
    assert (bad_day.status_code, bad_day.json()["field"]) == (400, "day")
    assert (bad_place.status_code, bad_place.json()["field"]) == (400, "location")
    assert await ScheduleException.all().count() == 0

    body = {
        "day": "2026-04-11",
        "kind": "extra",
        "start": "10:00",
        "end": "14:00",
        "location": "office",
        "office_id": office.id,
        "note": "Open day",
    }
    unknown = await client.post(url, headers=mine, json=body | {"extra_field": None})
    assert (unknown.status_code, unknown.json()["field"]) == (400, "extra_field")
    extra = await client.post(url, headers=mine, json=body)
    listed = await client.get(url, headers=mine)
    not_theirs = await client.get(url, headers=await _bearer(other))

    assert extra.status_code == 201
    assert {k: extra.json()[k] for k in ("date", "kind", "start", "end", "office_id")} == {
        "date": "2026-04-11",
        "kind": "extra",
        "start": "10:00",
        "end": "14:00",
        "office_id": office.id,
    }
    assert [e["note"] for e in listed.json()["items"]] == ["Open day"]
    assert not_theirs.status_code == 403


async def test_offices_and_their_holidays(client, frozen_clock):
    admin = await make_user("admin")
    manager = await make_user("manager")
    staff = await make_user("staff")
    admin_h, manager_h = await _bearer(admin), await _bearer(manager)
    body = {"name": "Harbour", "timezone": "Asia/Shanghai", "address": "1 Quay"}

    refused = await client.post("/api/v1/offices", headers=manager_h, json=body)
    bad_zone = await client.post("/api/v1/offices", headers=admin_h, json=body | {"timezone": "X"})
    made = await client.post("/api/v1/offices", headers=admin_h, json=body)
    clash = await client.post("/api/v1/offices", headers=admin_h, json=body)
    listed = await client.get("/api/v1/offices", headers=await _bearer(staff))

    assert refused.status_code == 403
    assert (bad_zone.status_code, bad_zone.json()["field"]) == (400, "timezone")
    assert made.status_code == 201
    assert (clash.status_code, clash.json()["field"]) == (400, "name")
    assert [o["name"] for o in listed.json()["items"]] == ["Harbour"]
    assert await Office.all().count() == 1

    url = f"/api/v1/offices/{made.json()['id']}/holidays"
    national = {"date": "2026-10-01", "name": "National Day"}
    not_admin = await client.post(url, headers=manager_h, json=national)
    no_name = await client.post(url, headers=admin_h, json={"date": "2026-10-01"})
    saved = await client.post(url, headers=admin_h, json=national)
    assert not_admin.status_code == 403
    assert (no_name.status_code, no_name.json()["field"]) == (400, "name")
    assert saved.json() == national

    imports = f"{url}/import"
    csv_text = "date,name\n2026-10-01,国庆节\n2026-10-02,Golden Week\n"
    half_bad = "2026-05-01,Labour Day\nnot-a-date,Oops\n"
    not_admin = await client.post(imports, headers=manager_h, json={"content": csv_text})
    bad = await client.post(imports, headers=admin_h, json={"content": half_bad})
    empty = await client.post(imports, headers=admin_h, json={"content": ""})
    not_text = await client.post(imports, headers=admin_h, json={"content": 5})
    assert not_admin.status_code == 403
    assert (bad.status_code, bad.json()["field"]) == (400, "content")
    assert "Line 2" in bad.json()["error"]
    assert (empty.status_code, not_text.status_code) == (400, 400)
    assert not await Holiday.filter(date=date(2026, 5, 1)).exists()  # nothing half-saved

    imported = await client.post(imports, headers=admin_h, json={"content": csv_text})
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        "UID:1\r\nDTSTART;VALUE=DATE:20260501\r\nSUMMARY:Labour Day\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    from_ics = await client.post(imports, headers=admin_h, json={"content": ics})
    shown = await client.get(url, headers=await _bearer(staff))

    assert imported.json() == {"added": 1, "updated": 1}
    assert from_ics.json() == {"added": 1, "updated": 0}
    assert [h["name"] for h in shown.json()["items"]] == ["Labour Day", "国庆节", "Golden Week"]


async def test_openapi_documents_the_schedule_operations(client):
    document = (await client.get("/api/v1/openapi.json")).json()
    paths, schemas = document["paths"], document["components"]["schemas"]

    def model(ref: dict) -> dict:
        return schemas[ref["$ref"].rsplit("/", 1)[-1]]

    exceptions = paths["/api/v1/people/{id}/exceptions"]
    given = model(exceptions["post"]["requestBody"]["content"]["application/json"]["schema"])
    assert given["required"] == ["day", "kind"]
    assert model(given["properties"]["kind"])["enum"] == ["day_off", "extra", "move"]
    listing = exceptions["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "kind" in model(listing["properties"]["items"]["items"])["properties"]
    assert {p["name"] for p in exceptions["get"]["parameters"]} == {"id", "page", "per_page"}
    for path, method in (
        ("/api/v1/leave/{id}/cancel", "post"),
        ("/api/v1/arrangement-proposals", "post"),
        ("/api/v1/arrangement-proposals/{id}/decision", "post"),
        ("/api/v1/offices", "post"),
        ("/api/v1/offices/{id}/holidays", "post"),
        ("/api/v1/offices/{id}/holidays/import", "post"),
    ):
        assert paths[path][method]["summary"], path
