"""The outbox sends each message once, survives SMTP trouble and shows failures to admins."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.errors import NotFound
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.notify.service import dispatch_due, enqueue_email, retry_failed
from tests.conftest import ON_POSTGRES, log_in, make_settings, post_form
from tests.factories.auth import make_user


async def queue_reset_mail(settings, user, n: int = 0):
    return await enqueue_email(
        kind="password_reset",
        to=user,
        settings=settings,
        dedupe_key=f"test.{user.id}.{n}",
        context={"link": "/password/reset/abc", "hours": 2},
    )


async def test_due_mail_is_delivered_with_both_parts_in_the_recipients_language(settings, inbox):
    user = await make_user("volunteer", name="王芳", locale="zh_Hans")
    await queue_reset_mail(settings, user)

    result = await dispatch_due(settings)

    assert result.sent == 1
    [mail] = inbox.to(user.email)
    assert mail.message["Message-ID"]
    assert "http://testserver/password/reset/abc" in mail.text
    assert "/password/reset/abc" in mail.part("text/html")
    assert "王芳" in mail.text
    row = await Notification.get(dedupe_key=f"test.{user.id}.0")
    assert row.status == NotificationStatus.SENT
    assert row.transport == "smtp"


async def test_mail_not_yet_due_waits(settings, inbox, frozen_clock):
    user = await make_user()
    await enqueue_email(
        kind="password_reset",
        to=user,
        settings=settings,
        dedupe_key="later",
        context={"link": "/x", "hours": 2},
        due_at=frozen_clock + timedelta(hours=1),
    )
    assert (await dispatch_due(settings)).sent == 0
    clock.advance(timedelta(hours=1))
    assert (await dispatch_due(settings)).sent == 1
    assert len(inbox.messages) == 1


async def test_same_dedupe_key_is_sent_once(settings, inbox):
    user = await make_user()
    await queue_reset_mail(settings, user)
    await dispatch_due(settings)
    await queue_reset_mail(settings, user)  # the same change announced again
    await dispatch_due(settings)
    assert len(inbox.to(user.email)) == 1


async def test_smtp_outage_loses_nothing_and_delivers_after_it_returns(
    instance_dir, inbox, settings, frozen_clock
):
    down = make_settings(instance_dir, smtp_port=1)  # nothing listens on port 1
    user = await make_user()
    await queue_reset_mail(down, user)

    result = await dispatch_due(down)
    row = await Notification.get(to_address=user.email)
    assert result.retried == 1
    assert row.status == NotificationStatus.PENDING
    assert row.attempts == 1
    assert "cannot reach SMTP server" in row.last_error
    assert row.next_try_at == frozen_clock + timedelta(minutes=1)

    assert (await dispatch_due(settings)).sent == 0  # backing off
    clock.advance(timedelta(minutes=1))
    assert (await dispatch_due(settings)).sent == 1
    assert len(inbox.to(user.email)) == 1


async def test_temporary_refusal_backs_off_then_fails_after_the_last_attempt(
    settings, inbox, frozen_clock
):
    inbox.refuse_all = True
    user = await make_user()
    await queue_reset_mail(settings, user)
    for attempt in range(1, settings.scheduler.max_attempts + 1):
        await dispatch_due(settings)
        row = await Notification.get(to_address=user.email)
        assert row.attempts == attempt
        clock.advance(timedelta(hours=6))
    assert row.status == NotificationStatus.FAILED
    assert "421" in row.last_error


async def test_refused_recipient_fails_at_once_with_the_servers_reason_and_admin_can_retry(
    settings, inbox, client
):
    user = await make_user()
    inbox.refuse_recipients.add(user.email)
    await queue_reset_mail(settings, user)
    result = await dispatch_due(settings)
    row = await Notification.get(to_address=user.email)
    assert result.failed == 1
    assert row.status == NotificationStatus.FAILED
    assert "550" in row.last_error
    assert "mailbox unavailable" in row.last_error

    admin = await make_user("admin")
    await log_in(client, admin.email)
    page = await client.get("/admin/outbox?status=failed")
    assert user.email in page.text
    assert "mailbox unavailable" in page.text
    inbox.refuse_recipients.clear()
    response = await post_form(
        client, f"/admin/outbox/{row.id}/retry", {}, from_page="/admin/outbox?status=failed"
    )
    assert response.status_code == 303
    await dispatch_due(settings)
    assert len(inbox.to(user.email)) == 1


async def test_retrying_a_message_that_did_not_fail_is_a_clear_404(settings, client):
    admin = await make_user("admin")
    await log_in(client, admin.email)
    response = await post_form(client, "/admin/outbox/424242/retry", {}, from_page="/admin/outbox")
    assert response.status_code == 404
    assert "No failed notification" in response.text
    with pytest.raises(NotFound, match="No failed notification"):
        await retry_failed(424242)


async def test_rows_held_by_a_killed_process_are_reclaimed(settings, inbox, frozen_clock):
    user = await make_user()
    row = await queue_reset_mail(settings, user)
    # A process claimed the row and died before sending.
    await Notification.filter(id=row.id).update(
        status=NotificationStatus.SENDING, claimed_at=frozen_clock, claim_token="dead"
    )
    assert (await dispatch_due(settings)).sent == 0
    clock.advance(timedelta(minutes=11))
    assert (await dispatch_due(settings)).sent == 1
    assert len(inbox.to(user.email)) == 1


async def test_without_smtp_mail_lands_in_the_dev_mailbox(instance_dir, inbox, client):
    dev = make_settings(instance_dir, smtp_port=None)
    user = await make_user()
    await queue_reset_mail(dev, user)
    assert (await dispatch_due(dev)).sent == 1
    assert inbox.messages == []
    row = await Notification.get(to_address=user.email)
    assert row.transport == "devmailbox"


@pytest.mark.postgres
async def test_two_dispatchers_never_send_one_message_twice(settings, inbox):
    assert ON_POSTGRES
    users = [await make_user() for _ in range(5)]
    for n in range(60):
        await queue_reset_mail(settings, users[n % 5], n)

    results = await asyncio.gather(*(dispatch_due(settings, limit=20) for _ in range(6)))

    assert sum(r.sent for r in results) == 60
    subjects = [(m.rcpt_tos[0], m.message["Message-ID"]) for m in inbox.messages]
    assert len(inbox.messages) == 60 == len(set(subjects))
    assert await Notification.filter(status=NotificationStatus.SENT).count() == 60


async def test_text_part_is_plain_and_html_part_is_escaped(settings, inbox):
    user = await make_user("volunteer", name="James O'Connor <b>")
    await queue_reset_mail(settings, user)
    await dispatch_due(settings)
    [mail] = inbox.to(user.email)
    assert "Hello James O'Connor <b>," in mail.text
    assert "James O&#39;Connor &lt;b&gt;" in mail.part("text/html")
