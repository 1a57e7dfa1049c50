"""Expected failures are answers, not incidents (issue #19): while the database is away each
request is one warning line and a 503 on a connection that stays open; a real bug is one
traceback with the request id, which the page shows too."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from starlette.requests import Request
from starlette.routing import Route
from tortoise.exceptions import DBConnectionError

from opsuite.app import create_app
from opsuite.settings import database_url
from tests.smtp import free_port

REPO = Path(__file__).resolve().parents[2]


def app_with(settings, path: str, error: Exception):
    async def failing(request: Request):
        raise error

    app = create_app(settings)
    app.router.routes.append(Route(path, failing))
    return app


async def test_an_outage_is_answered_by_the_app_not_raised_to_the_server(settings, caplog):
    # The server sees only what the app raises: an answered 503 must not be raised as well,
    # or the server logs a traceback and closes the connection (raise_app_exceptions=True).
    app = app_with(settings, "/lost", DBConnectionError("connection refused"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        with caplog.at_level(logging.INFO):
            responses = [await client.get("/lost") for _ in range(3)]
    assert [r.status_code for r in responses] == [503, 503, 503]
    assert all(r.headers["retry-after"] == "60" for r in responses)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 3
    assert all(r.levelno == logging.WARNING and not r.exc_info for r in warnings)


async def test_a_real_bug_is_one_traceback_with_the_request_id_shown_on_the_page(settings, caplog):
    app = app_with(settings, "/boom", RuntimeError("a real bug"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        with caplog.at_level(logging.INFO):
            page = await client.get("/boom", headers={"x-request-id": "req-4711"})
    assert page.status_code == 500
    assert "req-4711" in page.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info
    assert "a real bug" in str(errors[0].exc_info[1])
    assert "req-4711" in errors[0].getMessage()


class Cuttable:
    """A TCP relay to PostgreSQL that can be cut, as when the database host goes away."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.writers: list[asyncio.StreamWriter] = []
        self.server: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, up_writer]

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.close()
        self.writers.clear()
        await asyncio.sleep(0)


async def raw_get(reader, writer, path: str) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on an open connection; the status, headers and body."""
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ops_not-a-real-token\r\n"
        "Accept: application/json\r\n\r\n".encode()
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {
        k.lower(): v.strip() for k, _sep, v in (line.partition(":") for line in lines if line)
    }
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers, body


@pytest.fixture
async def server_behind_a_cuttable_database(
    database, settings, instance_dir, tmp_path
) -> AsyncIterator[tuple[str, Cuttable, Path]]:
    url = urlsplit(database_url(settings))
    relay = Cuttable((url.hostname or "127.0.0.1", url.port or 5432))
    await relay.start()
    netloc = url.netloc.rsplit("@", 1)[0] + f"@127.0.0.1:{relay.port}"
    port = free_port()
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")}
    env.update(
        OPSUITE_DATABASE_URL=urlunsplit(url._replace(netloc=netloc)),
        OPSUITE_SERVER_INSTANCE_PATH=str(instance_dir),
        OPSUITE_SECURITY_SECRET_KEY="b" * 48,
        OPSUITE_SCHEDULER_ENABLED="false",
        OPSUITE_SERVER_LOG_FORMAT="json",
        OPSUITE_SETTINGS_FILE=str(tmp_path / "no-settings.toml"),
    )
    command = [sys.executable, "-m", "opsuite.cli", "serve", "--port", str(port), "--workers", "1"]
    with log.open("wb") as output:
        # Our own interpreter and arguments (S603), started once before any request (ASYNC220).
        process = subprocess.Popen(  # noqa: S603, ASYNC220
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        async with httpx.AsyncClient(timeout=1.0) as client:
            for _attempt in range(300):
                if process.poll() is not None:
                    raise RuntimeError(log.read_text())
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)  # readiness poll interval, not synchronisation
        yield f"127.0.0.1:{port}", relay, log
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait, 10)
        with contextlib.suppress(RuntimeError):
            await relay.cut()


@pytest.mark.postgres
async def test_a_database_outage_is_one_warning_per_request_on_a_kept_open_connection(
    server_behind_a_cuttable_database,
):
    address, relay, log = server_behind_a_cuttable_database
    host, port = address.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    before, _headers, _body = await raw_get(reader, writer, "/api/v1/me")
    assert before == 401  # the token was looked up: the database answered

    await relay.cut()
    answers = [await raw_get(reader, writer, "/api/v1/me") for _ in range(3)]
    writer.close()

    for status, headers, body in answers:
        assert status == 503
        assert headers["retry-after"] == "60"
        assert headers.get("connection", "").lower() != "close"
        assert "try again" in json.loads(body)["error"]
    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    loud = [r for r in records if r["level"] in ("warning", "error", "critical")]
    ours = [r for r in loud if r["logger"] == "opsuite.web"]
    assert len(ours) == 3, log.read_text()
    assert all("database unavailable" in r["msg"] for r in ours)
    # The driver's pool may say it is reconnecting; a line, not a traceback, like ours.
    assert all(r["level"] == "warning" and "exc" not in r for r in loud), log.read_text()
    assert "Traceback" not in log.read_text()
