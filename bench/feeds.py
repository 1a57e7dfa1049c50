"""A ~1,000-event personal calendar feed against two baselines measured in the same run: a bare
Starlette app serving the same bytes from memory under the same uvicorn options, and Radicale
serving the same events (imported into a collection on a temporary storage folder).

A load generator in its own process (wrk when installed, else a small asyncio client in a
subprocess) runs 16 connections against each target in interleaved rounds; ratios are taken
within a round and their medians reported. Cold builds (every feed cache cleared), a rebuild
after one meeting is renamed through the meetings service and one Radicale GET of the same
events are interleaved the same way.

    python bench/feeds.py [--database-url postgres://...]

RESULT warm_ratio=<feed 200 / memory> notmodified_ratio=<feed 304 / memory>
       cold_vs_radicale=<radicale GET time / cold build time> incremental_ratio=<rebuild / cold>
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from _common import arguments, bench_settings, free_port, fresh_database, run

from opsuite import db
from opsuite.auth.models import Role
from opsuite.auth.service import create_user
from opsuite.feeds import models as feed_models
from opsuite.feeds import service
from opsuite.feeds.models import FeedKind, FeedToken
from opsuite.meetings.models import Attendee, Meeting
from opsuite.meetings.service import AttendeeInput, MeetingInput, update_meeting

EVENTS = 1000
CONNECTIONS = 16
LOAD_ROUNDS = 5
LOAD_SECONDS = 3
BUILD_ROUNDS = 5
RADICALE_AUTH = "Basic YmVuY2g6YmVuY2g="  # bench:bench; auth type none accepts any password
SOCKET_ERRORS = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
ROOT = Path(__file__).resolve().parents[1]
MEMORY_APP = """
import gzip, os
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
BODY = gzip.compress(open(os.environ["FEED_BYTES"], "rb").read(), mtime=0)
async def feed(request):
    headers = {"etag": '"m"', "content-encoding": "gzip", "vary": "Accept-Encoding"}
    return Response(BODY, media_type="text/calendar; charset=utf-8", headers=headers)
app = Starlette(routes=[Route("/feed.ics", feed), Route("/readyz", feed)])
"""
# The fallback load generator: keep-alive HTTP/1.1 over raw asyncio streams (httpx would be
# the bottleneck), reconnecting when the server closes; prints {"rps": .., "errors": ..}.
PY_LOAD = r"""
import asyncio, json, sys, time
from urllib.parse import urlsplit
url, connections, seconds, headers = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
parts = urlsplit(url)
request = (f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
           + "".join(h + "\r\n" for h in headers) + "\r\n").encode()
done = errors = 0
async def worker(end):
    global done, errors
    reader = writer = None
    while time.perf_counter() < end:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            fields = {k.strip().lower(): v.strip() for k, _, v in
                      (line.partition(":") for line in lines[1:] if line)}
            if "content-length" in fields:
                await reader.readexactly(int(fields["content-length"]))
            elif fields.get("transfer-encoding", "").lower() == "chunked":
                while True:
                    size = int((await reader.readline()).split(b";")[0], 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            if status >= 400:
                errors += 1
            done += 1
            if fields.get("connection", "").lower() == "close" or lines[0].startswith("HTTP/1.0"):
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            writer = None
async def main():
    started = time.perf_counter()
    await asyncio.gather(*(worker(started + seconds) for _ in range(connections)))
    print(json.dumps({"rps": done / (time.perf_counter() - started), "errors": errors}))
try:
    import uvloop
    uvloop.install()
except ImportError:
    pass
asyncio.run(main())
"""


async def prepare(settings) -> tuple[FeedToken, str]:
    person = await create_user(
        email="v@example.org", name="王芳 Wang Fang", role=Role.STAFF, timezone="Europe/London"
    )
    organizer = await create_user(email="o@example.org", name="Organiser", role=Role.STAFF)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    meetings = [
        Meeting(
            uid=f"bench-{n}@example.org",
            title=f"会议 Meeting {n}",
            description="Agenda: 讨论 discussion " * 5,
            organizer=organizer,
            timezone="Europe/London",
            starts_at=now + timedelta(hours=9 * n - 24 * 30),
            ends_at=now + timedelta(hours=9 * n - 24 * 30 + 1),
            last_ends_at=now + timedelta(hours=9 * n - 24 * 30 + 1),
            location="Room 1",
            created_at=now,
            updated_at=now,
        )
        for n in range(EVENTS)
    ]
    await Meeting.bulk_create(meetings)
    ids = [m.id for m in await Meeting.all().only("id")]
    await Attendee.bulk_create([Attendee(meeting_id=i, user_id=person.id) for i in ids])
    new = await service.create_feed(person, FeedKind.PERSON)
    return new.feed, new.token


async def change_meeting(uid: str, title: str, settings) -> None:
    meeting = await Meeting.get(uid=uid).prefetch_related("organizer")
    attendees = await Attendee.filter(meeting_id=meeting.id).values_list("user_id", flat=True)
    data = MeetingInput(
        title=title,
        timezone=meeting.timezone,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        description=meeting.description,
        location=meeting.location,
        attendees=tuple(AttendeeInput(user_id) for user_id in attendees),
    )
    await update_meeting(meeting.organizer, meeting, data, settings=settings)


async def clear_feed_caches() -> None:
    """Every stored feed model but the tokens and watermarks: the feed cache and whatever
    per-item cache the feeds area keeps, so a build starts from nothing."""
    for model in vars(feed_models).values():
        meta = getattr(model, "_meta", None)
        if (
            meta is None
            or getattr(meta, "abstract", True)
            or model.__module__ != feed_models.__name__
        ):
            continue
        if model.__name__ not in ("FeedToken", "FeedWatermark"):
            await model.all().delete()


async def timed_build(feed: FeedToken, settings) -> tuple[float, float, bytes]:
    started, cpu = time.perf_counter(), time.process_time()
    cache = await service.build(feed, settings=settings)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert cache is not None
    return elapsed, cpu, bytes(cache.body)


class Processes:
    """Child processes, each in its own session; all stopped in ``stop`` (TERM, then KILL)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.started = folder, []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and commands)
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        self.started.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        for _name, process in self.started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _name, process in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def uvicorn_command(app: str, port: int, *extra: str) -> list[str]:
    """The same uvicorn options for opsuite and the bound: uvloop and httptools when
    installed, proxy headers as `opsuite serve`, no access log for either."""
    options = ["--proxy-headers", "--no-access-log", "--log-level", "warning"]
    if importlib.util.find_spec("uvloop"):
        options += ["--loop", "uvloop"]
    if importlib.util.find_spec("httptools"):
        options += ["--http", "httptools"]
    return [sys.executable, "-m", "uvicorn", app, *extra, "--host", "127.0.0.1",
            "--port", str(port), *options]  # fmt: skip


