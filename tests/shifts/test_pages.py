"""The shift pages through HTTP: public list, sign-up, newcomers, roster, My shifts."""

from __future__ import annotations

from opsuite.notify.service import dispatch_due
from opsuite.shifts.models import SignUp
from tests.conftest import log_in, post_form
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def test_public_shifts_are_listed_without_login_and_internal_ones_are_not(
    client, frozen_clock
):
    public = await make_opportunity(title="Food bank sorting", is_public=True)
    internal = await make_opportunity(title="Board prep", is_public=False)
    await make_shift(public)
    hidden = await make_shift(internal)
    response = await client.get("/shifts")
    assert response.status_code == 200
    assert "Food bank sorting" in response.text
    assert "Board prep" not in response.text
    assert (await client.get(f"/shifts/{hidden.id}")).status_code == 303  # to the login page
    volunteer = await make_volunteer()
    await log_in(client, volunteer.email)
    assert "Board prep" in (await client.get("/shifts")).text


async def test_volunteer_signs_up_through_the_page_and_sees_it_in_my_shifts(client, frozen_clock):
    shift = await make_shift(capacity=1)
    volunteer = await make_volunteer()
    await log_in(client, volunteer.email)
    response = await post_form(
        client, f"/shifts/{shift.id}/signup", {}, from_page=f"/shifts/{shift.id}"
    )
    assert response.status_code == 303
    mine = await client.get("/shifts/mine")
    assert "Confirmed" in mine.text
    again = await post_form(client, f"/shifts/{shift.id}/signup", {}, from_page="/shifts/mine")
    assert again.status_code == 409
    assert "already signed up" in again.text


async def test_a_newcomer_takes_a_public_shift_and_gets_an_invitation(
    client, settings, frozen_clock, inbox
):
    shift = await make_shift()
    path = f"/shifts/{shift.id}"
    bad = await post_form(client, f"{path}/join", {"name": "Ana", "email": "nope"}, from_page=path)
    assert bad.status_code == 400
    assert 'value="Ana"' in bad.text
    response = await post_form(
        client, f"{path}/join", {"name": "Ana", "email": "ana@example.org"}, from_page=path
    )
    assert response.status_code == 303
    assert await SignUp.filter(shift_id=shift.id, volunteer__email="ana@example.org").exists()
    await dispatch_due(settings)
    (mail,) = inbox.to("ana@example.org")
    assert "/invite/" in mail.text
    link = mail.text.split("http://testserver")[-1].split()[0]
    assert (await client.get(link)).status_code == 200


async def test_roster_shows_contacts_to_coordinators_only(client, settings, frozen_clock):
    shift = await make_shift()
    volunteer = await make_volunteer(name="Wen Li", phone="+86 10 5555")
    from opsuite.shifts import service

    await service.sign_up(volunteer, shift.id, settings=settings)
    await log_in(client, volunteer.email)
    assert (await client.get(f"/shifts/{shift.id}/roster")).status_code == 403
    manager = await manager_of(await shift.opportunity)
    client.cookies.clear()
    await log_in(client, manager.email)
    roster = await client.get(f"/shifts/{shift.id}/roster")
    assert roster.status_code == 200
    assert volunteer.email in roster.text
    assert "+86 10 5555" in roster.text
    sent = await post_form(
        client,
        f"/shifts/{shift.id}/message",
        {"subject": "Bring gloves", "body": "It is cold."},
        from_page=f"/shifts/{shift.id}/roster",
    )
    assert sent.status_code == 303
    lowered = await post_form(
        client,
        f"/shifts/{shift.id}/cancel-shift",
        {"reason": "Flooding"},
        from_page=f"/shifts/{shift.id}/roster",
    )
    assert lowered.status_code == 303
    page = await client.get(f"/shifts/{shift.id}/roster")
    assert "Bring gloves" in page.text  # in the delivery log
    assert "Cancelled: " in page.text


async def test_coordinator_creates_an_opportunity_and_a_weekly_series(client, frozen_clock):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    await log_in(client, manager.email)
    path = f"/opportunities/{opportunity.id}/shifts/new"
    form = {
        "day": "2026-03-07",
        "start": "09:00",
        "end": "12:00",
        "timezone": "Europe/Berlin",
        "capacity": "8",
        "repeat": "weekly",
        "until": "2026-06-30",
    }
    response = await post_form(client, path, form)
    assert response.status_code == 303
    page = await client.get(f"/opportunities/{opportunity.id}")
    assert page.text.count("/shifts/") >= 10
    missing = await post_form(client, path, {**form, "until": ""})
    assert missing.status_code == 400
    assert "until when" in missing.text
