"""The dispatcher: leases that run out and are renewed, priorities, stable Message-IDs and
reused SMTP connections, against a real SMTP server (aiosmtpd) that can hold a message."""

from __future__ import annotations

import asyncio
import email
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from opsuite import clock
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.notify.service import (
    BULK,
    URGENT,
    Dispatcher,
    dispatch_due,
    enqueue_email,
    message_id_for,
)
from tests.conftest import make_settings
from tests.factories.auth import make_user
from tests.smtp import free_port


class Recorder:
    """Keeps each message's Message-ID, kind and the client connection it came over; can
    hold a message (until ``release``) or answer 421 to the next ones."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, Any]] = []  # (Message-ID, kind, peer)
        self.attempts: list[str] = []  # Message-IDs of every DATA, accepted or not
        self.refuse_next = 0
        self.arrived = threading.Event()
        self._open = threading.Event()
        self._open.set()

    def hold(self) -> None:
        self._open.clear()
        self.arrived.clear()

    def release(self) -> None:
        self._open.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        self.attempts.append(str(message["Message-ID"]))
        self.arrived.set()
        if not self._open.is_set():  # a slow server: the sender waits for our answer
            await asyncio.get_running_loop().run_in_executor(None, self._open.wait, 30)
        if self.refuse_next:
            self.refuse_next -= 1
            return "421 4.3.0 try again later"
        self.received.append(
            (str(message["Message-ID"]), str(message["X-Opsuite-Kind"]), session.peer)
        )
        return "250 OK"


@pytest.fixture(scope="module")
def recorder_server() -> Iterator[tuple[int, Recorder]]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, recorder
    recorder.release()
    controller.stop()


@pytest.fixture
def recorder(recorder_server: tuple[int, Recorder]) -> Recorder:
    recorder = recorder_server[1]
    recorder.received.clear()
    recorder.attempts.clear()
    recorder.refuse_next = 0
    recorder.release()
    return recorder


@pytest.fixture
def recorded(instance_dir, recorder_server):  # type: ignore[no-untyped-def]
    """Settings that send to the recorder."""
    return make_settings(instance_dir, recorder_server[0])


async def queue_reset_mail(settings, user, n: int = 0) -> Notification:  # type: ignore[no-untyped-def]
    return await enqueue_email(
        kind="password_reset",
        to=user,
        settings=settings,
        dedupe_key=f"test.{user.id}.{n}",
        context={"link": "/password/reset/abc", "hours": 2},
    )


async def test_a_claim_whose_lease_ran_out_is_claimed_again(settings, inbox, frozen_clock):
    user = await make_user()
    row = await queue_reset_mail(settings, user)
    # Another dispatcher claimed the row, then died: it never renews its lease.
    await Notification.filter(id=row.id).update(
        status=NotificationStatus.SENDING, claimed_at=frozen_clock, claim_token="dead"
    )
    clock.advance(timedelta(seconds=29))
    assert (await dispatch_due(settings)).sent == 0  # still leased
    clock.advance(timedelta(seconds=2))
    assert (await dispatch_due(settings)).sent == 1
    assert len(inbox.to(user.email)) == 1
    row = await Notification.get(id=row.id)
    assert row.status == NotificationStatus.SENT
    assert row.claim_token != "dead"


async def test_a_slow_send_renews_its_lease_so_no_other_pass_claims_it(
    recorded, recorder, frozen_clock
):
    user = await make_user()
    row = await queue_reset_mail(recorded, user)
    recorder.hold()
    slow = Dispatcher(recorded, renew_every=0.01)
    sending = asyncio.create_task(slow.run())
    assert await asyncio.to_thread(recorder.arrived.wait, 10)  # the message is at the server

    clock.advance(timedelta(seconds=20))
    for _ in range(2):  # the second renewal began after the clock moved
        slow.renewed.clear()
        await asyncio.wait_for(slow.renewed.wait(), 10)
    held = await Notification.get(id=row.id)
    assert held.status == NotificationStatus.SENDING
    assert held.claimed_at == frozen_clock + timedelta(seconds=20)

    clock.advance(timedelta(seconds=25))  # 45 s after the claim, 25 s after the renewal
    assert (await dispatch_due(recorded)).sent == 0
    recorder.release()
    assert (await asyncio.wait_for(sending, 30)).sent == 1
    assert len(recorder.received) == 1
    assert (await Notification.get(id=row.id)).status == NotificationStatus.SENT


async def test_urgent_mail_goes_before_a_digest_queued_earlier(recorded, recorder, frozen_clock):
    manager = await make_user("admin")
    digest = await enqueue_email(
        kind="digest_daily",
        to=manager,
        settings=recorded,
        dedupe_key="digest_daily:1",
        context={"day": date(2026, 3, 2), "sections": []},
        due_at=frozen_clock - timedelta(minutes=10),
    )
    volunteer = await make_user()
    reset = await queue_reset_mail(recorded, volunteer)
    assert (digest.priority, reset.priority) == (BULK, URGENT)

    assert (await dispatch_due(recorded, limit=1)).sent == 2
    assert [kind for _id, kind, _peer in recorder.received] == ["password_reset", "digest_daily"]


async def test_message_id_is_the_same_on_a_retry_of_the_row(recorded, recorder, frozen_clock):
    user = await make_user()
    row = await queue_reset_mail(recorded, user)
    recorder.refuse_next = 1
    assert (await dispatch_due(recorded)).retried == 1
    clock.advance(timedelta(minutes=1))
    assert (await dispatch_due(recorded)).sent == 1

    first, second = recorder.attempts
    assert first == second == message_id_for(row, recorded)
    assert first.startswith(f"<opsuite.{row.id}.")
    assert first.endswith("@example.org>")
    other = await queue_reset_mail(recorded, user, 1)
    assert message_id_for(other, recorded) != first


async def test_many_messages_go_over_one_reused_smtp_connection(recorded, recorder):
    users = [await make_user() for _ in range(3)]
    for n in range(7):
        await queue_reset_mail(recorded, users[n % 3], n)

    # batches of 2: the connection outlives each batch
    result = await Dispatcher(recorded, limit=2, connections=1).run()

    assert result.sent == 7
    assert len(recorder.received) == 7
    assert len({peer for _id, _kind, peer in recorder.received}) == 1


async def test_a_run_that_stops_early_hands_back_the_batch_it_claimed_ahead(
    recorded, recorder, frozen_clock
):
    user = await make_user()
    for n in range(4):
        await queue_reset_mail(recorded, user, n)
    recorder.refuse_next = 100  # the server is in trouble: nothing gets through

    result = await dispatch_due(recorded, limit=2)

    assert (result.sent, result.retried) == (0, 2)  # one batch tried, then the run stops
    statuses = sorted(str(r.status) for r in await Notification.all())
    assert statuses == ["pending"] * 4  # none left held in "sending"
