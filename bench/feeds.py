"""A 1,000-event personal calendar feed served by uvicorn (a temporary SQLite database unless
--database-url is given), as requests per second relative to a tiny Starlette app serving the
same bytes from memory in the same run: a cold build (no cache), a cached feed, and a 304.

    python bench/feeds.py [--database-url postgres://...]
"""

from __future__ import annotations

import asyncio
import os
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
from opsuite.feeds import service
from opsuite.feeds.models import FeedCache, FeedKind
from opsuite.meetings.models import Attendee, Meeting

EVENTS = 1000
REQUESTS = 400
CONCURRENCY = 16
COLD = 15
ROOT = Path(__file__).resolve().parents[1]
MEMORY_APP = """
import gzip, os
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
BODY = gzip.compress(open(os.environ["FEED_BYTES"], "rb").read(), mtime=0)
async def feed(request):
    headers = {"etag": '"m"', "content-encoding": "gzip"}
    return Response(BODY, media_type="text/calendar; charset=utf-8", headers=headers)
app = Starlette(routes=[Route("/feed.ics", feed), Route("/healthz", feed)])
"""


async def prepare(settings) -> tuple[str, bytes]:
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
    cache = await service.build(new.feed, settings=settings)
    assert cache is not None
    return new.token, bytes(cache.body)


def uvicorn(app: str, port: int, env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", app, *extra, "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own interpreter)


async def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(300):
            if server.poll() is not None:
                raise SystemExit("a server exited during start-up")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise SystemExit("a server did not start")


async def rate(url: str, *, headers: dict[str, str], expect: int, n: int = REQUESTS) -> float:
    """Requests per second for ``n`` GETs, CONCURRENCY at a time."""
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        queue = list(range(n))

        async def worker() -> None:
            while queue:
                queue.pop()
                # Raw bytes, not decompressed: the client must not be the bottleneck.
                async with client.stream("GET", url, headers=headers) as response:
                    async for _chunk in response.aiter_raw():
                        pass
                assert response.status_code == expect, response.status_code

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return n / (time.perf_counter() - started)


async def cold_rate(url: str, settings) -> float:
    """A build per request: the cache row is dropped before each one."""
    total = 0.0
    async with httpx.AsyncClient(timeout=60) as client:
        for _ in range(COLD):
            await FeedCache.all().delete()
            started = time.perf_counter()
            response = await client.get(url, headers={"accept-encoding": "gzip"})
            total += time.perf_counter() - started
            assert response.status_code == 200
    return COLD / total


async def main() -> None:
    args = arguments(__doc__ or "")
    instance = tempfile.mkdtemp(prefix="opsuite-bench-")
    url = args.database_url or f"sqlite://{instance}/bench.sqlite3"
    settings = bench_settings(url)
    await fresh_database(settings)
    token, body = await prepare(settings)
    bytes_path = Path(instance) / "feed.ics"
    bytes_path.write_bytes(body)
    app_path = Path(instance) / "memory_feed.py"
    app_path.write_text(MEMORY_APP)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")},
        "OPSUITE_SETTINGS_FILE": str(Path(instance) / "none.toml"),
        "OPSUITE_SERVER_INSTANCE_PATH": instance,
        "OPSUITE_DATABASE_URL": url,
        "OPSUITE_SECURITY_SECRET_KEY": "b" * 40,
        "OPSUITE_SCHEDULER_ENABLED": "false",
        "FEED_BYTES": str(bytes_path),
    }
    ours_port, memory_port = free_port(), free_port()
    ours = uvicorn("opsuite.asgi:create", ours_port, env, "--factory")
    memory = uvicorn("memory_feed:app", memory_port, env, "--app-dir", instance)
    try:
        await wait_ready(f"http://127.0.0.1:{ours_port}", ours)
        await wait_ready(f"http://127.0.0.1:{memory_port}", memory)
        feed_url = f"http://127.0.0.1:{ours_port}/feeds/{token}.ics"
        gz = {"accept-encoding": "gzip"}
        bound = await rate(f"http://127.0.0.1:{memory_port}/feed.ics", headers=gz, expect=200)
        cold = await cold_rate(feed_url, settings)
        async with httpx.AsyncClient(timeout=60) as client:
            first = await client.get(feed_url, headers=gz)
        cached = await rate(feed_url, headers=gz, expect=200)
        not_modified = await rate(
            feed_url, headers={**gz, "if-none-match": first.headers["etag"]}, expect=304
        )
    finally:
        for server in (ours, memory):
            server.terminate()
            server.wait(timeout=10)
        await db.disconnect()
    engine = "postgres" if url.startswith("postgres") else "sqlite"
    print(f"feed: {EVENTS} events, {len(body):,} bytes ({engine}, {CONCURRENCY} at a time)")
    print(f"{'what':<36}{'req/s':>10}{'ratio':>10}")
    for label, value in (
        ("same bytes from memory (bound)", bound),
        ("cold build", cold),
        ("cached feed", cached),
        ("304 not modified", not_modified),
    ):
        print(f"{label:<36}{value:>10.1f}{value / bound:>10.3f}")
    print(
        f"RESULT cold_ratio={cold / bound:.3f} cached_ratio={cached / bound:.3f} "
        f"notmodified_ratio={not_modified / bound:.3f}"
    )


if __name__ == "__main__":
    run(main)
