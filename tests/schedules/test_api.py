"""The schedules JSON API: intervals in UTC across DST, arrangements, leave and decisions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from opsuite import clock
from opsuite.notify.service import dispatch_due
from opsuite.schedules.models import Arrangement, TimeOff, TimeOffStatus
from tests.conftest import csrf_token, log_in
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, make_leave, make_office
from tests.schedules.helpers import switch_to


async def send(client, method: str, path: str, body: dict):
    token = await csrf_token(client, "/schedule")
    return await client.request(method, path, json=body, headers={"x-csrf-token": token})


async def new_york_team():
    manager = await make_user("manager", name="Li Na", email="lina@example.org")
    ana = await make_user(
        "staff", name="Ana Lima", email="ana@example.org", timezone="America/New_York"
    )
    team = await make_team(manager=manager, members=[ana])
    return manager, ana, team


async def test_person_intervals_across_the_dst_change_are_utc_instants(client, frozen_clock):
    manager, ana, _team = await new_york_team()
    office = await make_office(name="Brooklyn", timezone="America/New_York")
    await make_arrangement(ana, actor=manager, office=office)
    await log_in(client, ana.email)
    response = await client.get(
        f"/api/v1/people/{ana.id}/intervals?start=2026-03-06&end=2026-03-10"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "America/New_York"
    # 09:00-17:00 New York: EST (UTC-5) on Friday 6 March, EDT (UTC-4) from Sunday 8 March.
    assert body["intervals"] == [
        {
            "start": "2026-03-06T14:00:00Z",
            "end": "2026-03-06T22:00:00Z",
            "kind": "work",
            "location": "office",
            "office_id": office.id,
            "detail": "",
        },
        {
            "start": "2026-03-09T13:00:00Z",
            "end": "2026-03-09T21:00:00Z",
            "kind": "work",
            "location": "office",
            "office_id": office.id,
            "detail": "",
        },
    ]


async def test_bad_ranges_are_400_naming_the_field(client, frozen_clock):
    _manager, ana, _team = await new_york_team()
    await log_in(client, ana.email)
    base = f"/api/v1/people/{ana.id}/intervals"
    for query, field in (
        ("start=2026-03-32&end=2026-04-02", "start"),
        ("start=2026-03-02", "end"),
        ("start=2026-03-09&end=2026-03-02", "end"),
        ("start=2026-01-01&end=2027-06-01", "end"),
    ):
        response = await client.get(f"{base}?{query}")
        assert response.status_code == 400, query
        assert response.json()["field"] == field, query


async def test_team_intervals_list_every_member(client, frozen_clock):
    manager, ana, team = await new_york_team()
    await make_arrangement(ana, actor=manager)
    await log_in(client, manager.email)
    response = await client.get(
        f"/api/v1/teams/{team.id}/intervals?start=2026-03-09&end=2026-03-10"
    )
    assert response.status_code == 200
    people = {p["name"]: p for p in response.json()["people"]}
    assert sorted(people) == ["Ana Lima", "Li Na"]
    assert [i["start"] for i in people["Ana Lima"]["intervals"]] == ["2026-03-09T13:00:00Z"]
    assert people["Li Na"]["intervals"] == []


async def test_put_arrangement_validates_like_the_form_and_get_shows_history(client, frozen_clock):
    manager, ana, _team = await new_york_team()
    await log_in(client, manager.email)
    url = f"/api/v1/people/{ana.id}/arrangement"
    body = {
        "kind": "hybrid",
        "valid_from": "2026-03-02",
        "timezone": "America/New_York",
        "blocks": [
            {"weekday": 0, "start": "09:00", "end": "17:00", "location": "office"},
            {"weekday": 0, "start": "16:00", "end": "18:00", "location": "home"},
        ],
    }
    bad = await send(client, "PUT", url, body)
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"blocks.1": "This block overlaps another one."}
    wrong_zone = await send(client, "PUT", url, body | {"timezone": "EST5EDT-ish"})
    assert wrong_zone.json()["fields"]["timezone"].startswith("Unknown time zone")
    assert await Arrangement.all().count() == 0

    body["blocks"][1] = {"weekday": 1, "start": "22:00", "end": "06:00", "location": "home"}
    good = await send(client, "PUT", url, body)
    assert good.status_code == 200
    current = good.json()["current"]
    assert current["kind"] == "hybrid"
    assert current["blocks"][1] == {
        "weekday": 1,
        "start": "22:00",
        "end": "06:00",
        "location": "home",
        "office_id": None,
    }
    again = await send(client, "PUT", url, body | {"valid_from": "2026-04-01", "kind": "fixed"})
    assert again.status_code == 200
    shown = await client.get(url)
    assert [a["valid_from"] for a in shown.json()["history"]] == ["2026-03-02", "2026-04-01"]
    assert shown.json()["current"]["valid_from"] == "2026-03-02"  # April is still to come


async def test_only_the_persons_manager_may_put_and_only_colleagues_may_look(client, frozen_clock):
    manager, ana, _team = await new_york_team()
    other_manager = await make_user("manager")
    await make_team(manager=other_manager)
    stranger = await make_user("staff")
    url = f"/api/v1/people/{ana.id}/arrangement"
    body = {
        "kind": "fixed",
        "valid_from": "2026-03-02",
        "timezone": "America/New_York",
        "blocks": [{"weekday": 0, "start": "09:00", "end": "17:00"}],
    }
    for refused in (ana, other_manager, stranger):
        await switch_to(client, refused.email)
        assert (await send(client, "PUT", url, body)).status_code == 403
    assert (await client.get(url)).status_code == 403  # the stranger shares no team with Ana
    await switch_to(client, ana.email)
    assert (await client.get(url)).status_code == 200
    await switch_to(client, manager.email)
    assert (await send(client, "PUT", url, body)).status_code == 200


async def test_leave_through_the_api_with_emails_both_ways(client, settings, inbox, frozen_clock):
    manager, ana, _team = await new_york_team()
    await log_in(client, ana.email)
    created = await send(
        client,
        "POST",
        "/api/v1/leave",
        {
            "kind": "sick",
            "start_date": "2026-03-03",
            "end_date": "2026-03-03",
            "start_time": "13:00",
            "end_time": "17:00",
            "reason": "Dentist",
        },
    )
    assert created.status_code == 201
    leave = created.json()
    assert leave["status"] == "pending"
    assert (leave["start_time"], leave["end_time"]) == ("13:00", "17:00")
    listed = await client.get("/api/v1/leave")
    assert [row["id"] for row in listed.json()["items"]] == [leave["id"]]
    await dispatch_due(settings)
    assert len(inbox.to("lina@example.org")) == 1

    await switch_to(client, manager.email)
    url = f"/api/v1/leave/{leave['id']}/decision"
    assert (await send(client, "POST", url, {"approve": "yes"})).json()["field"] == "approve"
    decided = await send(client, "POST", url, {"approve": True, "note": "Get well"})
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    twice = await send(client, "POST", url, {"approve": False})
    assert twice.status_code == 409
    await dispatch_due(settings)
    [told] = inbox.to("ana@example.org")
    assert "Get well" in told.text


async def test_leave_errors_come_back_as_fields(client, settings, frozen_clock):
    manager, ana, _team = await new_york_team()
    await make_leave(
        ana, date(2026, 3, 10), date(2026, 3, 12), settings=settings, approved_by=manager
    )
    await log_in(client, ana.email)
    clash = await send(
        client,
        "POST",
        "/api/v1/leave",
        {"kind": "vacation", "start_date": "2026-03-12", "end_date": "2026-03-14"},
    )
    assert clash.status_code == 400
    assert clash.json()["field"] == "start_date"
    backwards = await send(
        client,
        "POST",
        "/api/v1/leave",
        {"kind": "vacation", "start_date": "2026-03-20", "end_date": "2026-03-18"},
    )
    assert backwards.json()["fields"] == {
        "end_date": "The last day cannot be before the first day."
    }
    assert await TimeOff.filter(status=TimeOffStatus.PENDING).count() == 0


async def test_working_now_without_a_team_covers_my_teams(client):
    manager, ana, _team = await new_york_team()
    await make_arrangement(ana, actor=manager)
    clock.set_now(datetime(2026, 3, 10, 14, 0, tzinfo=UTC))  # 10:00 EDT
    await log_in(client, manager.email)
    response = await client.get("/api/v1/working-now")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["items"]] == ["Ana Lima"]
    assert response.json()["items"][0]["local_time"] == "2026-03-10T10:00:00-04:00"