async def wait_ready(
    url: str, process: subprocess.Popen[bytes], procs: Processes, name: str, *, auth: str = ""
) -> None:
    deadline = time.monotonic() + 90  # a busy machine starts slowly
    headers = {"authorization": auth} if auth else {}
    async with httpx.AsyncClient(timeout=10) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited during start-up:\n{procs.log(name)}")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(url, headers=headers)).status_code < 500:
                    return
            await asyncio.sleep(0.1)
    raise SystemExit(f"{name} did not start within 90 s:\n{procs.log(name)}")


def start_radicale(procs: Processes, folder: Path, port: int, env: dict[str, str]):
    config = folder / "radicale.conf"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        "[auth]\ntype = none\n"
        "[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        "[logging]\nlevel = warning\n"
    )
    command = [sys.executable, "-m", "radicale", "--config", str(config)]
    return procs.start("radicale", command, env)


def load(url: str, headers: dict[str, str], wrk: str | None) -> tuple[float, int]:
    """Requests per second (and failed requests) over LOAD_SECONDS at CONNECTIONS."""
    flags = [item for k, v in headers.items() for item in ("-H", f"{k}: {v}")]
    if wrk:
        command = [wrk, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{LOAD_SECONDS}s",
                   "--timeout", "10s", *flags, url]  # fmt: skip
    else:
        command = [sys.executable, "-c", PY_LOAD, url, str(CONNECTIONS), str(LOAD_SECONDS),
                   *(f"{k}: {v}" for k, v in headers.items())]  # fmt: skip
    done = subprocess.run(  # noqa: S603 (our own interpreter or Debian's wrk)
        command, capture_output=True, text=True, timeout=LOAD_SECONDS + 30, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"load generator failed:\n{done.stdout}{done.stderr}")
    if not wrk:
        figures = json.loads(done.stdout)
        return float(figures["rps"]), int(figures["errors"])
    rps = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    if rps is None:
        raise SystemExit(f"no Requests/sec in wrk's output:\n{done.stdout}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", done.stdout))
    socket_errors = re.search(SOCKET_ERRORS, done.stdout)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return float(rps.group(1)), errors


