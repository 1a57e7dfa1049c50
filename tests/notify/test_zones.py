"""Someone without a zone of their own sees a shift's times in the shift's zone, named, and
without seconds (#14-9)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from opsuite.auth.models import Role, User
from opsuite.notify.models import Notification
from opsuite.notify.service import dispatch_due
from tests.conftest import csrf_token, post_form
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.shifts import make_shift

# 09:00-13:00 in Shanghai on Thursday 5 March 2026 (01:00-05:00 UTC).
STARTS_AT = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


def plain(text: str) -> str:
    """CLDR puts narrow and thin no-break spaces around times and dashes."""
    return text.replace("\u202f", " ").replace("\u2009", " ")


async def test_accountless_sign_up_gets_the_shift_time_in_its_zone(
    client, settings, frozen_clock, inbox
):
    shift = await make_shift(starts_at=STARTS_AT, hours=4, timezone="Asia/Shanghai")
    page = await client.get(f"/shifts/{shift.id}")
    assert "Thu, Mar 5, 2026, 9:00 AM – 1:00 PM (China Standard Time)" in plain(page.text)
    assert "1:00 AM" not in plain(page.text)

    path = f"/shifts/{shift.id}"
    data = {"name": "Ana", "email": "ana@example.invalid"}
    assert (await post_form(client, f"{path}/join", data, from_page=path)).status_code == 303
    await dispatch_due(settings)
    [welcome] = inbox.to("ana@example.invalid")
    for body in map(plain, (welcome.part("text/plain"), welcome.part("text/html"))):
        assert "9:00 AM – 1:00 PM (China Standard Time)" in body
        assert "1:00 AM" not in body
        assert ":00:00" not in body


async def test_anonymous_chinese_page_writes_the_range_the_chinese_way(client, frozen_clock):
    shift = await make_shift(starts_at=STARTS_AT, hours=4, timezone="Asia/Shanghai")
    page = await client.get(f"/shifts/{shift.id}", headers={"Accept-Language": "zh-CN"})
    assert "2026年3月5日周四 09:00–13:00（中国标准时间）" in plain(page.text)


async def test_a_confirmed_newcomer_keeps_getting_the_shift_zone(
    client, settings, frozen_clock, inbox
):
    shift = await make_shift(starts_at=STARTS_AT, hours=4, timezone="Asia/Shanghai")
    path = f"/shifts/{shift.id}"
    data = {"name": "Bo", "email": "bo@example.invalid"}
    assert (await post_form(client, f"{path}/join", data, from_page=path)).status_code == 303
    await dispatch_due(settings)
    [welcome] = inbox.to("bo@example.invalid")
    link = re.search(r"http://testserver(/invite/\S+)", welcome.text).group(1)

    token = await csrf_token(client, link)
    done = await client.post(link, data={"csrf_token": token, "password": "a good password 1"})

    assert done.status_code == 303
    # Now an account holder with a zone of their own: the shift's, not the site's UTC.
    assert (await User.get(email="bo@example.invalid")).timezone == "Asia/Shanghai"
    reminders = await Notification.filter(
        to_address="bo@example.invalid", kind__contains="reminder"
    )
    assert reminders
    for reminder in reminders:
        assert "9:00 AM" in plain(reminder.body_text)
        assert "1:00 AM" not in plain(reminder.body_text)


async def test_meeting_mail_to_someone_without_a_zone_uses_the_meetings_zone(
    settings, frozen_clock
):
    # Invited, never signed in: the account only has the site's default zone.
    invitee = await make_user(Role.VOLUNTEER, password=None, timezone="UTC", name="Yan")
    thursday_nine = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

    await make_meeting(
        settings=settings,
        starts_at=thursday_nine,
        timezone="Asia/Shanghai",
        attendees=[invitee],
    )

    mails = await Notification.filter(recipient_id=invitee.id)
    assert {m.kind for m in mails} >= {"meeting_invitation"}
    assert any("reminder" in m.kind or m.kind == "meeting" for m in mails)
    for mail in mails:
        assert "9:00" in plain(mail.body_text), (mail.kind, mail.body_text)
        assert "1:00" not in plain(mail.body_text)  # not 01:00 UTC
        assert "(UTC)" not in mail.body_text
