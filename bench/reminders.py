"""The outbox against a bare aiosmtplib loop, and urgent mail ahead of digests.

1. 5,000 due reminders in five interleaved rounds: a bare aiosmtplib loop over one connection
   sends a round's messages (prebuilt), then the outbox sends the same rows; the machine's
   load then weighs on both alike. Goal: bare seconds / outbox seconds >= 0.9. The outbox
   with a single SMTP connection is measured too and printed beside it.
2. 20,000 mixed rows: 10,000 digests queued first, then 8,000 reminders and 2,000 shift
   cancellations. Goal: every cancellation arrives before the first digest.

The SMTP server (aiosmtpd) runs in its own process, so it does not share this process's CPU
(and GIL) with the code being measured; it logs each message's Message-ID and kind in arrival
order, which gives the duplicates (a Message-ID received twice) and the order.

    python bench/reminders.py [--database-url postgres://postgres@127.0.0.1:5432/bench_reminders]

Prints ``RESULT sent=<n> duplicates=<n> ratio=<x> urgent_before_digest=<yes|no>``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

import aiosmtplib
from _common import (
    arguments,
    bench_settings,
    free_port,
    fresh_database,
    is_postgres,
    recreate_postgres_database,
    run,
)

from opsuite import db
from opsuite.auth.models import User
from opsuite.notify.mailer import to_bytes
from opsuite.notify.models import Notification
from opsuite.notify.service import SMTP_CONNECTIONS, Dispatcher, message_for, priority_of
from opsuite.settings import Settings

COUNT = int(os.environ.get("BENCH_COUNT", "5000"))
MIXED = int(os.environ.get("BENCH_MIXED", "20000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))

_SINK = r"""
import re, sys
from aiosmtpd.controller import Controller

HEADER = re.compile(rb"^(Message-ID|X-Opsuite-Kind): *(.*?)\r?$", re.M | re.I)
log = open(sys.argv[2], "w", buffering=1)

