"""A dispatcher process killed (SIGKILL) mid-send: its claimed mail is retried by another
dispatcher within a minute of the death, not before its lease ran out, and only the messages
that were at the server when it died can arrive twice."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from opsuite import clock
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.notify.queue import LEASE
from opsuite.notify.service import dispatch_due as dispatch
from opsuite.notify.service import enqueue_email
from tests.conftest import TEST_DATABASE_URL, make_settings
from tests.factories.auth import make_user
from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 12


class HoldingServer:
    """Keeps every message it is given (the server has it once DATA ends), and while held,
    does not answer: the sender is stuck mid-send, as with a slow server."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (Message-ID, recipient)
        self.arrived = threading.Event()
        self._open = threading.Event()

    def release(self) -> None:
        self._open.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        self.received.append((str(message["Message-ID"]), str(message["To"])))
        self.arrived.set()
        if not self._open.is_set():
            await asyncio.get_running_loop().run_in_executor(None, self._open.wait, 60)
        return "250 OK"


@pytest.fixture
def holding() -> Iterator[tuple[int, HoldingServer]]:
    handler = HoldingServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    handler.release()
    controller.stop()


async def test_a_killed_workers_claimed_mail_is_retried_within_a_minute(
    instance_dir: Path, holding: tuple[int, HoldingServer], tmp_path: Path
) -> None:
    port, server = holding
    settings = make_settings(instance_dir, port)
    users = [await make_user() for _ in range(MESSAGES)]
    for user in users:
        await enqueue_email(
            kind="password_reset",
            to=user,
            settings=settings,
            dedupe_key=f"kill.{user.id}",
            context={"link": "/password/reset/abc", "hours": 2},
        )

    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(  # noqa: S603, ASYNC220 - our own module; Popen does not wait
            [sys.executable, "-m", "tests.notify.dispatch_worker", str(instance_dir), str(port)],
            cwd=ROOT,
            env={**os.environ, "OPSUITE_TEST_DATABASE_URL": TEST_DATABASE_URL},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        arrived = await asyncio.to_thread(server.arrived.wait, 60)
        assert arrived, f"the worker sent nothing:\n{log.read_text()}"
        assert worker.poll() is None, log.read_text()
        worker.send_signal(signal.SIGKILL)  # mid-send: the server has not answered
        await asyncio.to_thread(worker.wait, 30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    killed_at = clock.now()
    clock.set_now(killed_at)
    server.release()

    # Every message was claimed by the dead worker, none recorded as sent.
    rows = await Notification.all()
    assert {r.status for r in rows} == {NotificationStatus.SENDING}
    last_renewal = max(r.claimed_at for r in rows)
    assert last_renewal <= killed_at

    # Until its lease runs out, another dispatcher leaves the claims alone.
    clock.set_now(last_renewal + LEASE - timedelta(seconds=1))
    assert (await dispatch(settings)).sent == 0
    assert {r.status for r in await Notification.all()} == {NotificationStatus.SENDING}

    # The next dispatcher run once a minute has passed (at the latest) sends them all.
    clock.set_now(killed_at + timedelta(seconds=60))
    result = await dispatch(settings)
    assert result.sent == MESSAGES
    assert {r.status for r in await Notification.all()} == {NotificationStatus.SENT}

    # Each person got their email; only what was at the server when the worker died, twice.
    counts = Counter(to for _id, to in server.received)
    assert set(counts) == {u.email for u in users}
    twice = {
        message_id for message_id, n in Counter(i for i, _to in server.received).items() if n > 1
    }
    # What the worker had handed over when it died is sent again: at most one message per
    # SMTP connection of the killed worker. (Not compared with a snapshot taken at the kill:
    # the server may still be reading a message the worker wrote just before it died.)
    assert all(n <= 2 for n in Counter(i for i, _to in server.received).values())
    assert len(twice) <= 2
