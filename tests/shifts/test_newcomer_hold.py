"""A stranger's sign-up only holds a place until the emailed link is used (issue #15): the hold
runs out, the place goes to the waitlist, and the form never tells whether an address has an
account."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from opsuite import clock
from opsuite.app import create_app
from opsuite.areas import collect
from opsuite.notify.service import dispatch_due
from opsuite.shifts import service
from opsuite.shifts.models import SignUp, SignUpStatus
from tests.conftest import csrf_token, log_in, make_settings, post_form
from tests.factories.auth import make_user
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def join(client: httpx.AsyncClient, shift_id: int, email: str, name: str = "Ana"):
    path = f"/shifts/{shift_id}"
    return await post_form(client, f"{path}/join", {"name": name, "email": email}, from_page=path)


RANDOM = re.compile(r'(?<=value=")[A-Za-z0-9_-]{20,}(?=")')


def hold(settings) -> timedelta:
    return timedelta(minutes=settings.shifts.newcomer_hold_minutes)


async def statuses(shift_id: int) -> dict[str, str]:
    rows = await SignUp.filter(shift_id=shift_id).prefetch_related("volunteer")
    return {r.volunteer.email: str(r.status) for r in rows}


async def test_an_unconfirmed_place_is_released_to_the_waitlist(
    client, settings, frozen_clock, inbox
):
    shift = await make_shift(capacity=1)
    assert (await join(client, shift.id, "new@example.invalid")).status_code == 303
    assert await statuses(shift.id) == {"new@example.invalid": "held"}
    waiting = await make_volunteer()
    assert (await service.sign_up(waiting, shift.id, settings=settings)).status == "waitlisted"

    clock.set_now(frozen_clock + hold(settings) - timedelta(minutes=1))
    assert await service.release_expired_holds(settings) == 0
    clock.set_now(frozen_clock + hold(settings) + timedelta(minutes=1))
    # Already before the job runs, the ran-out hold no longer counts as a taken place.
    assert (await service.counts_for([shift.id]))[shift.id].free(shift.capacity) == 1
    assert "shifts.release_holds" in [job.id for job in collect().jobs]
    assert await service.release_expired_holds(settings) == 1
    assert await statuses(shift.id) == {
        "new@example.invalid": "cancelled",
        waiting.email: "offered",  # the next person is offered the place, as on a cancellation
    }
    await dispatch_due(settings)
    assert [m for m in inbox.to(waiting.email) if "place opened up" in m.subject]


async def test_confirming_in_time_makes_it_an_ordinary_sign_up(
    client, settings, frozen_clock, inbox
):
    shift = await make_shift(capacity=2)
    await join(client, shift.id, "kept@example.org")
    await dispatch_due(settings)
    (mail,) = inbox.to("kept@example.org")
    assert f"for {settings.shifts.newcomer_hold_minutes} minutes" in mail.text
    link = re.search(r"http://testserver(/invite/\S+)", mail.text).group(1)
    clock.set_now(frozen_clock + hold(settings) - timedelta(minutes=5))
    token = await csrf_token(client, link)
    done = await client.post(link, data={"csrf_token": token, "password": "a good password 1"})
    assert done.status_code == 303
    clock.set_now(frozen_clock + hold(settings) * 3)
    assert await service.release_expired_holds(settings) == 0
    signup = await SignUp.get(shift_id=shift.id)
    assert (signup.status, signup.hold_expires_at) == (SignUpStatus.CONFIRMED, None)
    assert (await service.counts_for([shift.id]))[shift.id].confirmed == 1


async def test_coordinators_see_unconfirmed_places(client, settings, frozen_clock):
    shift = await make_shift(capacity=6)
    for _n in range(3):
        await service.sign_up(await make_volunteer(), shift.id, settings=settings)
    await join(client, shift.id, "maybe@example.invalid", name="Maybe Real")
    # Others see only confirmed places (the count must not tell whether an address was new).
    public = await client.get(f"/shifts/{shift.id}")
    assert "3 of 6 taken" in public.text
    assert "unconfirmed" not in public.text
    await log_in(client, (await manager_of(await shift.opportunity)).email)
    page = await client.get(f"/shifts/{shift.id}")
    assert "4 of 6 taken, 1 unconfirmed" in page.text
    roster = await client.get(f"/shifts/{shift.id}/roster")
    assert "4 of 6 places taken, 1 unconfirmed" in roster.text
    assert re.search(r"Maybe Real <strong>unconfirmed</strong>", roster.text)


async def test_a_hundred_invented_addresses_hold_nothing_after_the_hold_time(
    instance_dir, smtp, frozen_clock
):
    # The throttle would stop one address long before 100 posts; this test is about what a
    # stranger's posts leave behind when they come from many addresses.
    settings = make_settings(instance_dir, smtp[0], throttle={"anonymous_posts": 1000})
    transport = httpx.ASGITransport(app=create_app(settings), client=("198.51.100.9", 4000))
    opportunity = await make_opportunity()
    shifts = [await make_shift(opportunity, capacity=6) for _n in range(3)]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for n in range(100):
            answer = await join(client, shifts[n % 3].id, f"nobody-real-{n}@example.invalid")
            assert answer.status_code == 303
    counts = await service.counts_for([s.id for s in shifts])
    assert all(c.held == 6 and c.confirmed == 0 for c in counts.values())

    clock.set_now(frozen_clock + hold(settings) + timedelta(minutes=1))
    await service.release_expired_holds(settings)
    counts = await service.counts_for([s.id for s in shifts])
    assert all(c.taken == 0 and c.waiting == 0 for c in counts.values()), counts
    assert not await SignUp.filter(status__in=service.ACTIVE_STATUSES).exists()


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
async def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client, settings, frozen_clock, inbox, lang
):
    shift = await make_shift(capacity=3)
    known = await make_user("volunteer", email="known@example.org")
    client.cookies.set("opsuite_lang", lang)
    answers = {}
    for email in ("known@example.org", "unknown@example.org"):
        response = await join(client, shift.id, email)
        page = await client.get(response.headers["location"])
        answers[email] = (
            response.status_code,
            response.headers["location"],
            # Random per page: the CSRF token and the one-time submission key.
            RANDOM.sub("RANDOM", page.text.replace(email, "EMAIL")),
        )
    assert answers["known@example.org"] == answers["unknown@example.org"]
    # The known person got no place without logging in, and no email before the dispatcher.
    assert await statuses(shift.id) == {"unknown@example.org": "held"}
    assert not inbox.messages
    await dispatch_due(settings)
    (note,) = inbox.to(known.email)
    assert f"/login?next=/shifts/{shift.id}" in note.text
    (welcome,) = inbox.to("unknown@example.org")
    assert "/invite/" in welcome.text
