"""Leave balances through the web and the API: the balance shown when requesting, a request
past it refused next to the field, the approver's decision page (balance, who else is off,
the team's cover), a person's own allowance, the organisation's policies."""

from __future__ import annotations

from datetime import date

from opsuite.schedules.models import LeaveAllowance, LeavePolicy, TimeOff
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, make_leave, make_policy, weekday_blocks
from tests.schedules.helpers import field_error, switch_to, text_of

DECEMBER = {"kind": "vacation", "start_date": "2026-12-08", "end_date": "2026-12-11"}


async def send(client, method: str, path: str, body: dict):
    token = await csrf_token(client, "/schedule")
    return await client.request(method, path, json=body, headers={"x-csrf-token": token})


async def team_of_four(settings):
    """Li Na runs a team: Sam (full time), Ana (Monday to Wednesday), Bo (off 9 December)."""
    manager = await make_user("manager", name="Li Na", email="lina@example.org")
    sam = await make_user("staff", name="Sam Carter", email="sam@example.org")
    ana = await make_user("staff", name="Ana Lima", email="ana@example.org")
    bo = await make_user("staff", name="Bo Wen", email="bo@example.org")
    team = await make_team(manager=manager, members=[sam, ana, bo], name="Field team")
    await make_arrangement(sam, actor=manager)
    await make_arrangement(ana, actor=manager, blocks=weekday_blocks(days=(0, 1, 2)))
    await make_arrangement(bo, actor=manager)
    await make_leave(bo, date(2026, 12, 9), settings=settings, approved_by=manager)
    await make_policy()
    return manager, sam, ana, bo, team


async def test_the_request_page_shows_the_balance_and_what_a_request_leaves(
    client, settings, frozen_clock
):
    _manager, sam, *_rest = await team_of_four(settings)
    await log_in(client, sam.email)
    page = await client.get("/schedule/leave")
    assert "Vacation: 20 of 20 days left in 2026." in text_of(page.text)
    assert "Vacation (limited) 20 0 0 0 20 Sick leave" in text_of(page.text)

    checked = await post_form(client, "/schedule/leave", {**DECEMBER, "action": "check"})
    assert checked.status_code == 200
    assert "It takes 4 days: 16 of 20 days of vacation left in 2026 after it." in text_of(
        checked.text
    )
    assert await TimeOff.filter(user_id=sam.id).count() == 0

    sent = await post_form(client, "/schedule/leave", DECEMBER)
    assert sent.status_code == 303
    page = await client.get("/schedule/leave")
    assert (
        "Your leave request is sent to your managers. It takes 4 days: 16 of 20 days of "
        "vacation left in 2026 after it."
    ) in text_of(page.text)
    assert "Vacation: 16 of 20 days left in 2026." in text_of(page.text)
    assert "Vacation (limited) 20 0 0 4 16 Sick leave" in text_of(page.text)


async def test_a_request_past_the_balance_is_refused_next_to_the_field(
    client, settings, frozen_clock
):
    _manager, sam, *_rest = await team_of_four(settings)
    await log_in(client, sam.email)
    many = {"kind": "vacation", "start_date": "2026-11-02", "end_date": "2026-12-04"}
    refused = await post_form(client, "/schedule/leave", many)
    assert refused.status_code == 400
    assert field_error(refused, "end_date") == (
        "This request takes 25 days of vacation in 2026, but only 20 of 20 days are left."
    )
    assert 'value="2026-11-02"' in refused.text  # what was typed is kept
    assert await TimeOff.filter(user_id=sam.id).count() == 0
    # Sick leave has no rule: counted, never refused.
    sick = await post_form(client, "/schedule/leave", {**many, "kind": "sick"})
    assert sick.status_code == 303


async def test_the_approver_sees_the_balance_who_else_is_off_and_the_cover(
    client, settings, frozen_clock
):
    manager, sam, _ana, _bo, _team = await team_of_four(settings)
    leave = await make_leave(sam, date(2026, 12, 8), date(2026, 12, 11), settings=settings)
    await log_in(client, manager.email)
    approvals = text_of((await client.get("/schedule/approvals")).text)
    assert "It takes 4 days: 16 of 20 days of vacation left in 2026 after it." in approvals

    page = await client.get(f"/schedule/approvals/leave/{leave.id}")
    text = text_of(page.text)
    assert "It takes 4 days: 16 of 20 days of vacation left in 2026 after it." in text
    # Tue: Ana and Bo of three; Wed: Ana (Bo is off); Thu and Fri: only Bo (Ana works Mon-Wed).
    assert "Tue, Dec 8 2 of 3 people in the team working" in text
    assert "Wed, Dec 9 1 of 3 people in the team working" in text
    assert "Thu, Dec 10 1 of 3 people in the team working" in text
    assert "Bo Wen: Vacation, Dec 9, 2026 (Approved)" in text

    decided = await post_form(
        client,
        f"/schedule/approvals/leave/{leave.id}",
        {"decision": "approve"},
        from_page=f"/schedule/approvals/leave/{leave.id}",
    )
    assert decided.status_code == 303
    assert (await TimeOff.get(id=leave.id)).status == "approved"