async def main() -> None:
    args = arguments(__doc__ or "")
    started_at = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="opsuite-bench-feeds-"))
    url = args.database_url or f"sqlite://{folder}/bench.sqlite3"
    settings = bench_settings(url)
    await fresh_database(settings)
    feed, token = await prepare(settings)
    wrk = shutil.which("wrk")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")},
        "OPSUITE_SETTINGS_FILE": str(folder / "none.toml"),
        "OPSUITE_SERVER_INSTANCE_PATH": str(folder),
        "OPSUITE_DATABASE_URL": url,
        "OPSUITE_SECURITY_SECRET_KEY": "b" * 40,
        "OPSUITE_SCHEDULER_ENABLED": "false",
        "FEED_BYTES": str(folder / "feed.ics"),
    }
    procs = Processes(folder)
    try:
        _, _, body = await timed_build(feed, settings)
        (folder / "feed.ics").write_bytes(body)
        (folder / "memory_feed.py").write_text(MEMORY_APP)
        ours_port, memory_port, radicale_port = free_port(), free_port(), free_port()
        ours = procs.start(
            "opsuite", uvicorn_command("opsuite.asgi:create", ours_port, "--factory"), env
        )
        memory = procs.start(
            "memory", uvicorn_command("memory_feed:app", memory_port, "--app-dir", str(folder)), env
        )
        radicale = start_radicale(procs, folder, radicale_port, env)
        feed_url = f"http://127.0.0.1:{ours_port}/feeds/{token}.ics"
        memory_url = f"http://127.0.0.1:{memory_port}/feed.ics"
        radicale_url = f"http://127.0.0.1:{radicale_port}/bench/feed/"
        await wait_ready(f"http://127.0.0.1:{ours_port}/readyz", ours, procs, "opsuite")
        await wait_ready(memory_url, memory, procs, "memory")
        await wait_ready(f"http://127.0.0.1:{radicale_port}/", radicale, procs, "radicale")

        auth = {"authorization": RADICALE_AUTH}
        gz = {"accept-encoding": "gzip"}
        async with httpx.AsyncClient(timeout=120) as client:
            # The same events into a Radicale collection: one PUT of the whole calendar.
            put = await client.put(
                radicale_url, content=body, headers={**auth, "content-type": "text/calendar"}
            )
            assert put.status_code in (200, 201), (put.status_code, put.text[:300])
            served = await client.get(radicale_url, headers={**auth, **gz})
            assert served.status_code == 200, served.status_code
            events = body.count(b"BEGIN:VEVENT")
            assert served.content.count(b"BEGIN:VEVENT") == events

            # Cold build, one Radicale GET, rebuild after one change: interleaved per round.
            cold_vs_radicale, incremental, colds, cpus, radicales, rebuilds = [], [], [], [], [], []
            for n in range(BUILD_ROUNDS):
                await clear_feed_caches()
                cold, cpu, _ = await timed_build(feed, settings)
                get_started = time.perf_counter()
                answer = await client.get(radicale_url, headers={**auth, **gz})
                radicale_time = time.perf_counter() - get_started
                assert answer.status_code == 200
                # One meeting renamed by its organiser, the way people change things (the
                # meetings service: an activity line, an updated invitation).
                title = f"Changed {n}"
                await change_meeting(f"bench-{40 + n}@example.org", title, settings)
                rebuild, _, changed = await timed_build(feed, settings)
                assert title.encode() in changed, "the rebuild does not show the change"
                colds.append(cold)
                cpus.append(cpu)
                radicales.append(radicale_time)
                rebuilds.append(rebuild)
                cold_vs_radicale.append(radicale_time / cold)
                incremental.append(rebuild / cold)

            # The served feed is now built; its gzip representation's ETag for the 304s.
            first = await client.get(feed_url, headers=gz)
            assert first.status_code == 200, first.status_code
            etag = first.headers["etag"]
            check = await client.get(feed_url, headers={**gz, "if-none-match": etag})
            assert check.status_code == 304, check.status_code

        targets = {
            "memory": (memory_url, gz),
            "feed 200": (feed_url, gz),
            "feed 304": (feed_url, {**gz, "if-none-match": etag}),
            "radicale": (radicale_url, {**gz, **auth}),
        }
        rates: dict[str, list[float]] = {name: [] for name in targets}
        errors = dict.fromkeys(targets, 0)
        for n in range(LOAD_ROUNDS):
            # Rotate the order each round, so no target always follows the same one.
            names = list(targets)[n % len(targets) :] + list(targets)[: n % len(targets)]
            for name in names:
                rps, failed = load(*targets[name], wrk)
                rates[name].append(rps)
                errors[name] += failed
    finally:
        procs.stop()
        await db.disconnect()

    def same_round(name: str) -> float:
        return statistics.median(a / b for a, b in zip(rates[name], rates["memory"], strict=True))

    engine = "postgres" if url.startswith("postgres") else "sqlite"
    generator = "wrk" if wrk else "python asyncio subprocess"
    print(f"feed: {events} events, {len(body):,} bytes ({engine}); {generator}, "
          f"{CONNECTIONS} connections, {LOAD_ROUNDS} rounds of {LOAD_SECONDS} s")  # fmt: skip
    print(f"{'target':<12}{'median req/s':>14}{'/ memory':>10}{'errors':>8}")
    for name in targets:
        print(f"{name:<12}{statistics.median(rates[name]):>14.1f}{same_round(name):>10.3f}"
              f"{errors[name]:>8}")  # fmt: skip
    cold_ms, cpu_ms = statistics.median(colds) * 1000, statistics.median(cpus) * 1000
    print(f"cold build {cold_ms:.0f} ms ({cpu_ms / events:.2f} ms CPU per event); "
          f"radicale GET {statistics.median(radicales) * 1000:.0f} ms; "
          f"rebuild after one change {statistics.median(rebuilds) * 1000:.0f} ms")  # fmt: skip
    print(f"took {time.monotonic() - started_at:.0f} s")
    print(
        f"RESULT warm_ratio={same_round('feed 200'):.3f} "
        f"notmodified_ratio={same_round('feed 304'):.3f} "
        f"cold_vs_radicale={statistics.median(cold_vs_radicale):.3f} "
        f"incremental_ratio={statistics.median(incremental):.3f} events={events}"
    )


if __name__ == "__main__":
    run(main)
