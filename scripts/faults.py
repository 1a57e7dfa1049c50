"""Faults under a moderate load against 2 workers on PostgreSQL: the database stops for 20 s,
a worker is killed, and the SMTP server refuses mail for a while. Then checks that opsuite
answered a clear "try again" page (503, no traceback) while the database was away, recovered by
itself, lost no accepted write, and delivered every queued email exactly once.

    .venv/bin/python scripts/faults.py [--yes] [--database-url postgres://postgres@127.0.0.1:5432/opsuite_faults]

WARNING: with --yes this STOPS THE MACHINE'S POSTGRESQL SERVICE for 20 seconds
(`pg_ctlcluster --skip-systemctl-redirect <version> main stop`, then `start`). Everything else
using that PostgreSQL loses its connections. Without --yes that step is skipped (and said so).

The database named in the URL is dropped and created again (never test, lead, lead2 or *db).

Definitions:
- errors_5xx_unexpected: answers of 500 or more other than a 503 while the database was
  stopped (plus a grace period for connections to come back), and any page or JSON during the
  outage that shows a traceback. Transport errors while a worker is killed are expected.
- lost_writes: sign-ups the client saw succeed (201, or 409 "already signed up") that are not
  active in the database afterwards, and tasks created with 201 that do not exist. Sign-ups
  whose last answer was a 5xx or transport error are "unknown" and not counted.
- duplicate_writes: more than one sign-up row for one volunteer and shift.
- lost_mail / duplicate_mail: of the emails queued before the SMTP outage, how many the sink
  never received, and how many it received more than once.

Ends with `RESULT errors_5xx_unexpected=<n> lost_writes=<n> duplicate_writes=<n> lost_mail=<n>
duplicate_mail=<n> recovered=<yes|no>`.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import shutil
import signal
import subprocess
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
    is_postgres,
    opsuite_migrate,
    orm,
    recreate_postgres_database,
    server_env,
    settings_for,
    start_serve,
    stop_server,
    wait_ready,
    worker_pids,
)
from load import Mix, Org, seed, users_needed

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/opsuite_faults"
USERS = 20
EMAILS = 30
DB_DOWN_SECONDS = 20
SMTP_DOWN_SECONDS = 15
GRACE_SECONDS = 10  # after PostgreSQL is back, while pools reconnect
PG_ISREADY = shutil.which("pg_isready") or "/usr/bin/pg_isready"
PG_CTLCLUSTER = shutil.which("pg_ctlcluster") or "/usr/bin/pg_ctlcluster"


def cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"))
    if not versions:
        raise SystemExit("no cluster under /etc/postgresql")
    return versions[-1]


def pg_ctl(action: str) -> None:
    command = [PG_CTLCLUSTER, "--skip-systemctl-redirect", cluster_version(), "main", action]
    print(f"  $ {' '.join(command)}")
    subprocess.run(command, check=True, timeout=60)  # noqa: S603 (fixed command)


def pg_ready() -> bool:
    done = subprocess.run(  # noqa: S603 (fixed command)
        [PG_ISREADY, "-h", "127.0.0.1"], capture_output=True, text=True, check=False
    )
    return done.returncode == 0


class Timeline:
    """When each fault started and ended, to judge each answer by when it came."""

    def __init__(self) -> None:
        self.db_down: tuple[float, float] | None = None
        self.worker_killed: tuple[float, float] | None = None

    def during_db_outage(self) -> bool:
        if self.db_down is None:
            return False
        start, end = self.db_down
        return start <= time.monotonic() <= (end or float("inf")) + GRACE_SECONDS

    def during_worker_restart(self) -> bool:
        if self.worker_killed is None:
            return False
        start, end = self.worker_killed
        return start <= time.monotonic() <= (end or float("inf")) + 2


async def queue_emails(count: int) -> list[str]:
    from opsuite.auth.service import create_user
    from opsuite.notify.service import enqueue_email

    start = datetime.now(UTC) + timedelta(days=2)
    shift = SimpleNamespace(starts_at=start, ends_at=start + timedelta(hours=3), location="")
    subjects = []
    for n in range(count):
        reader = await create_user(email=f"reader{n}@faults.example.org", name=f"Reader {n}")
        await enqueue_email(
            kind="shift_message",
            to=reader,
            context={
                "opportunity": SimpleNamespace(title="Sorting", location="Hall", is_remote=False),
                "shift": shift,
                "sender": SimpleNamespace(name="Coordinator"),
                "subject": f"fault note {n}",
                "body": "Bring gloves.",
                "link": "/shifts",
            },
            dedupe_key=f"faults:{n}",
            settings=SETTINGS[0],
        )
        subjects.append(f"Sorting: fault note {n}")
    return subjects


SETTINGS: list = []


async def probe_pages(
    base: str, token: str, seen: list[tuple[str, int, str]], stop: asyncio.Event
) -> None:
    """While the database is away: what a browser and an API client are told."""
    auth = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        for _ in range(200):
            if stop.is_set():
                return
            for path in ("/shifts", "/api/v1/shifts"):
                with contextlib.suppress(httpx.TransportError):
                    answer = await client.get(path, headers=auth if "/api/" in path else {})
                    seen.append((path, answer.status_code, answer.text))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1)


async def wait_until_answering(base: str, seconds: float) -> float | None:
    """Seconds until /api/v1/shifts and /readyz answer 200 on fresh connections, or None."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            async with httpx.AsyncClient(base_url=base, timeout=5) as client:
                codes = [(await client.get(p)).status_code for p in ("/readyz", "/shifts")]
            if codes == [200, 200]:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    return None