async def test_the_decision_page_is_for_the_requesters_managers(client, settings, frozen_clock):
    _manager, sam, *_rest = await team_of_four(settings)
    leave = await make_leave(sam, date(2026, 12, 8), settings=settings)
    other = await make_user("manager", email="other@example.org")
    await make_team(manager=other)
    await log_in(client, other.email)
    assert (await client.get(f"/schedule/approvals/leave/{leave.id}")).status_code == 403
    await switch_to(client, sam.email)
    assert (await client.get(f"/schedule/approvals/leave/{leave.id}")).status_code == 403


async def test_a_manager_sets_a_persons_own_allowance(client, settings, frozen_clock):
    manager, _sam, ana, *_rest = await team_of_four(settings)
    await log_in(client, manager.email)
    page = await client.get(f"/schedule/people/{ana.id}/leave")
    assert "Vacation: 12 of 12 days left in 2026." in text_of(page.text)  # 24 of 40 hours
    url = f"/schedule/people/{ana.id}/leave"
    bad = await post_form(client, url, {"kind": "vacation", "year": "2026", "days": "1e9"})
    assert bad.status_code == 400
    assert field_error(bad, "days") == "Enter a number of days like 20 or 1.67."
    saved = await post_form(
        client, url, {"kind": "vacation", "year": "2026", "days": "15", "carried_over": "2"}
    )
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert "Vacation: 17 of 17 days left in 2026." in text_of(page.text)
    assert "Vacation (limited) 15 2 0 0 17" in text_of(page.text)
    assert await LeaveAllowance.filter(user_id=ana.id).count() == 1


async def test_an_admin_sets_the_policy_of_a_kind_of_leave(client, settings, frozen_clock):
    admin = await make_user("admin", email="admin@example.org")
    await log_in(client, admin.email)
    form = {
        "kind": "vacation",
        "limited": "on",
        "accrual": "monthly",
        "days_per_year": "0",
        "days_per_month": "1.67",
        "carry_over": "up_to",
        "carry_over_max": "5",
        "full_time_hours": "37.5",
        "first_year": "2026",
    }
    bad = await post_form(client, "/schedule/leave-policies", {**form, "days_per_month": "40"})
    assert bad.status_code == 400
    assert field_error(bad, "days_per_month") == "Enter a number of days from 0 to 31."
    assert await LeavePolicy.all().count() == 0
    saved = await post_form(client, "/schedule/leave-policies", form)
    assert saved.status_code == 303
    page = text_of((await client.get("/schedule/leave-policies")).text)
    assert "Vacation 1.67 days a month Up to 5 days carried over Refused" in page
    policy = await LeavePolicy.get(kind="vacation")
    assert (policy.accrual, str(policy.full_time_hours)) == ("monthly", "37.50")


async def test_the_balances_api_answers_for_me_and_for_my_managers(client, settings, frozen_clock):
    manager, sam, ana, *_rest = await team_of_four(settings)
    await make_leave(sam, date(2026, 12, 8), date(2026, 12, 11), settings=settings)
    await log_in(client, sam.email)
    mine = (await client.get("/api/v1/time-off/balances")).json()
    assert (mine["user_id"], mine["year"], mine["on"]) == (sam.id, 2026, "2026-03-02")
    vacation = mine["balances"][0]
    assert (vacation["kind"], vacation["available"], vacation["pending"], vacation["left"]) == (
        "vacation",
        20.0,
        4.0,
        16.0,
    )
    assert (await client.get(f"/api/v1/time-off/balances?user={ana.id}")).status_code == 403
    assert (await client.get("/api/v1/time-off/balances?year=99999")).status_code == 400
    assert (await client.get("/api/v1/time-off/balances?user=x")).status_code == 400

    await switch_to(client, manager.email)
    hers = (await client.get(f"/api/v1/time-off/balances?user={ana.id}&year=2026")).json()
    assert hers["balances"][0]["available"] == 12.0


async def test_the_allowance_and_policy_apis(client, settings, frozen_clock):
    manager, _sam, ana, *_rest = await team_of_four(settings)
    await log_in(client, manager.email)
    body = {"user_id": ana.id, "kind": "vacation", "year": 2026, "days": 18.5}
    answer = await send(client, "PUT", "/api/v1/time-off/allowances", body)
    assert answer.status_code == 200
    assert answer.json()["allowances"] == [
        {"kind": "vacation", "year": 2026, "days": 18.5, "carried_over": None}
    ]
    refused = await send(client, "PUT", "/api/v1/time-off/allowances", {**body, "days": -1})
    assert refused.status_code == 400
    assert refused.json()["field"] == "days"
    # Policies: everyone on staff reads them, only admins change them.
    policy = {
        "kind": "sick",
        "limited": False,
        "accrual": "yearly",
        "carry_over": "none",
        "first_year": 2026,
    }
    assert (await send(client, "PUT", "/api/v1/time-off/policies", policy)).status_code == 403
    admin = await make_user("admin", email="admin@example.org")
    await switch_to(client, admin.email)
    answer = await send(client, "PUT", "/api/v1/time-off/policies", policy)
    assert answer.status_code == 200
    assert [p["kind"] for p in answer.json()] == ["vacation", "sick"]
    bad = await send(client, "PUT", "/api/v1/time-off/policies", {**policy, "limited": "yes"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "limited"
