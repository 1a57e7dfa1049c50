"""Notification choices and the outbox's retry through the JSON API: the same rules as the
preferences page and the outbox page; bad input a 400 with the field, nothing half-saved."""

from __future__ import annotations

from datetime import time

from opsuite.auth.models import Role
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.notify.preferences import preferences_for
from opsuite.notify.service import dispatch_due
from tests.factories.auth import make_user
from tests.notify.test_outbox import queue_reset_mail
from tests.tasks.test_api import bearer

URL = "/api/v1/me/notifications"


async def test_someone_reads_and_changes_their_own_choices(client, settings):
    person = await make_user(Role.VOLUNTEER)
    me = await bearer(person)

    before = await client.get(URL, headers=me)
    changed = await client.patch(
        URL,
        json={
            "disabled": ["digest_weekly", "meeting"],
            "lead_minutes": {"shift": [30, 1440]},
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
        headers=me,
    )
    partly = await client.patch(URL, json={"lead_minutes": {"meeting": [5]}}, headers=me)

    assert before.json() == {
        "disabled": [],
        "lead_minutes": {"shift": [1440, 120], "meeting": [15]},
        "quiet_start": None,
        "quiet_end": None,
    }
    assert changed.status_code == 200, changed.text
    assert changed.json()["lead_minutes"]["shift"] == [1440, 30]
    assert partly.json() == {
        "disabled": ["digest_weekly", "meeting"],
        "lead_minutes": {"shift": [1440, 30], "meeting": [5]},
        "quiet_start": "22:00",
        "quiet_end": "07:00",
    }
    prefs = await preferences_for(person)
    assert (prefs.quiet_start, prefs.quiet_end) == (time(22), time(7))
    assert not prefs.wants("meeting")


async def test_bad_choices_are_refused_and_nothing_is_saved(client, settings):
    person = await make_user(Role.VOLUNTEER)
    me = await bearer(person)
    await client.patch(URL, json={"quiet_start": "22:00", "quiet_end": "07:00"}, headers=me)

    for body, field in (
        ({"disabled": ["fax"]}, "disabled"),
        ({"disabled": "shift"}, "disabled"),
        ({"lead_minutes": {"shift": [0]}}, "lead_minutes"),
        ({"lead_minutes": {"shift": [1, 2, 3, 4, 5, 6]}}, "lead_minutes"),
        ({"lead_minutes": {"shift": ["2h"]}}, "lead_minutes"),
        ({"lead_minutes": {"digest_daily": [5]}}, "lead_minutes"),
        ({"lead_minutes": {"shift": [5, 14 * 24 * 60 + 1]}}, "lead_minutes"),
        ({"quiet_start": "25:00"}, "quiet_start"),
        ({"quiet_end": None, "disabled": ["shift"]}, "quiet_end"),  # half-set quiet hours
        ({"sms": True}, "sms"),
    ):
        answer = await client.patch(URL, json=body, headers=me)
        assert answer.status_code == 400, (body, answer.text)
        problem = answer.json()
        assert field == problem.get("field") or field in problem.get("fields", {}), problem
        assert problem["error"]

    prefs = await preferences_for(person)
    assert (prefs.quiet_start, prefs.quiet_end, prefs.disabled_kinds) == (
        time(22), time(7), frozenset(),
    )  # fmt: skip
    assert (await client.get(URL)).status_code == 401


async def test_an_admin_sends_a_failed_message_again(client, settings, inbox):
    user = await make_user()
    inbox.refuse_recipients.add(user.email)
    await queue_reset_mail(settings, user)
    await dispatch_due(settings)
    row = await Notification.get(to_address=user.email)
    assert row.status == NotificationStatus.FAILED
    inbox.refuse_recipients.clear()
    url = f"/api/v1/outbox/{row.id}/retry"

    manager = await client.post(url, headers=await bearer(await make_user(Role.MANAGER)))
    assert manager.status_code == 403
    assert (await Notification.get(id=row.id)).status == NotificationStatus.FAILED
    admin = await bearer(await make_user(Role.ADMIN))
    answer = await client.post(url, headers=admin)
    again = await client.post(url, headers=admin)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": row.id, "status": "pending"}
    assert again.status_code == 404  # no longer failed
    assert "error" in again.json()
    assert (await dispatch_due(settings)).sent == 1
