"""?updated_since= on the lists whose items keep when they changed (applications, meetings):
an item changed exactly at the instant is in, one changed just before is out, any offset
names the same instant, and nonsense is a 400 naming the parameter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opsuite import clock
from opsuite.applications.models import Application
from opsuite.applications.service import Consent, apply, decide, save_form
from opsuite.auth.models import Role
from opsuite.meetings.service import update_meeting
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting, meeting_input
from tests.factories.people import make_program
from tests.tasks.test_api import bearer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AT = "2026-03-02T10:30:00Z"
AT_SHANGHAI = "2026-03-02T18:30:00+08:00"  # the same instant


async def _applications(settings):
    manager = await make_user(Role.MANAGER)
    program = await make_program(manager=manager)
    await save_form(manager, program, requires_application=True, questions=[], consents=[
        Consent("", "Photos", "We may take photos."),
    ])  # fmt: skip
    people = [await make_user(Role.VOLUNTEER) for _ in range(3)]
    rows = []
    for minutes, person in zip((0, 89, 90), people, strict=True):
        clock.set_now(T0 + timedelta(minutes=minutes))  # 09:00, 10:29, 10:30
        rows.append(await apply(person, program, version=1, answers={}, consents=["c1"]))
    return manager, people, rows


async def test_the_application_queue_from_the_instant_on(client, settings, frozen_clock):
    manager, _people, (old, before, exactly) = await _applications(settings)
    boss = await bearer(manager)

    since = await client.get("/api/v1/applications", params={"updated_since": AT}, headers=boss)
    zoned = await client.get(
        "/api/v1/applications", params={"updated_since": AT_SHANGHAI}, headers=boss
    )
    clock.set_now(T0 + timedelta(hours=2))
    await decide(manager, old, decision="more_info", note="Which days?", settings=settings)
    later = await client.get("/api/v1/applications", params={"updated_since": AT}, headers=boss)

    assert since.status_code == 200, since.text
    assert [a["id"] for a in since.json()["items"]] == [exactly.id]
    assert since.json()["total"] == 1
    assert zoned.json()["items"] == since.json()["items"]
    # a decision is a change: the old application is back in the sync
    assert sorted(a["id"] for a in later.json()["items"]) == sorted([old.id, exactly.id])
    assert (await Application.get(id=before.id)).updated_at < datetime.fromisoformat(AT)


async def test_ones_own_applications_from_the_instant_on(client, settings, frozen_clock):
    _manager, people, (_old, _before, exactly) = await _applications(settings)

    mine = await client.get(
        "/api/v1/applications/mine",
        params={"updated_since": AT},
        headers=await bearer(people[2]),
    )
    not_mine = await client.get(
        "/api/v1/applications/mine",
        params={"updated_since": AT},
        headers=await bearer(people[1]),
    )

    assert [a["id"] for a in mine.json()["items"]] == [exactly.id]
    assert not_mine.json()["items"] == []


async def test_meetings_changed_from_the_instant_on(client, settings, frozen_clock):
    organizer = await make_user(Role.STAFF)
    start = T0 + timedelta(days=2)
    clock.set_now(T0 + timedelta(minutes=89))
    before = await make_meeting(settings=settings, organizer=organizer, starts_at=start)
    clock.set_now(T0 + timedelta(minutes=90))
    exactly = await make_meeting(settings=settings, organizer=organizer, starts_at=start)
    clock.set_now(T0)
    me = await bearer(organizer)
    window = {"start": "2026-03-03T00:00:00Z", "end": "2026-03-10T00:00:00Z"}

    every = await client.get("/api/v1/meetings", params=window, headers=me)
    since = await client.get(
        "/api/v1/meetings", params={**window, "updated_since": AT_SHANGHAI}, headers=me
    )
    clock.set_now(T0 + timedelta(hours=3))
    await update_meeting(
        organizer, before, meeting_input(starts_at=start, title="Moved on"), settings=settings
    )
    later = await client.get("/api/v1/meetings", params={**window, "updated_since": AT}, headers=me)

    assert len(every.json()["items"]) == 2
    assert [o["meeting_id"] for o in since.json()["items"]] == [exactly.id]
    assert sorted(o["meeting_id"] for o in later.json()["items"]) == sorted([before.id, exactly.id])


async def test_nonsense_is_refused_by_name(client, settings):
    manager = await bearer(await make_user(Role.MANAGER))
    for path in ("/api/v1/applications", "/api/v1/applications/mine", "/api/v1/meetings"):
        for value in ("yesterday", "2026-03-02T10:30:00"):  # no offset: which zone?
            answer = await client.get(path, params={"updated_since": value}, headers=manager)
            assert (answer.status_code, answer.json()["field"]) == (400, "updated_since"), path
