"""Shared set-up for benchmarks: a temporary database (SQLite unless --database-url), migrated
the same way `opsuite migrate` does it, and a local SMTP sink."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opsuite import db
from opsuite.settings import Settings, build_settings


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_settings(database_url: str, smtp_port: int | None = None, **extra: Any) -> Settings:
    instance = tempfile.mkdtemp(prefix="opsuite-bench-")
    values: dict[str, dict[str, Any]] = {
        "server": {"instance_path": instance},
        "database": {"url": database_url},
        "scheduler": {"enabled": False},
        "security": {"secret_key": "b" * 40},
        "mail": {
            "host": "127.0.0.1" if smtp_port else "",
            "port": smtp_port or 25,
            "security": "none",
            "from_address": "opsuite <noreply@example.org>",
        },
    }
    for section, overrides in extra.items():
        values.setdefault(section, {}).update(overrides)
    return build_settings(values, environ={}, source="bench")


async def fresh_database(settings: Settings) -> None:
    if settings.database.url.startswith("postgres"):
        from tortoise import Tortoise, connections
        from tortoise.context import TortoiseContext

        async with TortoiseContext():
            await Tortoise.init(config=db.config_for(settings))
            await connections.get("default").execute_script(
                "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
            )
    await db.migrate(settings)
    await db.connect(settings)


def run(main: Any) -> None:
    """Run a benchmark's ``main`` and always close the database: an open aiosqlite connection
    keeps a thread alive, and the script would never exit."""
    from opsuite import db

    async def main_then_disconnect() -> None:
        try:
            await main()
        finally:
            await db.disconnect()

    asyncio.run(main_then_disconnect())


# --- real servers: a fresh PostgreSQL database, `opsuite serve` subprocesses, /proc -------------

ROOT = Path(__file__).resolve().parents[1]
OPSUITE = ROOT / ".venv" / "bin" / "opsuite"
SECRET_KEY = "load-and-faults-" + "k" * 32
PROTECTED = {"postgres", "template0", "template1", "test", "lead", "lead2"}


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


async def recreate_postgres_database(url: str) -> None:
    """Drop and create the database named in ``url`` (connecting to `postgres` on the same
    server). Refuses the server's own databases and names other work uses (PROTECTED)."""
    from urllib.parse import urlsplit, urlunsplit

    import asyncpg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.isidentifier() or name in PROTECTED:
        raise SystemExit(f"refusing to drop the database {name!r}; name a dedicated one")
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("these scripts only drive 127.0.0.1")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def server_env(
    database_url: str,
    instance: str,
    *,
    smtp_port: int | None = None,
    scheduler: bool = False,
    **extra: str,
) -> dict[str, str]:
    """The environment for an `opsuite` subprocess: only our OPSUITE_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")}
    env.update(
        OPSUITE_SETTINGS_FILE="/nonexistent",
        OPSUITE_DATABASE_URL=database_url,
        OPSUITE_SERVER_INSTANCE_PATH=instance,
        OPSUITE_SECURITY_SECRET_KEY=SECRET_KEY,
        OPSUITE_SCHEDULER_ENABLED="true" if scheduler else "false",
        OPSUITE_MAIL_HOST="127.0.0.1" if smtp_port else "",
        OPSUITE_MAIL_PORT=str(smtp_port or 25),
        OPSUITE_MAIL_SECURITY="none",
        OPSUITE_MAIL_FROM_ADDRESS="opsuite <noreply@example.org>",
    )
    env.update({f"OPSUITE_{k.upper()}": v for k, v in extra.items()})
    return env


def opsuite_migrate(env: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 (our own command)
        [str(OPSUITE), "migrate"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"opsuite migrate failed:\n{done.stdout}{done.stderr}")


def settings_for(env: dict[str, str]) -> Settings:
    """The same settings the subprocesses read, for seeding in this process."""
    from opsuite.settings import load_settings

    return load_settings(environ=env)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    workers: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid


def start_serve(env: dict[str, str], *, workers: int, log_path: Path) -> Server:
    """`opsuite serve --workers N` on 127.0.0.1 and a free port, in its own process group so it
    and its workers can be stopped together."""
    port = free_port()
    log = log_path.open("ab")
    command = [str(OPSUITE), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603 (our own command)
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    return Server(process, port, log_path, workers)


async def wait_ready(server: Server, *, seconds: float = 60) -> None:
    """Until /readyz answers 200 (and, with several workers, every worker has started)."""
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=server.base, timeout=5) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                tail = server.log_path.read_text(errors="replace")[-2000:]
                raise SystemExit(f"the server exited during start-up:\n{tail}")
            try:
                ready = (await client.get("/readyz")).status_code == 200
            except httpx.TransportError:
                ready = False
            if ready and (server.workers == 1 or len(worker_pids(server.pid)) >= server.workers):
                return
            await asyncio.sleep(0.1)
    raise SystemExit(f"the server did not become ready within {seconds:.0f} s")


def stop_server(server: Server | None) -> None:
    """SIGTERM to the server's process group, SIGKILL after 15 s. Safe to call twice."""
    if server is None or server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.process.wait(timeout=5)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def process_tree(pid: int) -> list[int]:
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        queue += children(current)
    return tree


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def worker_pids(supervisor: int) -> list[int]:
    """uvicorn's worker processes (multiprocessing spawn children, not its resource tracker)."""
    return sorted(p for p in children(supervisor) if "multiprocessing.spawn" in command_line(p))


