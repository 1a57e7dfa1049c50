"""Changing one's notification choices moves the reminders already queued (#14-11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opsuite import clock
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.notify.service import dispatch_due
from opsuite.shifts.service import sign_up
from tests.conftest import log_in, post_form
from tests.factories.shifts import make_shift, make_volunteer

# 18:00 in Shanghai on Thursday 5 March 2026; the clock starts on Monday 2 March, 09:00 UTC.
STARTS_AT = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)


async def pending_for(user) -> list[datetime]:
    rows = await Notification.filter(
        recipient_id=user.id, kind="shift_reminder", status=NotificationStatus.PENDING
    )
    return sorted(r.due_at for r in rows)


async def test_new_lead_time_and_quiet_hours_move_queued_reminders(
    client, settings, frozen_clock, inbox
):
    volunteer = await make_volunteer(timezone="Asia/Shanghai")
    shift = await make_shift(starts_at=STARTS_AT, timezone="Asia/Shanghai")
    await sign_up(volunteer, shift.id, settings=settings)
    await dispatch_due(settings)  # the confirmation
    inbox.clear()
    assert await pending_for(volunteer) == [
        STARTS_AT - timedelta(hours=24),
        STARTS_AT - timedelta(hours=2),
    ]
    # The day-before reminder goes out under the old choices.
    clock.set_now(STARTS_AT - timedelta(hours=24))
    assert (await dispatch_due(settings)).sent == 1
    inbox.clear()

    clock.set_now(STARTS_AT - timedelta(hours=23))
    await log_in(client, volunteer.email)
    response = await post_form(
        client,
        "/me/notifications",
        {
            "enabled": ["shift", "meeting"],
            "lead_shift": "12h",
            "lead_meeting": "15m",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    assert response.status_code == 303

    # 12 h before 18:00 is 06:00 in Shanghai, inside quiet hours: it waits until 07:00 (23:00 UTC).
    seven_am_shanghai = datetime(2026, 3, 4, 23, 0, tzinfo=UTC)
    assert await pending_for(volunteer) == [seven_am_shanghai]

    clock.set_now(seven_am_shanghai - timedelta(minutes=1))
    assert (await dispatch_due(settings)).sent == 0
    clock.set_now(seven_am_shanghai)
    assert (await dispatch_due(settings)).sent == 1
    clock.set_now(STARTS_AT - timedelta(hours=2))
    assert (await dispatch_due(settings)).sent == 0  # the old 2 h reminder is gone
    assert len(inbox.to(volunteer.email)) == 1
    # Nothing already sent went out again.
    sent = await Notification.filter(
        recipient_id=volunteer.id, kind="shift_reminder", status=NotificationStatus.SENT
    )
    assert len(sent) == 2


async def test_a_new_time_zone_rewrites_queued_reminders_in_that_zone(
    client, settings, frozen_clock
):
    volunteer = await make_volunteer(timezone="UTC", name="Mei Lin")
    shift = await make_shift(starts_at=STARTS_AT, timezone="Asia/Shanghai")
    await sign_up(volunteer, shift.id, settings=settings)
    await log_in(client, volunteer.email)
    response = await post_form(
        client,
        "/me",
        {"name": "Mei Lin", "timezone": "Asia/Shanghai", "locale": "en", "phone": ""},
    )
    assert response.status_code == 303
    rows = await Notification.filter(
        recipient_id=volunteer.id, kind="shift_reminder", status=NotificationStatus.PENDING
    )
    assert len(rows) == 2
    assert all("6:00" in r.body_text and "10:00" not in r.body_text for r in rows)
