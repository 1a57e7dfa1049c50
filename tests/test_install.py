"""opsuite installs and runs as an operator runs it: from a wheel, with several workers, under
systemd, through an upgrade. These tests start real `opsuite` processes on free ports, each with
its own SQLite database in a temporary folder outside the repository."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import CSRF_RE
from tests.smtp import free_port

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60
# The full wheel round trip (build, fresh venv, install the app's locked dependencies) takes
# a minute or two, so the suite runs it only when asked; .ci/run's "wheel" step asks.
RUN_WHEEL = os.environ.get("OPSUITE_TEST_WHEEL") == "1"
# Every test here runs its own servers on their own SQLite files, whatever the suite's database.
pytestmark = pytest.mark.skipif(
    os.environ.get("OPSUITE_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="runs its own servers on SQLite; the SQLite run of the suite covers it",
)


def clean_env(instance: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh installation: no OPSUITE_* or metrics folder of ours, no
    settings file, data in ``instance``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPSUITE_", "PROMETHEUS_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        OPSUITE_SERVER_INSTANCE_PATH=str(instance),
        OPSUITE_SETTINGS_FILE=str(instance.parent / "no-settings.toml"),
        OPSUITE_SCHEDULER_ENABLED="false",
        **extra,
    )
    return env


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(  # noqa: S603 - our own programs and arguments
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@contextmanager
def serving(
    opsuite: Path, cwd: Path, env: dict[str, str], *args: str, started: int = 1
) -> Iterator[str]:
    """`opsuite serve` on a free port until the block ends; yields its base URL once
    ``started`` workers have said "Application startup complete"."""
    port = free_port()
    log = cwd / f"serve-{port}.log"
    command = [str(opsuite), "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own program and arguments
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while log.read_text().count("Application startup complete") < started:
            assert process.poll() is None, f"opsuite serve exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"opsuite serve did not start:\n{log.read_text()}"
            time.sleep(0.1)  # start-up poll interval, not synchronisation
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def log_in(client: httpx.Client, email: str, password: str) -> None:
    page = client.get("/login")
    match = CSRF_RE.search(page.text)
    assert match, page.text
    answer = client.post(
        "/login", data={"csrf_token": match.group(1), "email": email, "password": password}
    )
    assert answer.status_code == 303, answer.text


def build_wheel(out: Path) -> Path:
    run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(REPO)],
        cwd=REPO,
        env=dict(os.environ),
    )
    [wheel] = out.glob("opsuite-*.whl")
    return wheel


def test_the_wheel_carries_templates_and_migrations_inside_the_package(tmp_path):
    wheel = zipfile.ZipFile(build_wheel(tmp_path))
    names = set(wheel.namelist())
    for inside in (
        "opsuite/templates/base.html",
        "opsuite/templates/auth/login.html",
        "opsuite/templates/help/index.html",
        "opsuite/templates/email/password_reset/body.html",
        "opsuite/migrations/__init__.py",
        "opsuite/migrations/0001_initial.py",
        "opsuite/static/site.css",
        "opsuite/locale/zh_Hans/LC_MESSAGES/messages.po",
    ):
        assert inside in names, inside
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"opsuite", "opsuite-0.1.0.dist-info"}, "only the opsuite package is installed"
    metadata = wheel.read("opsuite-0.1.0.dist-info/METADATA")
    assert b"License-Expression: AGPL-3.0-or-later" in metadata


@pytest.mark.skipif(not RUN_WHEEL, reason="set OPSUITE_TEST_WHEEL=1 (.ci/run's wheel step does)")
def test_a_wheel_installed_without_dev_extras_serves_login_help_and_the_dashboard(tmp_path):
    wheel = build_wheel(tmp_path / "dist")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=dict(os.environ))
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*pip, "-c", str(REPO / "requirements" / "app.txt"), str(wheel)], tmp_path, {**os.environ})
    opsuite = venv / "bin" / "opsuite"
    site = tmp_path / "site"  # outside the repository: nothing can be read from the checkout
    site.mkdir()
    env = clean_env(site / "instance")
    where = run(
        [str(venv / "bin" / "python"), "-c", "import opsuite; print(opsuite.__file__)"], site, env
    )
    assert where.startswith(str(venv)), where
    dev_tool = subprocess.run(  # noqa: S603
        [str(venv / "bin" / "python"), "-c", "import pytest"], cwd=site, env=env, check=False
    )
    assert dev_tool.returncode != 0, "dev extras were installed"

    assert "Applied models.0001_initial" in run([str(opsuite), "migrate"], site, env)
    assert "Loaded the demo organisation" in run([str(opsuite), "demo"], site, env)
    checked = run([str(opsuite), "check"], site, env)
    assert "FAIL" not in checked
    assert "migration files: " in checked
    assert "opsuite.migrations" in checked
    with serving(opsuite, site, env) as url, httpx.Client(base_url=url, timeout=10) as client:
        assert client.get("/login").status_code == 200
        help_page = client.get("/help")
        assert help_page.status_code == 200, help_page.text
        assert client.get("/static/site.css").status_code == 200
        log_in(client, "admin@demo.opsuite.org", "opsuite-demo")
        dashboard = client.get("/")
        assert dashboard.status_code == 200, dashboard.text
        assert "陈静" in dashboard.text

    # An install that lost its templates fails `opsuite check` (it used to say all was well).
    [package] = (venv / "lib").glob("python3*/site-packages/opsuite")
    shutil.rmtree(package / "templates")
    broken = subprocess.run(  # noqa: S603
        [str(opsuite), "check"], cwd=site, env=env, capture_output=True, text=True, check=False
    )
    assert broken.returncode == 1
    assert "FAIL  templates: ResourceMissing: opsuite is installed without its templates/" in (
        broken.stdout
    )


def request_count(text: str, route: str) -> float:
    """The value of opsuite_http_requests_total for GET ``route`` answered 200 (Prometheus
    does not fix the order of labels, and neither does this)."""
    total = 0.0
    for line in text.splitlines():
        series, _, value = line.rpartition(" ")
        if series.startswith("opsuite_http_requests_total{"):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', series))
            if labels == {"route": route, "method": "GET", "status": "200"}:
                total += float(value)
    return total


def test_metrics_count_every_request_across_two_workers(tmp_path):
    opsuite = VENV_BIN / "opsuite"
    env = clean_env(tmp_path / "instance")
    run([str(opsuite), "migrate"], tmp_path, env)
    sent = 40
    with serving(opsuite, tmp_path, env, "--workers", "2", started=2) as url:
        # A new connection for every request, so both workers answer some of them.
        for _ in range(sent):
            with httpx.Client(base_url=url, timeout=10) as client:
                assert client.get("/healthz").status_code == 200
        seen = []
        for _ in range(8):
            with httpx.Client(base_url=url, timeout=10) as client:
                scrape = client.get("/metrics")
                assert scrape.status_code == 200
                seen.append(request_count(scrape.text, "web:healthz"))
    assert seen == [sent] * 8


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
UNITS = sorted((REPO / "deploy" / "systemd").glob("*.service"))


def test_the_systemd_examples_run_serve_and_worker():
    commands = " ".join(unit.read_text() for unit in UNITS)
    assert "opsuite serve" in commands
    assert "opsuite worker" in commands


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_systemd_unit_examples_pass_systemd_analyze_verify(unit, tmp_path):
    # verify checks that ExecStart's program exists: point it at this venv's opsuite.
    text = unit.read_text().replace("/srv/opsuite/venv/bin/opsuite", str(VENV_BIN / "opsuite"))
    copy = tmp_path / unit.name
    copy.write_text(text)
    result = subprocess.run(  # noqa: S603
        [str(SYSTEMD_ANALYZE), "verify", "--man=no", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if copy.name in line or "opsuite" in line
    ]
    assert result.returncode == 0, result.stdout + result.stderr
    assert not problems, problems


MIGRATE_TO = """
import asyncio, sys
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate
from opsuite import db
from opsuite.settings import load_settings