async def stop_database(
    base: str, token: str, timeline: Timeline, probes: list[tuple[str, int, str]]
) -> str:
    print(f"(a) stopping PostgreSQL for {DB_DOWN_SECONDS} s; pg_isready before: {pg_ready()}")
    stop_probe = asyncio.Event()
    timeline.db_down = (time.monotonic(), 0.0)
    try:
        await asyncio.to_thread(pg_ctl, "stop")
        probe = asyncio.create_task(probe_pages(base, token, probes, stop_probe))
        await asyncio.sleep(DB_DOWN_SECONDS)
    finally:
        await asyncio.to_thread(pg_ctl, "start")
        timeline.db_down = (timeline.db_down[0], time.monotonic())
        stop_probe.set()
    await probe
    for _ in range(60):
        if pg_ready():
            break
        await asyncio.sleep(1)
    print(f"    pg_isready after: {pg_ready()}")
    took = await wait_until_answering(base, 60)
    print(f"    opsuite answering again {took:.1f} s after PostgreSQL started" if took is not None
          else "    opsuite did NOT answer again within 60 s")  # fmt: skip
    return "yes" if took is not None else "no"


async def kill_worker(server: Server, timeline: Timeline) -> str:
    before = worker_pids(server.pid)
    victim = before[0]
    print(f"(b) SIGKILL worker {victim} of {before}")
    timeline.worker_killed = (time.monotonic(), 0.0)
    os.kill(victim, signal.SIGKILL)
    after: list[int] = []
    for _ in range(120):
        await asyncio.sleep(0.25)
        after = worker_pids(server.pid)
        if victim not in after and len(after) == len(before):
            break
    timeline.worker_killed = (timeline.worker_killed[0], time.monotonic())
    restarted = victim not in after and len(after) == len(before)
    print(f"    workers now {after}: {'restarted by uvicorn' if restarted else 'NOT restarted'}")
    if not restarted:
        return "no"
    took = await wait_until_answering(server.base, 30)
    return "yes" if took is not None else "no"


async def smtp_outage(sink: SmtpSink) -> list[str]:
    print(f"(c) SMTP answers 421 for {SMTP_DOWN_SECONDS} s; {EMAILS} emails queued now")
    sink.refusing = True
    async with orm(SETTINGS[0]):
        subjects = await queue_emails(EMAILS)
    await asyncio.sleep(SMTP_DOWN_SECONDS)
    sink.refusing = False
    print(f"    refused {sink.refused} deliveries; accepting again")
    return subjects


async def check_writes(org: Org, mix: Mix) -> tuple[int, int]:
    from opsuite.shifts.models import SignUp
    from opsuite.tasks.models import Task

    async with orm(SETTINGS[0]):
        rows = await SignUp.all().values("shift_id", "volunteer_id", "status")
        per_pair = collections.Counter((r["volunteer_id"], r["shift_id"]) for r in rows)
        active = {
            (r["volunteer_id"], r["shift_id"])
            for r in rows
            if r["status"] in ("confirmed", "waitlisted", "offered")
        }
        tasks = set(await Task.filter(id__in=list(mix.writes.tasks)).values_list("id", flat=True))
    lost = sum(
        1
        for pair, state in mix.writes.signups.items()
        if (state == "active" and pair not in active) or (state == "cancelled" and pair in active)
    )
    lost += len(mix.writes.tasks - tasks)
    duplicates = sum(n - 1 for n in per_pair.values() if n > 1)
    print(
        f"writes: {len(mix.writes.signups)} sign-up pairs tracked "
        f"({sum(1 for s in mix.writes.signups.values() if s == 'unknown')} unknown), "
        f"{len(mix.writes.tasks)} tasks created; lost {lost}, duplicates {duplicates}"
    )
    return lost, duplicates


async def wait_for_mail(sink: SmtpSink, subjects: list[str], seconds: float) -> tuple[int, int]:
    deadline = time.monotonic() + seconds
    wanted = set(subjects)
    while time.monotonic() < deadline:
        got = {s for _to, s in sink.received if s in wanted}
        if got == wanted:
            break
        await asyncio.sleep(1)
    await asyncio.sleep(5)  # a second delivery would follow within a few dispatch intervals
    counts = collections.Counter(s for _to, s in sink.received if s in wanted)
    lost = sum(1 for s in subjects if counts[s] == 0)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    print(f"mail: {sum(counts.values())} delivered of {len(subjects)}; "
          f"lost {lost}, duplicates {duplicates}")  # fmt: skip
    return lost, duplicates


