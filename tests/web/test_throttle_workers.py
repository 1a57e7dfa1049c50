"""The throttle holds across worker processes: two real `opsuite serve` processes on one
database share one count, so alternating between them gains nothing."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
OPSUITE = Path(sys.executable).parent / "opsuite"
LIMIT = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")}
    env.update(
        OPSUITE_SETTINGS_FILE=str(instance / "none.toml"),
        OPSUITE_DATABASE_URL=f"sqlite://{instance / 'shared.sqlite3'}",
        OPSUITE_SERVER_INSTANCE_PATH=str(instance),
        OPSUITE_SECURITY_SECRET_KEY="w" * 40,
        OPSUITE_SCHEDULER_ENABLED="false",
        OPSUITE_THROTTLE_ANONYMOUS_POSTS=str(LIMIT),
    )
    return env


@asynccontextmanager
async def worker(env: dict[str, str]) -> AsyncIterator[str]:
    """One `opsuite serve` process; yields its base URL once it has started."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(OPSUITE),
        *("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        seen = b""
        while b"Application startup complete" not in seen:
            line = await asyncio.wait_for(process.stderr.readline(), timeout=60)
            assert line, f"the server exited during start-up:\n{seen.decode()[-2000:]}"
            seen += line
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        await process.wait()


async def test_the_limit_holds_across_two_worker_processes(tmp_path):
    env = environment(tmp_path)
    migrate = await asyncio.create_subprocess_exec(
        str(OPSUITE), "migrate", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    _out, errors = await migrate.communicate()
    assert migrate.returncode == 0, errors.decode()
    async with worker(env) as first, worker(env) as second, httpx.AsyncClient() as http:
        bases = [first, second]
        answers = [
            await http.post(f"{bases[n % 2]}/register", data={"name": "x"})
            for n in range(LIMIT + 2)
        ]
    statuses = [a.status_code for a in answers]
    assert 429 not in statuses[:LIMIT], statuses
    # The fourth and fifth posts went to different processes; both know the limit is spent.
    assert statuses[LIMIT:] == [429, 429], statuses
    assert all(int(a.headers["retry-after"]) > 0 for a in answers[LIMIT:])