async def main():
    async with TortoiseContext():
        await migrate(config=db.config_for(load_settings()), target=sys.argv[1])

asyncio.run(main())
"""


def add_admin_as_the_old_release_would(database: Path, email: str, password: str) -> None:
    """A row in users, written with SQL only (the current models know newer columns)."""
    from opsuite.auth.passwords import hash_password

    row: dict[str, object] = {}
    with sqlite3.connect(database) as conn:
        for _, name, kind, notnull, default, pk in conn.execute("PRAGMA table_info(users)"):
            if notnull and default is None and not pk:
                row[name] = 0 if kind.upper().startswith(("INT", "BOOL", "BIGINT")) else ""
        row.update(
            email=email,
            name="Old Release 旧版",
            password_hash=hash_password(password),
            role="admin",
            timezone="UTC",
            locale="en",
            skills="[]",
            is_active=1,
            created_at="2026-01-05 09:00:00+00:00",
        )
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        conn.execute(f"INSERT INTO users ({names}) VALUES ({marks})", list(row.values()))


def test_an_upgrade_as_the_operations_guide_says_keeps_the_data_and_serves(tmp_path):
    """docs/operations.md "Upgrades": back up, migrate, restart, check."""
    opsuite = VENV_BIN / "opsuite"
    instance = tmp_path / "instance"
    env = clean_env(instance)
    # The release before: every migration but the newest, and an admin in its database.
    names = sorted(p.stem for p in (REPO / "migrations").glob("0*.py"))
    instance.mkdir()
    run([sys.executable, "-c", MIGRATE_TO, f"models.{names[-2]}"], tmp_path, env)
    database = instance / "opsuite.sqlite3"
    add_admin_as_the_old_release_would(database, "old.admin@example.org", "a long password 1")

    # 1. The new release refuses to serve until migrated, and says what to run.
    refused = subprocess.run(  # noqa: S603
        [str(opsuite), "serve"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 1
    assert "run `opsuite migrate` first" in refused.stderr
    # 2. Back up (the server is stopped, so a copy of the SQLite file is a good backup).
    backup = tmp_path / "before-upgrade.sqlite3"
    with sqlite3.connect(database) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    # 3. Migrate, 4. restart, 5. check.
    assert f"Applied models.{names[-1]}" in run([str(opsuite), "migrate"], tmp_path, env)
    with serving(opsuite, tmp_path, env) as url, httpx.Client(base_url=url, timeout=10) as client:
        assert client.get("/readyz").status_code == 200
        log_in(client, "old.admin@example.org", "a long password 1")
        home = client.get("/")
        assert home.status_code == 200
        assert "Old Release 旧版" in home.text
    assert "FAIL" not in run([str(opsuite), "check"], tmp_path, env)
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT email FROM users").fetchall() == [("old.admin@example.org",)]
