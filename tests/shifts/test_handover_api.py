"""Hand-overs, swaps, waitlist offers, approval and the program's policy over the JSON API."""

from __future__ import annotations

from opsuite.shifts import service
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of
from tests.shifts.test_api import bearer


async def test_a_hand_over_with_approval_over_the_api(client, settings, frozen_clock):
    opportunity = await make_opportunity(title="Food sorting")
    manager = await manager_of(opportunity)
    shift = await make_shift(opportunity, capacity=1)
    ana, ben = await make_volunteer(name="Ana Lima"), await make_volunteer(name="Ben Okoro")
    earlier = await make_shift(opportunity, starts_at=shift.starts_at.replace(day=10))
    await service.sign_up(ben, earlier.id, settings=settings)  # Ben volunteers in the program
    await service.sign_up(ana, shift.id, settings=settings)
    as_ana, as_ben, as_manager = await bearer(ana), await bearer(ben), await bearer(manager)
    policy = f"/api/v1/programs/{opportunity.program_id}/shift-policy"
    refused = await client.put(policy, json={"approve_transfers": True}, headers=as_ana)
    assert refused.status_code == 403
    changed = await client.put(policy, json={"approve_transfers": True}, headers=as_manager)
    assert changed.json() == {
        "program_id": opportunity.program_id,
        "auto_promote": False,
        "offer_hours": 12,
        "approve_transfers": True,
        "swaps_follow_waitlist": False,
        "late_cancel_hours": 24,
        "invite_within_days": 7,
    }
    url = f"/api/v1/shifts/{shift.id}/handover"

    state = (await client.get(url, headers=as_ana)).json()
    assert state["candidates"] == [{"id": ben.id, "name": "Ben Okoro"}]  # a name, no contact
    assert state["signup"]["status"] == "confirmed"
    for bad in ({"action": "offer", "recipient_id": "2"}, {"action": "offer"}, {"action": "x"}):
        answer = await client.post(url, json=bad, headers=as_ana)
        assert answer.status_code == 400, bad
    huge = {"action": "offer", "recipient_id": 10**30}
    assert (await client.post(url, json=huge, headers=as_ana)).status_code == 400
    offered = await client.post(
        url, json={"action": "offer", "recipient_id": ben.id}, headers=as_ana
    )
    assert offered.status_code == 200, offered.text
    assert offered.json()["given"]["status"] == "offered"

    accepted = await client.post(url, json={"action": "accept"}, headers=as_ben)

    handover = accepted.json()["offered_to_me"]
    assert handover["status"] == "awaiting_approval"
    decide = f"/api/v1/handovers/{handover['id']}/decide"
    assert (await client.post(decide, json={"approve": 1}, headers=as_manager)).status_code == 400
    assert (await client.post(decide, json={"approve": True}, headers=as_ben)).status_code == 403
    done = await client.post(decide, json={"approve": True}, headers=as_manager)
    assert done.json()["status"] == "completed"
    mine = (await client.get(url, headers=as_ben)).json()
    assert mine["signup"]["status"] == "confirmed"


async def test_a_swap_taken_under_approval_answers_the_waiting_hand_over(
    client, settings, frozen_clock
):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    await service.set_policy(
        manager, opportunity.program_id, auto_promote=False, offer_hours=12,
        approve_transfers=True,
    )  # fmt: skip
    shift = await make_shift(opportunity, capacity=1)
    ana, ben = await make_volunteer(), await make_volunteer()
    await service.sign_up(ana, shift.id, settings=settings)
    url = f"/api/v1/shifts/{shift.id}/swap"
    offered = await client.post(url, json={"action": "offer"}, headers=await bearer(ana))
    assert offered.json()["status"] == "confirmed"

    taken = await client.post(url, json={"action": "take"}, headers=await bearer(ben))

    assert taken.status_code == 202, taken.text
    assert (taken.json()["status"], taken.json()["giver_id"]) == ("awaiting_approval", ana.id)
    decide = f"/api/v1/handovers/{taken.json()['id']}/decide"
    done = await client.post(decide, json={"approve": False}, headers=await bearer(manager))
    assert done.json()["status"] == "rejected"
