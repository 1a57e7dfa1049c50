"""`opsuite serve` as an operator runs it: a real process on a real port, with clients that
behave like real ones (phones on a train drop downloads halfway)."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import wait_until_healthy
from tests.smtp import free_port
from tests.test_cli import Cli, make_cli

STARTUP_SECONDS = 30.0


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    cli: Cli = make_cli(tmp_path / "site")
    assert cli.run("migrate").returncode == 0
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "opsuite.cli", "serve", "--port", str(port)],
            cwd=cli.folder,
            env=cli.env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(process, url, log, seconds=STARTUP_SECONDS)
        yield process, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def drop_download(port: int, path: str) -> None:
    """Ask for a large answer, read its first bytes, then reset the connection, as a phone
    that loses its signal does. A small receive window keeps the server mid-answer."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        sock.recv(1024)
        # Half-close first (the server's side moves to CLOSE_WAIT), then close with unread data,
        # which resets the connection: the server's next write then fails with EPIPE, which is
        # SIGPIPE for a process that has not ignored it.
        sock.shutdown(socket.SHUT_WR)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_serve_survives_fifty_dropped_downloads(served):
    process, url = served
    port = int(url.rsplit(":", 1)[1])
    size = len(httpx.get(f"{url}/api/v1/openapi.json").content)
    assert size > 100_000  # large enough to be cut off mid-answer
    for _ in range(50):
        try:
            drop_download(port, "/api/v1/openapi.json")
        except OSError:
            break  # the server went away: the assertion below says how
    assert process.poll() is None, f"the server died with {process.returncode}"
    assert httpx.get(f"{url}/healthz", timeout=5.0).status_code == 200
