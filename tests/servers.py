"""Real servers started by the tests (`opsuite serve`, uvicorn): wait until one answers."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx


def wait_until_healthy(
    process: subprocess.Popen[bytes], url: str, log: Path, *, seconds: float = 30.0
) -> None:
    """Return once ``url``/healthz answers 200; fail with the server's log if it exits first
    or does not answer within ``seconds`` (a busy machine starts servers slowly)."""
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the test server exited early:\n{log.read_text()}")
            try:
                if client.get(f"{url}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)  # readiness poll interval, not synchronisation
    raise RuntimeError(f"the test server did not answer /healthz in time:\n{log.read_text()}")
