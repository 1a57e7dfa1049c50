"""Two `opsuite serve` workers on one PostgreSQL database behave as one application.

    .venv/bin/python scripts/two_workers.py [--database-url postgres://postgres@127.0.0.1:5432/opsuite_two]

The database named in the URL is dropped and created again (never test, lead, lead2 or *db).
Checks, each over connections pinned to a known worker (the worker that accepted a connection is
found from /proc: the socket inode of our port among the worker's file descriptors):

- sessions: log in on worker A; 20 requests spread over both workers are all still logged in;
- drafts: a draft saved on one worker is offered back on the other;
- throttle: wrong passwords sent alternately to both workers add up to one lockout;
- reminders: with the scheduler on in both workers, 50 queued emails each arrive exactly once.

Ends with `RESULT sessions=ok drafts=ok throttle=ok reminders_once=ok` (or what failed).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import _shared  # noqa: F401 (puts bench/ and the project on sys.path)
import httpx
from _common import (
    Server,
    SmtpSink,
    connection_owner,
    is_postgres,
    local_port,
    log_in,
    opsuite_migrate,
    recreate_postgres_database,
    server_env,
    settings_for,
    start_serve,
    stop_server,
    wait_ready,
    worker_pids,
)

from opsuite import db
from opsuite.auth.models import Role
from opsuite.auth.passwords import use_fast_hashing
from opsuite.auth.service import create_user

PASSWORD = "two workers 1"  # noqa: S105 (a throwaway account in a throwaway database)
EMAILS = 50
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/opsuite_two"


class Pinned:
    """HTTP clients whose single keep-alive connection is known to be held by one worker."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.by_pid: dict[int, list[httpx.AsyncClient]] = collections.defaultdict(list)
        self.spare: list[httpx.AsyncClient] = []

    def _client(self) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        return httpx.AsyncClient(base_url=self.server.base, limits=limits, timeout=30)

    async def owner(self, response: httpx.Response) -> int | None:
        return connection_owner(local_port(response), worker_pids(self.server.pid))

    async def open(self, rounds: int = 20, width: int = 8) -> None:
        """Open connections (a few at once, so both workers accept some) until each worker
        holds at least two of ours; bounded by ``rounds``."""
        for _ in range(rounds):
            fresh = [self._client() for _ in range(width)]
            responses = await asyncio.gather(*(c.get("/healthz") for c in fresh))
            for client, response in zip(fresh, responses, strict=True):
                pid = await self.owner(response)
                (self.by_pid[pid] if pid else self.spare).append(client)
            if len(self.by_pid) >= 2 and all(len(v) >= 2 for v in self.by_pid.values()):
                return
        raise SystemExit(f"connections never reached both workers: {dict(self.by_pid)}")

    def clients(self) -> list[tuple[int, httpx.AsyncClient]]:
        """Two clients per worker, alternating between workers."""
        pids = sorted(self.by_pid)
        return [(pid, self.by_pid[pid][n]) for n in range(2) for pid in pids]

    async def close(self) -> None:
        for client in [c for group in self.by_pid.values() for c in group] + self.spare:
            await client.aclose()


async def check_sessions(pinned: Pinned, email: str) -> tuple[str, dict[str, str]]:
    pairs = pinned.clients()
    first_pid, first = pairs[0]
    response = await log_in(first, email, PASSWORD)
    if response.status_code != 303:
        return f"login_failed_{response.status_code}", {}
    cookies = dict(first.cookies)
    served: collections.Counter[int] = collections.Counter()
    failures = 0
    for n in range(20):
        _pid, client = pairs[n % len(pairs)]
        answer = await client.get("/api/v1/me", cookies=cookies)
        owner = await pinned.owner(answer)
        served[owner or 0] += 1
        if answer.status_code != 200 or answer.json().get("email") != email:
            failures += 1
    print(f"  sessions: logged in on worker {first_pid}; 20 requests served by {dict(served)}")
    if failures:
        return f"failed_{failures}_of_20", cookies
    if len([p for p in served if p]) < 2:
        return "one_worker_only", cookies
    return "ok", cookies


async def check_drafts(pinned: Pinned, cookies: dict[str, str]) -> str:
    (pid_a, on_a), (pid_b, on_b) = pinned.clients()[:2]
    typed = f"Typed on worker {pid_a} at {time.time():.0f}"
    saved = await on_a.post(
        "/drafts",
        json={"form": "/me", "values": {"name": [typed]}},
        headers={"x-csrf-token": cookies.get("opsuite_csrf", "")},
        cookies=cookies,
    )
    if saved.status_code != 200:
        return f"save_failed_{saved.status_code}"
    offered = await on_b.get("/me", cookies=cookies)
    restored = await on_b.get("/me?draft=restore", cookies=cookies)
    owners = {await pinned.owner(saved), await pinned.owner(offered)}
    print(f"  drafts: saved on {pid_a}, offered on {pid_b} (owners seen {sorted(owners)})")
    if "You have an unsent draft of this form" not in offered.text:
        return "not_offered"
    if typed not in restored.text:
        return "not_restored"
    return "ok"


