"""Send 5,000 due reminders through the outbox to a local aiosmtpd, and the same messages with a
bare aiosmtplib loop over one connection, in the same run. Goal: ours/bare >= 0.7.

    python bench/reminders.py [--database-url postgres://...]
"""

from __future__ import annotations

import time
from collections import Counter

import aiosmtplib
from _common import arguments, bench_settings, free_port, fresh_database, run
from aiosmtpd.controller import Controller

from opsuite import db
from opsuite.auth.models import User
from opsuite.notify.mailer import to_bytes
from opsuite.notify.models import Notification
from opsuite.notify.service import dispatch_due, message_for

COUNT = int(__import__("os").environ.get("BENCH_COUNT", "5000"))


class Sink:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 OK"


async def main() -> None:
    args = arguments(__doc__ or "")
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = bench_settings(args.database_url, controller.port)
    await fresh_database(settings)
    try:
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        users = [
            await User.create(email=f"v{n}@example.org", name=f"Volunteer {n}", created_at=now)
            for n in range(100)
        ]
        rows = [
            Notification(
                recipient=users[n % 100],
                to_address=users[n % 100].email,
                kind="shift",
                subject=f"Reminder: shift {n} tomorrow",
                body_text=f"Your shift {n} starts soon.\n",
                body_html=f"<p>Your shift {n} starts soon.</p>",
                dedupe_key=f"bench:{n}",
                item_key=f"shift:{n}",
                due_at=now,
                next_try_at=now,
                created_at=now,
            )
            for n in range(COUNT)
        ]
        await Notification.bulk_create(rows, batch_size=500)
        messages = [message_for(row, settings) for row in rows]

        started = time.perf_counter()
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=controller.port)
        await smtp.connect()
        for message in messages:
            await smtp.sendmail("noreply@example.org", [str(message["To"])], to_bytes(message))
        await smtp.quit()
        bare = time.perf_counter() - started
        sink.received.clear()

        started = time.perf_counter()
        sent = 0
        while True:
            result = await dispatch_due(settings, limit=500)
            if not result.sent and not result.retried:
                break
            sent += result.sent
        ours = time.perf_counter() - started
        bodies = Counter(
            next(line for line in raw.decode().splitlines() if line.startswith("Your shift"))
            for raw in sink.received
        )
        duplicates = sum(c - 1 for c in bodies.values() if c > 1)
    finally:
        await db.disconnect()
        controller.stop()

    engine = "postgres" if args.database_url.startswith("postgres") else "sqlite"
    print(f"{'what':<28}{'seconds':>10}{'msgs/s':>10}")
    print(f"{'bare aiosmtplib loop':<28}{bare:>10.2f}{COUNT / bare:>10.0f}")
    print(f"{'opsuite outbox (' + engine + ')':<28}{ours:>10.2f}{COUNT / ours:>10.0f}")
    print(f"RESULT sent={sent} duplicates={duplicates} ratio={bare / ours:.2f}")


if __name__ == "__main__":
    run(main)
