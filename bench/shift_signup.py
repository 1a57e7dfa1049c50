"""200 volunteers sign up for one shift of capacity 20 at the same moment, over HTTP against a
real uvicorn server (a temporary SQLite database unless --database-url is given). Checks that
exactly 20 are confirmed and 180 waitlisted, and reports latency; the baseline is the same 200
concurrent requests to GET /api/v1/me (authentication and routing, no sign-up work).

    python bench/shift_signup.py [--database-url postgres://...]
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
from opsuite.auth.service import create_api_token, create_user
from opsuite.shifts.planning import OpportunityInput, ShiftInput, create_opportunity, create_shift

VOLUNTEERS = 200
CAPACITY = 20
STARTUP_SECONDS = 120.0
ROOT = Path(__file__).resolve().parents[1]


async def prepare(settings) -> tuple[int, str, list[str]]:
    from opsuite.people.service import create_program

    manager = await create_user(email="m@example.org", name="Manager", role=Role.MANAGER)
    program = await create_program(manager, name="Food bank", funder="", description="")
    opportunity = await create_opportunity(
        manager, program.id, OpportunityInput(title="Sorting", is_public=True)
    )
    start = datetime.now(UTC) + timedelta(days=3)
    shift = await create_shift(
        manager,
        opportunity,
        ShiftInput(
            start.date(),
            start.time().replace(microsecond=0),
            (start + timedelta(hours=3)).time().replace(microsecond=0),
            "UTC",
            CAPACITY,
        ),
    )
    tokens = []
    for n in range(VOLUNTEERS):
        person = await create_user(email=f"v{n}@example.org", name=f"Volunteer {n}")
        tokens.append((await create_api_token(person, "bench")).token)
    return shift.id, (await create_api_token(manager, "bench")).token, tokens


def start_server(settings, port: int, database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")},
        "OPSUITE_SETTINGS_FILE": str(Path(tempfile.mkdtemp()) / "none.toml"),
        "OPSUITE_SERVER_INSTANCE_PATH": str(settings.instance_dir),
        "OPSUITE_DATABASE_URL": database_url,
        "OPSUITE_SECURITY_SECRET_KEY": "b" * 40,
        "OPSUITE_SCHEDULER_ENABLED": "false",
    }
    command = [sys.executable, "-m", "uvicorn", "opsuite.asgi:create", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own interpreter)


async def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    # A deadline in seconds, not a count of tries: on a busy machine start-up takes longer.
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit("the server exited during start-up")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise SystemExit("the server did not start")


async def fire(
    base: str, tokens: list[str], method: str, path: str
) -> tuple[list[float], list[int]]:
    limits = httpx.Limits(max_connections=VOLUNTEERS, max_keepalive_connections=VOLUNTEERS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def one(token: str) -> tuple[float, int]:
            started = time.perf_counter()
            response = await client.request(
                method, path, headers={"authorization": f"Bearer {token}"}
            )
            return (time.perf_counter() - started) * 1000, response.status_code

        results = await asyncio.gather(*(one(t) for t in tokens))
    return [r[0] for r in results], [r[1] for r in results]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main() -> None:
    args = arguments(__doc__ or "")
    instance = tempfile.mkdtemp(prefix="opsuite-bench-")
    url = args.database_url or f"sqlite://{instance}/bench.sqlite3"
    settings = bench_settings(url)
    await fresh_database(settings)
    try:
        shift_id, manager_token, tokens = await prepare(settings)
    finally:
        await db.disconnect()
    port = free_port()
    server = start_server(settings, port, url)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base, server)
        base_ms, base_codes = await fire(base, tokens, "GET", "/api/v1/me")
        ours_ms, codes = await fire(base, tokens, "POST", f"/api/v1/shifts/{shift_id}/signup")
        async with httpx.AsyncClient(base_url=base) as client:
            roster = await client.get(
                f"/api/v1/shifts/{shift_id}/roster",
                headers={"authorization": f"Bearer {manager_token}"},
            )
        statuses = [entry["signup"]["status"] for entry in roster.json()["signups"]]
    finally:
        server.terminate()
        server.wait(timeout=10)
    confirmed, waitlisted = statuses.count("confirmed"), statuses.count("waitlisted")
    errors = sum(1 for c in codes if c != 201) + sum(1 for c in base_codes if c != 200)
    engine = "postgres" if url.startswith("postgres") else "sqlite"
    print(f"{'what (' + engine + ', 200 at once)':<36}{'p50 ms':>10}{'p99 ms':>10}")
    for label, values in (
        ("baseline GET /api/v1/me", base_ms),
        ("POST /api/v1/shifts/{id}/signup", ours_ms),
    ):
        print(f"{label:<36}{percentile(values, 50):>10.1f}{percentile(values, 99):>10.1f}")
    print(f"confirmed={confirmed} waitlisted={waitlisted} errors={errors} (capacity {CAPACITY})")
    print(
        f"RESULT confirmed={confirmed} waitlisted={waitlisted} "
        f"p50_ms={percentile(ours_ms, 50):.1f} p99_ms={percentile(ours_ms, 99):.1f}"
    )


if __name__ == "__main__":
    run(main)
