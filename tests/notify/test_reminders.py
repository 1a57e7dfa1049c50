"""schedule_for keeps an item's reminders in step with the item and each person's choices."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from opsuite import clock
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.notify.preferences import defer_for_quiet_hours, preferences_for, save_preferences
from opsuite.notify.reminders import Reminder, cancel_for, delivery_log, schedule_for
from opsuite.notify.service import dispatch_due
from tests.factories.auth import make_user

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def shift_reminder(user, starts_at=START, **kw):
    # The password-reset template stands in for a module's own template: what matters here is
    # when rows fall due, not their wording.
    return Reminder(
        recipient=user,
        kind="shift",
        template="password_reset",
        starts_at=starts_at,
        context={"link": "/shifts/1", "hours": 2},
        **kw,
    )


async def pending_due_times(item_key: str) -> list[datetime]:
    rows = await Notification.filter(item_key=item_key, status=NotificationStatus.PENDING)
    return sorted(r.due_at for r in rows)


async def test_default_shift_reminders_are_24_and_2_hours_before(settings, frozen_clock):
    volunteer = await make_user("volunteer")
    await schedule_for("shift:1", [shift_reminder(volunteer)], settings=settings)
    assert await pending_due_times("shift:1") == [
        START - timedelta(hours=24),
        START - timedelta(hours=2),
    ]


async def test_moving_the_item_moves_its_reminders_and_cancelling_removes_them(
    settings, frozen_clock
):
    volunteer = await make_user("volunteer")
    await schedule_for("shift:1", [shift_reminder(volunteer)], settings=settings)
    later = START + timedelta(days=2)
    await schedule_for("shift:1", [shift_reminder(volunteer, starts_at=later)], settings=settings)
    assert await pending_due_times("shift:1") == [
        later - timedelta(hours=24),
        later - timedelta(hours=2),
    ]
    await cancel_for("shift:1")
    assert await pending_due_times("shift:1") == []


async def test_a_person_removed_from_an_item_stops_getting_its_reminders(settings, frozen_clock):
    first, second = await make_user("volunteer"), await make_user("volunteer")
    await schedule_for(
        "shift:1", [shift_reminder(first), shift_reminder(second)], settings=settings
    )
    await schedule_for("shift:1", [shift_reminder(first)], settings=settings)
    rows = await Notification.filter(item_key="shift:1", status=NotificationStatus.PENDING)
    assert {r.to_address for r in rows} == {first.email}


async def test_personal_lead_times_and_switched_off_kinds_are_respected(settings, frozen_clock):
    keen, quiet = await make_user("volunteer"), await make_user("volunteer")
    await save_preferences(
        keen, disabled_kinds=set(), lead_minutes={"shift": (30,)}, quiet_start=None, quiet_end=None
    )
    await save_preferences(
        quiet, disabled_kinds={"shift"}, lead_minutes={}, quiet_start=None, quiet_end=None
    )
    await schedule_for("shift:1", [shift_reminder(keen), shift_reminder(quiet)], settings=settings)
    rows = await Notification.filter(item_key="shift:1", status=NotificationStatus.PENDING)
    assert [(r.to_address, r.due_at) for r in rows] == [(keen.email, START - timedelta(minutes=30))]


async def test_a_late_sign_up_still_gets_one_reminder_straight_away(settings, frozen_clock):
    volunteer = await make_user("volunteer")
    soon = frozen_clock + timedelta(hours=1)
    await schedule_for("shift:1", [shift_reminder(volunteer, starts_at=soon)], settings=settings)
    assert await pending_due_times("shift:1") == [frozen_clock]


async def test_reminders_go_out_when_due_and_the_delivery_log_shows_them(
    settings, inbox, frozen_clock
):
    volunteer = await make_user("volunteer")
    await schedule_for("shift:1", [shift_reminder(volunteer)], settings=settings)
    clock.set_now(START - timedelta(hours=24))
    assert (await dispatch_due(settings)).sent == 1
    clock.set_now(START - timedelta(hours=2))
    assert (await dispatch_due(settings)).sent == 1
    assert len(inbox.to(volunteer.email)) == 2
    log = await delivery_log("shift:1")
    assert [row.status for row in log] == ["sent", "sent"]
    assert log[0].recipient.id == volunteer.id


async def test_quiet_hours_hold_a_reminder_until_they_end_in_the_persons_zone(settings):
    # 22:00-07:00 in Shanghai (UTC+8). A reminder due 23:00 local (15:00 UTC) for an event at
    # 10:00 local next day waits until 07:00 local (23:00 UTC).
    volunteer = await make_user("volunteer", timezone="Asia/Shanghai")
    await save_preferences(
        volunteer,
        disabled_kinds=set(),
        lead_minutes={},
        quiet_start=time(22, 0),
        quiet_end=time(7, 0),
    )
    prefs = await preferences_for(volunteer)
    due = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    event = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    held = defer_for_quiet_hours(due, event_at=event, prefs=prefs, timezone="Asia/Shanghai")
    assert held == datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
    # An event starting during the quiet hours is not reminded late.
    early_event = datetime(2026, 3, 9, 21, 0, tzinfo=UTC)  # 05:00 local
    kept = defer_for_quiet_hours(due, event_at=early_event, prefs=prefs, timezone="Asia/Shanghai")
    assert kept == due


async def test_quiet_hours_follow_new_york_wall_clock_across_the_dst_change(settings):
    volunteer = await make_user("volunteer", timezone="America/New_York")
    await save_preferences(
        volunteer,
        disabled_kinds=set(),
        lead_minutes={},
        quiet_start=time(21, 0),
        quiet_end=time(8, 0),
    )
    prefs = await preferences_for(volunteer)
    # 2026-03-08 is the US spring-forward day: 08:00 local is 12:00 UTC after it, 13:00 before.
    before = defer_for_quiet_hours(
        datetime(2026, 3, 7, 4, 0, tzinfo=UTC),
        event_at=None,
        prefs=prefs,
        timezone="America/New_York",
    )
    after = defer_for_quiet_hours(
        datetime(2026, 3, 8, 4, 0, tzinfo=UTC),
        event_at=None,
        prefs=prefs,
        timezone="America/New_York",
    )
    assert before == datetime(2026, 3, 7, 13, 0, tzinfo=UTC)
    assert after == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
