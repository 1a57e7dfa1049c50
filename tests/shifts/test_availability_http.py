"""Availability, "fits my availability", attendance records and inviting the available over
HTTP: the pages and the JSON API, with what they refuse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from opsuite.shifts import service
from opsuite.shifts.models import AvailabilityBlock, Blackout
from opsuite.shifts.service import WeeklyBlock
from tests.conftest import log_in, post_form
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of
from tests.shifts.test_api import bearer

PAGE = "/shifts/mine/availability"


async def test_a_volunteer_saves_weekly_times_and_blackouts_on_their_page(client, frozen_clock):
    ana = await make_volunteer(email="ana@example.org", timezone="America/New_York")
    await log_in(client, "ana@example.org")
    saved = await post_form(
        client, PAGE, {"day1": "18:00-21:00", "day5": "09:00-13:00, 14:00-16:00"}
    )
    assert saved.status_code == 303
    page = (await client.get(PAGE)).text
    assert 'value="18:00-21:00"' in page
    assert "America/New_York" in page
    added = await post_form(
        client,
        "/shifts/mine/blackouts",
        {"first_day": "2026-03-14", "last_day": "2026-03-15", "note": "Away"},
        from_page=PAGE,
    )
    assert added.status_code == 303
    assert "Away" in (await client.get(PAGE)).text
    [blackout] = await Blackout.filter(volunteer_id=ana.id)
    removed = await post_form(
        client, f"/shifts/mine/blackouts/{blackout.id}/delete", {}, from_page=PAGE
    )
    assert removed.status_code == 303
    assert not await Blackout.exists(volunteer_id=ana.id)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day1": "21:00-18:00"}, "must end after it starts"),
        ({"day1": "18:00-21:00, 20:00-22:00"}, "overlap"),
        ({"day1": "25:00-26:00"}, "Enter times like 09:00-13:00"),
        ({"day1": "18:00-21:00\x00"}, ""),
    ],
)
async def test_the_page_refuses_bad_times_and_keeps_what_was_typed(
    client, frozen_clock, data, message
):
    ana = await make_volunteer(email="ana@example.org")
    await service.set_weekly_availability(ana, [WeeklyBlock(0, 60, 120)])
    await log_in(client, "ana@example.org")
    refused = await post_form(client, PAGE, data)
    assert refused.status_code == 400
    assert message in refused.text
    assert await AvailabilityBlock.filter(volunteer_id=ana.id).count() == 1


async def test_the_api_sets_and_refuses_availability_and_blackouts(client, frozen_clock):
    ana = await make_volunteer(timezone="Asia/Shanghai")
    headers = await bearer(ana)
    url = "/api/v1/me/availability"
    put = await client.put(
        url,
        json={
            "blocks": [
                {"weekday": 1, "start": "18:00", "end": "21:00"},
                {"weekday": 6, "start": "09:00", "end": "24:00"},
            ]
        },
        headers=headers,
    )
    assert put.status_code == 200, put.text
    assert put.json()["blocks"] == [
        {"weekday": 1, "start": "18:00", "end": "21:00"},
        {"weekday": 6, "start": "09:00", "end": "24:00"},
    ]
    assert put.json()["timezone"] == "Asia/Shanghai"
    for bad in (
        {"blocks": [{"weekday": 1, "start": "21:00", "end": "18:00"}]},
        {"blocks": [{"weekday": 1, "start": "25:00", "end": "26:00"}]},
        {"blocks": [{"weekday": 1, "start": "18:00\x00", "end": "21:00"}]},
        {"blocks": [{"weekday": 9, "start": "18:00", "end": "21:00"}]},
        {"blocks": [{"weekday": True, "start": "18:00", "end": "21:00"}]},
        {"blocks": [{"weekday": 1, "start": 18, "end": 21}]},
        {"blocks": [{"weekday": 1, "start": "18:00", "end": "21:00"}] * 100},
        {"blocks": "every day"},
        {},
    ):
        answer = await client.put(url, json=bad, headers=headers)
        assert answer.status_code == 400, bad
        assert answer.json()["error"]
    assert len((await client.get(url, headers=headers)).json()["blocks"]) == 2
    blackouts = "/api/v1/me/blackouts"
    for bad in (
        {"first_day": "2026-04-02", "last_day": "2026-04-01"},
        {"first_day": "2026-01-01", "last_day": "2029-01-01"},
        {"first_day": "2026-04-01", "last_day": "2026-04-02", "note": "x\x00"},
        {"first_day": "2026-04-01", "last_day": "2026-04-02", "note": "x" * 10_000},
        {"first_day": "yesterday", "last_day": "2026-04-02"},
    ):
        answer = await client.post(blackouts, json=bad, headers=headers)
        assert answer.status_code == 400, bad
    made = await client.post(
        blackouts, json={"first_day": "2026-04-01", "last_day": "2026-04-02"}, headers=headers
    )
    assert made.status_code == 201
    other = await bearer(await make_volunteer())
    gone = f"{blackouts}/{made.json()['id']}"
    assert (await client.delete(gone, headers=other)).status_code == 404
    assert (await client.delete(gone, headers=headers)).status_code == 200
    assert (await client.get(url, headers=headers)).json()["blackouts"] == []


async def test_the_shift_list_filters_and_marks_what_fits(client, frozen_clock):
    ana = await make_volunteer(email="ana@example.org", timezone="UTC")
    await service.set_weekly_availability(ana, [WeeklyBlock(1, 8 * 60, 12 * 60)])
    opportunity = await make_opportunity(title="Sorting")
    fits = await make_shift(opportunity, starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC), hours=2)
    await make_shift(opportunity, starts_at=datetime(2026, 3, 3, 13, tzinfo=UTC), hours=2)
    await log_in(client, "ana@example.org")
    every = (await client.get("/shifts")).text
    assert every.count("fits your availability") == 1
    only = (await client.get("/shifts?fits=1")).text
    assert only.count(">Sorting<") == 1
    assert (await client.get("/shifts?fits=yes")).status_code == 400
    api = (await client.get("/api/v1/shifts?fits=1", headers=await bearer(ana))).json()
    assert [(s["id"], s["fits_availability"]) for s in api["items"]] == [(fits.id, True)]


async def test_coordinators_invite_from_the_shift_page_and_see_records(
    client, frozen_clock, settings
):
    opportunity = await make_opportunity(title="Sorting")
    manager = await manager_of(opportunity)
    shift = await make_shift(opportunity, capacity=2)
    for name in ("Ana", "Ben"):
        person = await make_volunteer(name=name)
        await service.set_weekly_availability(person, [WeeklyBlock(d, 0, 1440) for d in range(7)])
    on_it = await make_volunteer(name="Cai")
    await service.sign_up(on_it, shift.id, settings=settings)
    as_volunteer = await bearer(on_it)
    invite = f"/api/v1/shifts/{shift.id}/invite-available"
    assert (await client.post(invite, headers=as_volunteer)).status_code == 403
    roster = f"/api/v1/shifts/{shift.id}/roster"
    assert (await client.get(roster, headers=as_volunteer)).status_code == 403
    [entry] = (await client.get(roster, headers=await bearer(manager))).json()["signups"]
    assert entry["record"] == {"attended": 0, "no_shows": 0, "late_cancellations": 0}
    await log_in(client, manager.email)
    page = (await client.get(f"/shifts/{shift.id}")).text
    assert "Invite available volunteers" in page
    done = await post_form(
        client, f"/shifts/{shift.id}/invite-available", {}, from_page=f"/shifts/{shift.id}"
    )
    assert done.status_code == 303
    after = (await client.get(f"/shifts/{shift.id}")).text
    assert "Invited 2 available volunteers for 1 open places." in after
    assert "2 volunteers invited so far." in after
    again = await client.post(invite, headers=await bearer(manager))
    assert again.json() == {"invited": 0, "open_places": 1}
    roster = (await client.get(f"/shifts/{shift.id}/roster")).text
    assert "Record: 0 attended" in roster