class Sink:
    async def handle_DATA(self, server, session, envelope):
        head = envelope.content.split(b"\r\n\r\n", 1)[0]
        found = {k.lower(): v.decode() for k, v in HEADER.findall(head)}
        log.write(f"{found.get(b'message-id', '')} {found.get(b'x-opsuite-kind', '')}\n")
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("READY", flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
controller.stop()
log.close()
"""


class SinkProcess:
    def __init__(self) -> None:
        self.port = free_port()
        self.log = Path(tempfile.mkdtemp(prefix="opsuite-sink-")) / "received.log"
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", _SINK, str(self.port), str(self.log)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "READY":
            raise SystemExit("the SMTP sink did not start")

    def lines(self) -> list[tuple[str, str]]:
        text = self.log.read_text() if self.log.exists() else ""
        return [tuple(line.split(" ", 1)) for line in text.splitlines()]  # type: ignore[misc]

    def wait_for(self, count: int, seconds: float = 60) -> list[tuple[str, str]]:
        deadline = time.monotonic() + seconds
        while len(found := self.lines()) < count and time.monotonic() < deadline:
            time.sleep(0.05)  # the sink's log lags the SMTP answer by a line buffer write
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def rows_of(users: list[User], kinds: list[str], start: int, now: datetime) -> list[Notification]:
    return [
        Notification(
            recipient=users[n % len(users)],
            to_address=users[n % len(users)].email,
            kind=kind,
            priority=priority_of(kind),
            subject=f"{kind} {n}",
            body_text=f"Message {n} ({kind}).\n",
            body_html=f"<p>Message {n} ({kind}).</p>",
            dedupe_key=f"bench:{n}",
            item_key=f"shift:{n}",
            # digests were queued first and are due first: only priority puts others ahead
            due_at=now + timedelta(microseconds=n),
            next_try_at=now + timedelta(microseconds=n),
            created_at=now,
        )
        for n, kind in enumerate(kinds, start)
    ]


async def queue(users: list[User], kinds: list[str], start: int, now: datetime) -> None:
    await Notification.bulk_create(rows_of(users, kinds, start, now), batch_size=500)


def bare_messages(settings: Settings, users: list[User], count: int, start: int) -> list[Message]:
    """Messages like the outbox's (Message-ID included), from rows never saved."""
    rows = rows_of(users, ["bare"] * count, start, datetime.now(UTC))
    for n, row in enumerate(rows, start):
        row.id = n
    return [message_for(row, settings) for row in rows]


async def send_all(settings: Settings, connections: int = SMTP_CONNECTIONS) -> tuple[int, float]:
    started = time.perf_counter()
    result = await Dispatcher(settings, connections=connections).run()
    return result.sent, time.perf_counter() - started


async def bare_loop(port: int, messages: list[Message]) -> float:
    started = time.perf_counter()
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
    await smtp.connect()
    for message in messages:
        await smtp.sendmail("noreply@example.org", [str(message["To"])], to_bytes(message))
    await smtp.quit()
    return time.perf_counter() - started


async def main() -> None:
    args = arguments(__doc__ or "")
    if is_postgres(args.database_url):
        await recreate_postgres_database(args.database_url)
    sink = SinkProcess()
    settings = bench_settings(args.database_url, sink.port)
    await fresh_database(settings)
    bare = ours = single = 0.0
    sent = 0
    try:
        now = datetime.now(UTC) - timedelta(minutes=1)
        users = [
            await User.create(email=f"v{n}@example.org", name=f"Volunteer {n}", created_at=now)
            for n in range(100)
        ]
        # 1. in ROUNDS, each on the same (busy) machine at nearly the same moment: the bare loop
        # sends a round's messages prebuilt, then the outbox sends the same rows; then the
        # outbox with one SMTP connection sends as many again (shown, not the goal).
        per_round = COUNT // ROUNDS
        for r in range(ROUNDS):
            # the three take turns at going first, so none always meets the same moment
            for step in [(r + k) % 3 for k in range(3)]:
                start = (3 * r + step) * per_round
                if step == 0:
                    bare += await bare_loop(
                        sink.port, bare_messages(settings, users, per_round, 10**9 + start)
                    )
                    continue
                await queue(users, ["shift_reminder"] * per_round, start, now)
                connections = SMTP_CONNECTIONS if step == 1 else 1
                round_sent, seconds = await send_all(settings, connections)
                sent += round_sent
                if step == 1:
                    ours += seconds
                else:
                    single += seconds
        phase1 = sink.wait_for(3 * COUNT)
        outbox_ids = [line for line in phase1 if line[1] != "bare"]

        # 2. 20,000 mixed: digests queued first, then reminders and cancellations
        urgent = MIXED // 10
        kinds = ["digest_daily"] * (MIXED // 2)
        kinds += ["shift_reminder"] * (MIXED - MIXED // 2 - urgent) + ["shift_cancelled"] * urgent
        await queue(users, kinds, 3 * COUNT, now)
        mixed_sent, mixed_seconds = await send_all(settings)
        sent += mixed_sent
        mixed = sink.wait_for(len(phase1) + MIXED)[len(phase1) :]
    finally:
        await db.disconnect()
        sink.stop()

    ids = Counter(message_id for message_id, _kind in outbox_ids + mixed)
    duplicates = sum(c - 1 for c in ids.values() if c > 1)
    kinds_in_order = [kind for _id, kind in mixed]
    last_urgent = max(
        (i for i, k in enumerate(kinds_in_order) if k == "shift_cancelled"), default=-1
    )
    first_digest = next(
        (i for i, k in enumerate(kinds_in_order) if k.startswith("digest")), len(kinds_in_order)
    )
    in_order = "yes" if -1 < last_urgent < first_digest else "no"
    engine = "postgres" if is_postgres(args.database_url) else "sqlite"
    print(f"{'what':<42}{'messages':>10}{'seconds':>10}{'msgs/s':>10}")
    rows_out = [
        ("bare aiosmtplib loop, 1 connection", COUNT, bare),
        (f"outbox ({engine}), {SMTP_CONNECTIONS} connections", COUNT, ours),
        (f"outbox ({engine}), 1 connection", COUNT, single),
        (f"outbox ({engine}), mixed with digests", MIXED, mixed_seconds),
    ]
    for label, count, seconds in rows_out:
        print(f"{label:<42}{count:>10}{seconds:>10.2f}{count / seconds:>10.0f}")
    print(f"ratio with 1 connection: {bare / single:.2f} (bare seconds / outbox seconds)")
    print(f"last cancellation #{last_urgent}, first digest #{first_digest} of {len(mixed)}")
    print(
        f"RESULT sent={sent} duplicates={duplicates} ratio={bare / ours:.2f} "
        f"urgent_before_digest={in_order}"
    )


if __name__ == "__main__":
    run(main)
