"""The shifts JSON API with a bearer token, as scripts and the benchmark use it."""

from __future__ import annotations

from opsuite.auth.service import create_api_token
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def bearer(user) -> dict[str, str]:
    return {"authorization": f"Bearer {(await create_api_token(user, 'test')).token}"}


async def test_signup_roster_and_cancel_over_the_api(client, frozen_clock):
    shift = await make_shift(capacity=1)
    first, second = await make_volunteer(), await make_volunteer()
    one = await client.post(f"/api/v1/shifts/{shift.id}/signup", headers=await bearer(first))
    assert one.status_code == 201
    assert one.json()["status"] == "confirmed"
    two = await client.post(f"/api/v1/shifts/{shift.id}/signup", headers=await bearer(second))
    assert two.json()["waitlist_position"] == 1
    twice = await client.post(f"/api/v1/shifts/{shift.id}/signup", headers=await bearer(second))
    assert twice.status_code == 409
    manager = await manager_of(await shift.opportunity)
    roster = await client.get(f"/api/v1/shifts/{shift.id}/roster", headers=await bearer(manager))
    assert [s["signup"]["status"] for s in roster.json()["signups"]] == ["confirmed", "waitlisted"]
    refused = await client.get(f"/api/v1/shifts/{shift.id}/roster", headers=await bearer(first))
    assert refused.status_code == 403
    gone = await client.post(f"/api/v1/shifts/{shift.id}/cancel", headers=await bearer(first))
    assert gone.json()["status"] == "cancelled"
    listing = await client.get("/api/v1/shifts", headers=await bearer(second))
    assert listing.json()["items"][0]["confirmed"] == 0


async def test_create_shift_and_refuse_lowering_capacity(client, settings, frozen_clock):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    headers = await bearer(manager)
    body = {
        "opportunity_id": opportunity.id,
        "day": "2026-03-10",
        "start": "22:00",
        "end": "06:00",
        "timezone": "Asia/Shanghai",
        "capacity": 2,
    }
    created = await client.post("/api/v1/shifts", json=body, headers=headers)
    assert created.status_code == 201, created.text
    shift = created.json()["items"][0]
    assert shift["starts_at"] == "2026-03-10T14:00:00Z"
    assert shift["ends_at"] == "2026-03-10T22:00:00Z"
    from opsuite.shifts import service

    for _ in range(2):
        await service.sign_up(await make_volunteer(), shift["id"], settings=settings)
    lowered = await client.patch(
        f"/api/v1/shifts/{shift['id']}", json={"capacity": 1}, headers=headers
    )
    assert lowered.status_code == 409
    assert lowered.json()["field"] == "capacity"
    bad = await client.post("/api/v1/shifts", json={**body, "end": "25:00"}, headers=headers)
    assert bad.status_code == 400
    assert bad.json()["field"] == "end"


async def test_open_shifts_come_a_page_at_a_time_with_the_total(client, frozen_clock):
    from datetime import timedelta

    from opsuite import clock

    cooking = await make_opportunity(required_skills=["Cooking"])
    driving = await make_opportunity(
        program=await cooking.program,
        manager=await manager_of(cooking),
        required_skills=["Driving"],
    )
    soon = clock.now().replace(second=0, microsecond=0) + timedelta(days=1)
    made = [
        await make_shift(cooking if i % 2 else driving, starts_at=soon + timedelta(hours=i))
        for i in range(5)
    ]
    headers = await bearer(await make_volunteer())

    async def listed(query: str) -> dict:
        response = await client.get(f"/api/v1/shifts?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    first, second, third = [await listed(f"per_page=2&page={n}") for n in (1, 2, 3)]
    assert (first["total"], first["page"], first["per_page"]) == (5, 1, 2)
    ids = [s["id"] for page in (first, second, third) for s in page["items"]]
    assert ids == [s.id for s in made]  # soonest first, each shift once
    assert (await listed("per_page=2&page=4"))["items"] == []
    # The skill filter counts the same shifts it pages through.
    cooks = await listed("skill=cook&per_page=1&page=2")
    assert cooks["total"] == 2
    assert [s["id"] for s in cooks["items"]] == [made[3].id]
    for bad in ("per_page=0", "per_page=201", "page=0", "page=x"):
        refused = await client.get(f"/api/v1/shifts?{bad}", headers=headers)
        assert refused.status_code == 400, bad


async def test_opportunities_come_a_page_at_a_time_by_title(client, frozen_clock):
    first = await make_opportunity(title="Beach clean-up")
    program = await first.program
    manager = await manager_of(first)
    for title in ("Allotment day", "Cooking club"):
        await make_opportunity(program=program, manager=manager, title=title)
    headers = await bearer(await make_volunteer())
    response = await client.get(
        f"/api/v1/opportunities?program={program.id}&per_page=2&page=2", headers=headers
    )
    assert response.status_code == 200
    assert response.json()["total"] == 3
    assert [o["title"] for o in response.json()["items"]] == ["Cooking club"]
