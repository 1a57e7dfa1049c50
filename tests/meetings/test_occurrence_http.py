"""Answers and notes per occurrence over HTTP: the meeting page (HTML forms) and the API."""

from datetime import UTC, datetime

from opsuite.auth.service import create_api_token
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting

T03, T10, T17 = (datetime(2026, 3, d, 10, tzinfo=UTC) for d in (3, 10, 17))
KEY10 = "20260310T100000Z"


async def bearer(user) -> dict[str, str]:
    made = await create_api_token(user, name="test")
    return {"Authorization": f"Bearer {made.token}"}


async def _series(settings):
    organizer = await make_user("staff", name="Organiser", email="org@example.org")
    guest = await make_user("volunteer", name="Guest", email="guest@example.org")
    meeting = await make_meeting(
        settings=settings,
        organizer=organizer,
        starts_at=T03,
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        attendees=[guest],
    )
    return organizer, guest, meeting


async def test_a_guest_answers_one_date_on_the_page_and_sees_it(client, settings, frozen_clock):
    _organizer, _guest, meeting = await _series(settings)
    await log_in(client, "guest@example.org")
    page = f"/meetings/{meeting.id}"

    answer = await post_form(
        client,
        f"{page}/respond",
        {"response": "declined", "occurrence": KEY10},
        from_page=f"{page}?occurrence={KEY10}",
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{page}?occurrence={KEY10}#occurrence"
    opened = await client.get(answer.headers["location"])
    assert "Your answer for this date: <strong>Declined</strong>" in opened.text
    # The series' answer and the other dates are as they were.
    assert "Your answer for every occurrence: <strong>No answer yet</strong>" in opened.text
    assert opened.text.count("Your answer: No answer yet") == 2
    assert "Your answer: Declined (this date)" in opened.text


async def test_the_organiser_sees_counts_and_keeps_notes_for_one_date(
    client, settings, frozen_clock
):
    _organizer, _guest, meeting = await _series(settings)
    await log_in(client, "org@example.org")
    page = f"/meetings/{meeting.id}"

    saved = await post_form(
        client,
        f"{page}/minutes",
        {"minutes": "Agreed the rota.", "occurrence": KEY10},
        from_page=f"{page}?occurrence={KEY10}",
    )

    assert saved.status_code == 303
    opened = await client.get(saved.headers["location"])
    assert ">Agreed the rota.</textarea>" in opened.text
    assert "Accepted 1 · Maybe 0 · Declined 0 · No answer yet 1" in opened.text
    # The meeting's own notes are still empty.
    whole = await client.get(page)
    assert 'name="minutes" rows="8"></textarea>' in whole.text


async def test_a_guest_may_read_but_not_write_a_dates_notes(client, settings, frozen_clock):
    organizer, _guest, meeting = await _series(settings)
    from opsuite.meetings import service

    await service.save_minutes(organizer, meeting, "Rota agreed.", original_start=T10)
    await log_in(client, "guest@example.org")
    page = f"/meetings/{meeting.id}"
    opened = await client.get(f"{page}?occurrence={KEY10}")
    assert "<pre>Rota agreed.</pre>" in opened.text
    assert 'id="f-occurrence-minutes"' not in opened.text

    refused = await post_form(
        client, f"{page}/minutes", {"minutes": "Mine now", "occurrence": KEY10}, from_page=page
    )
    assert refused.status_code == 403


async def test_nonsense_occurrences_are_refused_with_a_message(client, settings, frozen_clock):
    _organizer, _guest, meeting = await _series(settings)
    await log_in(client, "guest@example.org")
    page = f"/meetings/{meeting.id}"

    assert (await client.get(f"{page}?occurrence=tomorrow")).status_code == 400
    assert (await client.get(f"{page}?occurrence=20260311T100000Z")).status_code == 404
    for occurrence, status in (("x\x00", 400), ("20260311T100000Z", 404), ("99999999T", 400)):
        answer = await post_form(
            client,
            f"{page}/respond",
            {"response": "accepted", "occurrence": occurrence},
            from_page=page,
        )
        assert answer.status_code == status, occurrence


async def test_the_api_answers_one_date_and_reads_its_counts_and_notes(
    client, settings, frozen_clock
):
    organizer, guest, meeting = await _series(settings)
    guest_headers, organizer_headers = await bearer(guest), await bearer(organizer)
    base = f"/api/v1/meetings/{meeting.id}"

    answered = await client.post(
        f"{base}/rsvp", json={"response": "tentative", "occurrence": KEY10}, headers=guest_headers
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["occurrence_answers"] == [
        {"occurrence": KEY10, "user_id": guest.id, "response": "tentative"}
    ]
    noted = await client.post(
        f"{base}/minutes",
        json={"minutes": "Two new volunteers.", "occurrence": KEY10},
        headers=organizer_headers,
    )
    assert noted.status_code == 200, noted.text
    assert noted.json()["minutes"] == ""

    read = await client.get(f"{base}/occurrence", params={"start": KEY10}, headers=guest_headers)

    assert read.status_code == 200, read.text
    body = read.json()
    assert body["start"] == "2026-03-10T10:00:00Z"
    assert body["minutes"] == "Two new volunteers."
    assert body["counts"] == {"accepted": 1, "tentative": 1, "declined": 0, "needs_action": 0}
    assert {a["user_id"]: (a["response"], a["own"]) for a in body["answers"]} == {
        organizer.id: ("accepted", False),
        guest.id: ("tentative", True),
    }
    # The next date keeps the series' answer.
    other = await client.get(
        f"{base}/occurrence", params={"start": "20260317T100000Z"}, headers=guest_headers
    )
    assert other.json()["counts"]["needs_action"] == 1


async def test_the_api_refuses_bad_answers_notes_and_writers(client, settings, frozen_clock):
    _organizer, guest, meeting = await _series(settings)
    organizer_headers = await bearer(await meeting.organizer)
    base = f"/api/v1/meetings/{meeting.id}"

    bad_date = await client.post(
        f"{base}/rsvp", json={"response": "accepted", "occurrence": 12}, headers=organizer_headers
    )
    assert bad_date.status_code == 400
    assert bad_date.json()["field"] == "occurrence"
    for body in (
        {"minutes": "a\x00b"},
        {"minutes": 5},
        {"minutes": "x" * 50_001},
        {"minutes": "ok", "occurrence": "20260311T100000Z"},
    ):
        answer = await client.post(f"{base}/minutes", json=body, headers=organizer_headers)
        assert answer.status_code in (400, 404), (body, answer.status_code)
        assert answer.status_code != 500
    writer = await client.post(
        f"{base}/minutes", json={"minutes": "mine"}, headers=await bearer(guest)
    )
    assert writer.status_code == 403
    missing = await client.get(f"{base}/occurrence", headers=organizer_headers)
    assert missing.status_code == 400
