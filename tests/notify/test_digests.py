"""Digests go out at 07:30 in each reader's own zone, once a day, and only with content."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from opsuite import clock
from opsuite.auth.models import User
from opsuite.notify import digests
from opsuite.notify.digests import Section, add_section, send_due_digests
from opsuite.notify.models import Notification
from opsuite.notify.preferences import save_preferences
from opsuite.notify.service import dispatch_due
from opsuite.notify.unsubscribe import unsubscribe_url
from tests.factories.auth import make_user


async def waiting_leave(user: User, day: date) -> Section | None:
    return Section("Leave requests waiting", (f"2 requests for {day.isoformat()}",))


@pytest.fixture
def leave_section():
    add_section("digest_daily", waiting_leave)
    yield
    digests._sections["digest_daily"].remove(waiting_leave)


async def test_daily_digest_goes_out_at_0730_in_shanghai_and_in_new_york(
    settings, inbox, leave_section
):
    shanghai = await make_user("manager", timezone="Asia/Shanghai")
    new_york = await make_user("manager", timezone="America/New_York")
    await make_user("volunteer", timezone="Asia/Shanghai")  # not a manager: no daily digest

    clock.set_now(datetime(2026, 3, 9, 23, 29, tzinfo=UTC))  # 07:29 in Shanghai
    assert await send_due_digests(settings) == 0
    clock.set_now(datetime(2026, 3, 9, 23, 30, tzinfo=UTC))  # 07:30 in Shanghai
    assert await send_due_digests(settings) == 1
    assert await send_due_digests(settings) == 0  # once a day, however often the job runs

    clock.set_now(datetime(2026, 3, 10, 11, 30, tzinfo=UTC))  # 07:30 in New York (EDT)
    assert await send_due_digests(settings) == 1
    await dispatch_due(settings)
    # One each (two connections send side by side, so either may arrive first).
    assert sorted(m.rcpt_tos for m in inbox.messages) == sorted(
        [[shanghai.email], [new_york.email]]
    )
    mail = inbox.to(shanghai.email)[0]
    assert "Leave requests waiting" in mail.text
    assert "2026-03-10" in mail.text
    assert (
        mail.message["List-Unsubscribe"]
        == f"<{unsubscribe_url(settings, shanghai, 'digest_daily')}>"
    )


async def test_no_sections_no_digest(settings, inbox):
    await make_user("manager", timezone="Asia/Shanghai")
    clock.set_now(datetime(2026, 3, 10, 0, 0, tzinfo=UTC))
    assert await send_due_digests(settings) == 0


async def test_switched_off_digest_is_not_sent(settings, leave_section):
    manager = await make_user("manager", timezone="Asia/Shanghai")
    await save_preferences(
        manager, disabled_kinds={"digest_daily"}, lead_minutes={}, quiet_start=None, quiet_end=None
    )
    clock.set_now(datetime(2026, 3, 10, 0, 0, tzinfo=UTC))
    assert await send_due_digests(settings) == 0


async def test_one_click_unsubscribe_switches_the_digest_off(settings, client, leave_section):
    manager = await make_user("manager", timezone="Asia/Shanghai")
    url = unsubscribe_url(settings, manager, "digest_daily").removeprefix("http://testserver")
    page = await client.get(url)
    assert page.status_code == 200
    assert "Unsubscribe" in page.text
    response = await client.post(url)  # as a mail provider does: no cookie, no CSRF token
    assert response.status_code == 200
    clock.set_now(datetime(2026, 3, 10, 0, 0, tzinfo=UTC))
    assert await send_due_digests(settings) == 0
    assert await Notification.all().count() == 0


async def test_a_forged_unsubscribe_link_is_refused(settings, client):
    manager = await make_user("manager")
    response = await client.post(f"/notify/unsubscribe/{manager.id}/digest_daily/{'0' * 32}")
    assert response.status_code == 404
    response = await client.post(f"/notify/unsubscribe/abc/digest_daily/{'0' * 32}")
    assert response.status_code == 404


async def test_a_missed_morning_digest_is_caught_up_before_noon_but_not_after(
    settings, leave_section
):
    await make_user("manager", timezone="Asia/Shanghai")
    clock.set_now(datetime(2026, 3, 10, 4, 0, tzinfo=UTC))  # 12:00 in Shanghai: too late
    assert await send_due_digests(settings) == 0
    clock.set_now(datetime(2026, 3, 11, 2, 0, tzinfo=UTC))  # 10:00 next day: caught up
    assert await send_due_digests(settings) == 1