def tree_rss_bytes(pid: int) -> int:
    total = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            pages = int(Path(f"/proc/{member}/statm").read_text().split()[1])
            total += pages * os.sysconf("SC_PAGE_SIZE")
    return total


def connection_owner(local_port: int, pids: list[int]) -> int | None:
    """Which of ``pids`` holds the server end of our TCP connection from ``local_port``:
    the socket inode in /proc/net/tcp whose remote port is ours, found among each process's fds."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[2].rsplit(":", 1)[1], 16) == local_port:
                    inodes.add(fields[9])
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            with contextlib.suppress(OSError):
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return pid
    return None


def local_port(response: httpx.Response) -> int:
    stream = response.extensions["network_stream"]
    return int(stream.get_extra_info("client_addr")[1])


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    """As a browser: GET /login for the CSRF token, then POST the form."""
    page = await client.get("/login")
    match = CSRF_FIELD.search(page.text)
    if match is None:
        raise SystemExit(f"no CSRF field on /login (status {page.status_code})")
    return await client.post(
        "/login", data={"csrf_token": match.group(1), "email": email, "password": password}
    )


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class SmtpSink:
    """An in-process aiosmtpd server that keeps every message, and can answer 421 to all."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID or subject)
        self.refusing = False
        self.refused = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.controller.stop()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing:
            self.refused += 1
            return "421 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content)
        for recipient in envelope.rcpt_tos:
            self.received.append((recipient, str(message["Subject"])))
        return "250 Message accepted"


@contextlib.asynccontextmanager
async def orm(settings: Settings) -> Any:
    """The ORM opened for this process in its own Tortoise context (so a script can open it
    again later, for another database or after the database restarted)."""
    from tortoise import Tortoise
    from tortoise.context import TortoiseContext

    async with TortoiseContext():
        await Tortoise.init(config=db.config_for(settings))
        try:
            yield
        finally:
            await Tortoise.close_connections()


def prepare_areas() -> None:
    """Every area's permission rules and hooks, as `opsuite serve` has them: seeding through
    the services in a bench's own process needs them too."""
    from opsuite.app import register_areas

    register_areas()


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time these processes have used so far (/proc/<pid>/stat utime and
    stime, in clock ticks); a process that has gone counts nothing."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            # The command name (field 2) may hold spaces; count fields after its ")".
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def serving_pids(server: Server) -> list[int]:
    """The processes that answer requests: the uvicorn workers, or the server itself when it
    runs one worker in its own process."""
    return worker_pids(server.pid) or [server.pid]
