"""A rule that says no is shown on the page the person was on, with the reason and what to do
next (issue #14, defect 7); "Someone else changed this" is only for a real edit conflict."""

from __future__ import annotations

import html
from datetime import timedelta

import httpx
from starlette.requests import Request
from starlette.routing import Route

from opsuite import clock
from opsuite.app import create_app
from opsuite.errors import EditConflictError
from opsuite.shifts import service
from opsuite.shifts.models import SignUp
from tests.conftest import csrf_token, log_in
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer

EDIT_CONFLICT = "Someone else changed this"


async def press(client: httpx.AsyncClient, page: str, action: str, **headers: str):
    """Press a button on ``page`` as a browser does (its CSRF token, its Referer)."""
    token = await csrf_token(client, page)
    return await client.post(
        action,
        data={"csrf_token": token},
        headers={"referer": f"http://testserver{page}", **headers},
    )


async def test_a_missing_skill_is_explained_on_the_shift_page(client):
    opportunity = await make_opportunity(required_skills=["forklift licence"])
    shift = await make_shift(opportunity)
    volunteer = await make_volunteer(skills=["cooking"])
    await log_in(client, volunteer.email)

    sent = await press(client, f"/shifts/{shift.id}", f"/shifts/{shift.id}/signup")

    assert sent.status_code == 303
    assert sent.headers["location"] == f"/shifts/{shift.id}"
    page = await client.get(sent.headers["location"])
    text = html.unescape(page.text)
    assert page.status_code == 200
    assert "This shift needs these skills: forklift licence." in text
    assert "add them to your profile" in text
    assert 'role="alert"' in page.text
    assert EDIT_CONFLICT not in text
    assert not await SignUp.exists()


async def test_an_overlapping_shift_is_explained_on_the_shift_page(client, settings):
    first = await make_shift()
    start = first.starts_at + timedelta(hours=1)
    second = await make_shift(starts_at=start)
    volunteer = await make_volunteer(name="Li Wei")
    await service.sign_up(volunteer, first.id, settings=settings)
    await log_in(client, volunteer.email)

    sent = await press(client, f"/shifts/{second.id}", f"/shifts/{second.id}/signup")

    assert sent.headers["location"] == f"/shifts/{second.id}"
    text = html.unescape((await client.get(sent.headers["location"])).text)
    assert "Li Wei already has a shift at that time. Cancel that one first" in text
    assert EDIT_CONFLICT not in text
    assert not await SignUp.filter(shift_id=second.id).exists()


async def test_checking_in_too_early_is_explained_on_the_shift_page(client, settings):
    shift = await make_shift(starts_at=clock.now() + timedelta(days=2))
    volunteer = await make_volunteer()
    await service.sign_up(volunteer, shift.id, settings=settings)
    await log_in(client, volunteer.email)

    sent = await press(client, f"/shifts/{shift.id}", f"/shifts/{shift.id}/checkin")
    text = html.unescape((await client.get(sent.headers["location"])).text)
    script = await press(
        client, f"/shifts/{shift.id}", f"/shifts/{shift.id}/checkin", accept="application/json"
    )

    assert sent.headers["location"] == f"/shifts/{shift.id}"
    assert "Check-in opens an hour before the shift starts. Come back then." in text
    assert EDIT_CONFLICT not in text
    # forms.js asks for JSON and shows the reason in the page.
    assert script.status_code == 409
    assert (
        script.json()["error"] == "Check-in opens an hour before the shift starts. Come back then."
    )
    assert (await SignUp.get()).checked_in_at is None


async def test_a_refusal_without_a_page_to_return_to_is_not_called_an_edit_conflict(
    client, settings
):
    shift = await make_shift(starts_at=clock.now() + timedelta(days=2))
    volunteer = await make_volunteer()
    await service.sign_up(volunteer, shift.id, settings=settings)
    await log_in(client, volunteer.email)
    token = await csrf_token(client, f"/shifts/{shift.id}")

    sent = await client.post(f"/shifts/{shift.id}/checkin", data={"csrf_token": token})

    assert sent.status_code == 409
    text = html.unescape(sent.text)
    assert "That could not be done" in text
    assert "Check-in opens an hour before the shift starts." in text
    assert EDIT_CONFLICT not in text


async def test_only_a_real_edit_conflict_is_headed_someone_else_changed_this(settings):
    async def stale(request: Request):
        raise EditConflictError("Someone saved this task after you opened it.")

    app = create_app(settings)
    app.router.routes.append(Route("/stale", stale, methods=["POST"]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post("/stale", headers={"referer": "http://testserver/tasks/1"})
    assert response.status_code == 409
    assert EDIT_CONFLICT in html.unescape(response.text)
    assert 'href="/tasks/1"' in response.text  # and a way back