def judge_probes(probes: list[tuple[str, int, str]]) -> tuple[int, bool]:
    """(answers showing internals, whether a clear 503 was seen)."""
    leaks = sum(1 for _p, _s, text in probes if "Traceback" in text or "asyncpg" in text)
    clear = any(status == 503 and "try again" in text for _p, status, text in probes)
    shown = collections.Counter((p, s) for p, s, _t in probes)
    print(f"    while away: {dict(shown)}; clear 503 seen: {clear}; leaks: {leaks}")
    return leaks, clear


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--yes", action="store_true", help="really stop PostgreSQL for 20 s")
    parser.add_argument("--mail-wait", type=float, default=180, help="seconds to wait for mail")
    args = parser.parse_args()
    if not is_postgres(args.database_url):
        raise SystemExit("faults.py needs PostgreSQL: two workers and a database to stop")
    print("WARNING: this script stops this machine's PostgreSQL service for 20 seconds.")
    print("         Anything else using it loses its connections." if args.yes else
          "         Without --yes that step is skipped.")  # fmt: skip
    if not pg_ready():
        raise SystemExit("PostgreSQL is not accepting connections at 127.0.0.1; start it first")
    instance = tempfile.mkdtemp(prefix="opsuite-faults-")
    sink = SmtpSink().start()
    server: Server | None = None
    results = {"errors_5xx_unexpected": 0, "lost_writes": 0, "duplicate_writes": 0,
               "lost_mail": 0, "duplicate_mail": 0, "recovered": "no"}  # fmt: skip
    database_stopped = False
    try:
        await recreate_postgres_database(args.database_url)
        env = server_env(args.database_url, instance, smtp_port=sink.port, scheduler=True,
                         scheduler_dispatch_interval_seconds="1")  # fmt: skip
        opsuite_migrate(env)
        SETTINGS.append(settings_for(env))
        async with orm(SETTINGS[0]):
            org = await seed(**users_needed(USERS))
        server = start_serve(env, workers=2, log_path=Path(instance) / "server.log")
        await wait_ready(server)
        print(f"2 workers {worker_pids(server.pid)} on {server.base}; log {server.log_path}")
        timeline = Timeline()
        mix = Mix(server.base, org, USERS, think_ms=200)
        mix.stats.tolerate = lambda status: (
            (status == 503 and timeline.during_db_outage())
            or (status is None and (timeline.during_db_outage() or
                                    timeline.during_worker_restart()))
        )  # fmt: skip
        load = asyncio.create_task(mix.run(3600))
        await asyncio.sleep(5)
        subjects = await smtp_outage(sink)
        probes: list[tuple[str, int, str]] = []
        recovered = []
        if args.yes:
            database_stopped = True
            recovered.append(
                await stop_database(server.base, org.volunteers[0][1], timeline, probes)
            )
            database_stopped = False
        else:
            print("(a) skipped: PostgreSQL is left running (pass --yes to stop it)")
        recovered.append(await kill_worker(server, timeline))
        print("clean phase: 10 s of load with nothing broken")
        errors_before = sum(mix.stats.errors.values())
        requests_before = mix.stats.requests
        await asyncio.sleep(10)
        clean_errors = sum(mix.stats.errors.values()) - errors_before
        print(f"    {mix.stats.requests - requests_before} requests, {clean_errors} errors")
        mix.stop.set()
        await load
        leaks, clear = judge_probes(probes) if args.yes else (0, True)
        if args.yes and not clear:
            print("    no clear 503 'try again' answer was seen while the database was away")
        results["errors_5xx_unexpected"] = leaks + sum(
            n for what, n in mix.stats.errors.items() if what.split(" -> ")[1][:1] == "5"
        )
        results["recovered"] = (
            "yes" if all(r == "yes" for r in recovered) and clean_errors == 0 and clear else "no"
        )
        results["lost_mail"], results["duplicate_mail"] = await wait_for_mail(
            sink, subjects, args.mail_wait
        )
        results["lost_writes"], results["duplicate_writes"] = await check_writes(org, mix)
        print(f"\n{'endpoint -> answer':<52}{'count':>7}")
        for what, n in sorted(mix.stats.errors.items()):
            print(f"{'ERROR ' + what:<52}{n:>7}")
        for what, n in sorted(mix.stats.tolerated.items()):
            print(f"{'during a fault: ' + what:<52}{n:>7}")
    finally:
        if database_stopped and not pg_ready():
            with contextlib.suppress(Exception):
                pg_ctl("start")
        stop_server(server)
        sink.stop()
        print(f"pg_isready -h 127.0.0.1: {'accepting connections' if pg_ready() else 'NOT READY'}")
    print("RESULT " + " ".join(f"{k}={v}" for k, v in results.items()))


if __name__ == "__main__":
    asyncio.run(main())
