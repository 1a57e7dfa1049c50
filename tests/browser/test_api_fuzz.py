"""Schemathesis fuzzes every operation in /api/v1/openapi.json against the real server, as
every role: no server errors, and every answer matches the documented schema, also when its
strings carry NUL and control characters and its integers are past 2**63 (fuzz_hooks.py).
(It lives beside the browser tests because it shares their live uvicorn server.)"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from opsuite.auth.service import create_api_token
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team

pytestmark = pytest.mark.browser

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
REPO = Path(__file__).resolve().parents[2]
EXAMPLES = "3"  # per operation and phase: bounded, so CI stays quick
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
# Weaker roles first: the admin's run may deactivate people it finds.
ROLES = ("volunteer", "staff", "manager", "admin")


# Hostile integers and control characters in every part (tests/browser/fuzz_hooks.py).
FUZZ_ENV = {
    **os.environ,
    "SCHEMATHESIS_HOOKS": "tests.browser.fuzz_hooks",
    "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")])),
}


def _failures(output: str) -> str:
    """The FAILURES section of schemathesis' report (the rest is progress and warnings)."""
    start = output.find("FAILURES")
    end = output.find("WARNINGS", start) if start >= 0 else -1
    return output[start : end if end > 0 else start + 8000][:8000] if start >= 0 else output[-4000:]


async def test_the_fuzzed_api_never_fails_and_keeps_to_its_schema(live_server, tmp_path):
    tokens: dict[str, str | None] = {"anonymous": None}
    for role in ROLES:
        person = await make_user(role)
        tokens[role] = (await create_api_token(person, "fuzzing")).token
    manager = await make_user("manager")
    await make_team(manager=manager)
    await make_program(manager=manager)

    failures = []
    for role, token in tokens.items():
        command = [
            str(SCHEMATHESIS),
            "run",
            f"{live_server}/api/v1/openapi.json",
            "-n",
            EXAMPLES,
            "-c",
            CHECKS,
            "--seed",
            "20261126",
            "--no-color",
            "--request-timeout",
            "20",
            "--generation-allow-x00",
            "true",
            "--generation-codec",
            "utf-8",
        ]
        if token:
            command += ["-H", f"Authorization: Bearer {token}"]
        result = await asyncio.to_thread(
            subprocess.run,
            command,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=tmp_path,  # schemathesis keeps its example database in the working directory
            env=FUZZ_ENV,
        )
        if result.returncode != 0:
            failures.append(
                f"--- as {role} (exit {result.returncode}):\n{_failures(result.stdout)}"
            )
    assert not failures, "\n".join(failures)
