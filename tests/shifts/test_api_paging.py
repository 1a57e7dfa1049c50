"""The hours API lists a page at a time, like every other list (issue #18)."""

from __future__ import annotations

from datetime import date

from opsuite.shifts import hours
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer
from tests.paging import check_paging_boundaries
from tests.shifts.test_api import bearer


async def log(volunteer, program, day: date, minutes: int = 30):
    return await hours.log_offsite_hours(
        volunteer, program_id=program.id, work_date=day, minutes=minutes, description="Leaflets"
    )


async def test_hours_records_keep_the_paging_boundaries(client, frozen_clock):
    volunteer, program = await make_volunteer(), await make_program()
    someone_else = await make_volunteer()
    await log(someone_else, program, date(2026, 3, 1))  # never on the volunteer's pages

    async def add(n: int) -> None:
        for _n in range(n):  # all on one day: only the id keeps pages apart
            await log(volunteer, program, date(2026, 3, 1))

    await check_paging_boundaries(client, "/api/v1/hours", add=add, headers=await bearer(volunteer))


async def test_hours_records_come_newest_work_day_first(client, frozen_clock):
    volunteer, program = await make_volunteer(), await make_program()
    old = await log(volunteer, program, date(2026, 1, 5))
    new = await log(volunteer, program, date(2026, 3, 1))
    same_day = await log(volunteer, program, date(2026, 3, 1))
    response = await client.get("/api/v1/hours?per_page=2", headers=await bearer(volunteer))
    assert [r["id"] for r in response.json()["items"]] == [same_day.id, new.id]
    rest = await client.get("/api/v1/hours?per_page=2&page=2", headers=await bearer(volunteer))
    assert [r["id"] for r in rest.json()["items"]] == [old.id]


async def test_hours_totals_keep_the_paging_boundaries(client, frozen_clock):
    volunteer = await make_volunteer()
    programs = iter([await make_program() for _n in range(3)])
    other = await make_volunteer()
    await log(other, await make_program(), date(2026, 2, 1))

    async def add(n: int) -> None:
        for _n in range(n):  # a program of its own for each: one more total per call
            await log(volunteer, next(programs), date(2026, 2, 1), minutes=45)

    await check_paging_boundaries(
        client,
        "/api/v1/hours/totals",
        add=add,
        headers=await bearer(volunteer),
        key=lambda t: (t["program_id"], t["month"]),
    )


async def test_hours_totals_are_per_program_and_month_oldest_first(client, frozen_clock):
    volunteer, program = await make_volunteer(), await make_program()
    await log(volunteer, program, date(2026, 3, 1), minutes=20)
    await log(volunteer, program, date(2026, 2, 3), minutes=60)
    await log(volunteer, program, date(2026, 2, 20), minutes=30)
    body = (await client.get("/api/v1/hours/totals", headers=await bearer(volunteer))).json()
    assert body["total"] == 2
    assert [(t["month"], t["pending_minutes"], t["approved_minutes"]) for t in body["items"]] == [
        ("2026-02", 90, 0),
        ("2026-03", 20, 0),
    ]


async def test_logging_hours_over_the_api_shows_on_the_first_page(client, frozen_clock):
    volunteer, program = await make_volunteer(), await make_program()
    headers = await bearer(volunteer)
    body = {"program_id": program.id, "work_date": "2026-03-01", "minutes": 90}
    created = await client.post(
        "/api/v1/hours", json={**body, "description": "Sorting"}, headers=headers
    )
    assert created.status_code == 201, created.text
    listed = (await client.get("/api/v1/hours", headers=headers)).json()
    assert [r["id"] for r in listed["items"]] == [created.json()["id"]]
    assert (listed["total"], listed["page"], listed["per_page"]) == (1, 1, 50)