async def check_throttle(pinned: Pinned, email: str, max_failures: int) -> str:
    pairs = pinned.clients()
    codes = []
    for n in range(max_failures):
        _pid, client = pairs[n % len(pairs)]
        client.cookies.clear()
        codes.append((await log_in(client, email, "wrong password")).status_code)
    _pid, client = pairs[max_failures % len(pairs)]
    client.cookies.clear()
    right = await log_in(client, email, PASSWORD)
    served = sorted({pid for pid, _c in pairs[:max_failures]})
    print(
        f"  throttle: {max_failures} wrong passwords on workers {served} answered {codes}; "
        f"the right password then answered {right.status_code}"
    )
    if any(code != 400 for code in codes[:-1]):
        return "locked_too_early"
    return "ok" if right.status_code == 429 else f"not_locked_{right.status_code}"


async def queue_emails(count: int) -> None:
    from opsuite.notify.service import enqueue_email

    settings = settings_for(ENV)
    start = datetime.now(UTC) + timedelta(days=2)
    shift = SimpleNamespace(starts_at=start, ends_at=start + timedelta(hours=3), location="")
    for n in range(count):
        reader = await create_user(email=f"reader{n}@example.org", name=f"Reader {n}")
        await enqueue_email(
            kind="shift_message",
            to=reader,
            context={
                "opportunity": SimpleNamespace(title="Sorting", location="Hall", is_remote=False),
                "shift": shift,
                "sender": SimpleNamespace(name="Coordinator"),
                "subject": f"note {n}",
                "body": "Bring gloves.",
                "link": "/shifts",
            },
            dedupe_key=f"two-workers:{n}",
            settings=settings,
        )


async def check_reminders(sink: SmtpSink, seconds: float) -> str:
    await queue_emails(EMAILS)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(sink.received) < EMAILS:  # noqa: ASYNC110
        await asyncio.sleep(0.5)
    await asyncio.sleep(5)  # a second delivery would come within a dispatch interval or two
    counts = collections.Counter(subject for _to, subject in sink.received)
    missing = [n for n in range(EMAILS) if counts[f"Sorting: note {n}"] == 0]
    twice = sum(1 for c in counts.values() if c > 1)
    print(f"  reminders: {len(sink.received)} delivered for {EMAILS} queued; "
          f"{len(missing)} missing, {twice} twice")  # fmt: skip
    if missing:
        return f"missing_{len(missing)}"
    return f"duplicates_{twice}" if twice else "ok"


ENV: dict[str, str] = {}


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--mail-wait", type=float, default=60, help="seconds to wait for mail")
    args = parser.parse_args()
    if not is_postgres(args.database_url):
        raise SystemExit("two workers need PostgreSQL (SQLite is for one process)")
    instance = tempfile.mkdtemp(prefix="opsuite-two-")
    sink = SmtpSink().start()
    server = None
    results = {"sessions": "not_run", "drafts": "not_run", "throttle": "not_run",
               "reminders_once": "not_run"}  # fmt: skip
    try:
        await recreate_postgres_database(args.database_url)
        ENV.update(
            server_env(
                args.database_url,
                instance,
                smtp_port=sink.port,
                scheduler=True,
                scheduler_dispatch_interval_seconds="1",
            )
        )
        opsuite_migrate(ENV)
        settings = settings_for(ENV)
        use_fast_hashing()
        await db.connect(settings)
        email = "two.workers@example.org"
        await create_user(email=email, name="Two Workers", role=Role.STAFF, password=PASSWORD)
        server = start_serve(ENV, workers=2, log_path=Path(instance) / "server.log")
        await wait_ready(server)
        print(f"opsuite serve --workers 2 (supervisor {server.pid}, workers "
              f"{worker_pids(server.pid)}) on {server.base}, log {server.log_path}")  # fmt: skip
        pinned = Pinned(server)
        try:
            await pinned.open()
            results["sessions"], cookies = await check_sessions(pinned, email)
            results["drafts"] = await check_drafts(pinned, cookies) if cookies else "no_session"
            results["throttle"] = await check_throttle(
                pinned, email, settings.security.login_max_failures
            )
        finally:
            await pinned.close()
        results["reminders_once"] = await check_reminders(sink, args.mail_wait)
    finally:
        stop_server(server)
        sink.stop()
        with contextlib.suppress(Exception):
            await db.disconnect()
    print(f"{'check':<16}{'result':>20}")
    for key, value in results.items():
        print(f"{key:<16}{value:>20}")
    print("RESULT " + " ".join(f"{k}={v}" for k, v in results.items()))


if __name__ == "__main__":
    asyncio.run(main())
