"""The `opsuite` command, run as an operator would: in its own process, against its own SQLite
file (the test process already holds the shared test database), with a settings file and
environment made for each test."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from opsuite.cli import main
from tests.smtp import free_port

LOG_IN = """
import asyncio, sys
from opsuite import db
from opsuite.auth.service import authenticate
from opsuite.settings import load_settings

async def log_in():
    settings = load_settings()
    await db.connect(settings)
    try:
        user = await authenticate(sys.argv[1], sys.argv[2], ip="127.0.0.1", settings=settings)
        print(user.role, user.name)
    finally:
        await db.disconnect()

asyncio.run(log_in())
"""


@dataclass
class Cli:
    folder: Path
    env: dict[str, str]

    @property
    def database(self) -> Path:
        return self.folder / "instance" / "opsuite.sqlite3"

    def run(self, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "opsuite.cli", *args],
            cwd=self.folder,
            env={**self.env, **env},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def python(self, code: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-c", code, *args],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def row_counts(self) -> dict[str, int]:
        with sqlite3.connect(self.database) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def make_cli(folder: Path, smtp_port: int | None = None) -> Cli:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text('[server]\nenvironment = "development"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")}
    env.update(
        OPSUITE_SETTINGS_FILE=str(folder / "settings.toml"),
        OPSUITE_SERVER_INSTANCE_PATH=str(folder / "instance"),
        OPSUITE_DATABASE_URL=f"sqlite://{folder / 'instance' / 'opsuite.sqlite3'}",
        OPSUITE_SCHEDULER_ENABLED="false",
    )
    if smtp_port:
        env.update(
            OPSUITE_MAIL_HOST="127.0.0.1",
            OPSUITE_MAIL_PORT=str(smtp_port),
            OPSUITE_MAIL_SECURITY="none",
        )
    return Cli(folder, env)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, str]:
    """One database migrated by `opsuite migrate`, copied for every test that needs one."""
    cli = make_cli(tmp_path_factory.mktemp("template"))
    result = cli.run("migrate")
    assert result.returncode == 0, result.stderr
    return cli, result.stdout


@pytest.fixture
def cli(migrated: tuple[Cli, str], tmp_path: Path, smtp: tuple[int, object]) -> Cli:
    template, _output = migrated
    fresh = make_cli(tmp_path / "site", smtp[0])
    (fresh.folder / "instance").mkdir()
    shutil.copy(template.database, fresh.database)
    return fresh


async def test_bad_setting_exits_2_naming_the_variable(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("OPSUITE_SETTINGS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("OPSUITE_SERVER_PORT", "eighty")
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("opsuite: error: setting server.port")
    assert "OPSUITE_SERVER_PORT" in err
    assert "Traceback" not in err


async def test_unknown_key_in_settings_file_exits_2_naming_it(monkeypatch, capsys, tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[mail]\nhostname = "smtp.example.org"\n')
    monkeypatch.setenv("OPSUITE_SETTINGS_FILE", str(path))
    assert main(["migrate"]) == 2
    assert "unknown setting mail.hostname" in capsys.readouterr().err


async def test_migrate_builds_an_empty_database_then_is_up_to_date(migrated):
    template, first_output = migrated
    assert "Applied models.0001_initial" in first_output
    again = template.run("migrate")
    assert again.returncode == 0
    assert "is up to date" in again.stdout


async def test_demo_loads_the_organisation_once(cli):
    first = cli.run("demo")
    assert first.returncode == 0, first.stderr
    assert "Harbour Community Aid" in first.stdout
    counts = cli.row_counts()
    assert counts["teams"] == 3
    assert counts["programs"] == 3
    with sqlite3.connect(cli.database) as conn:
        zones = {z for (z,) in conn.execute("SELECT DISTINCT timezone FROM users")}
        roles = dict(conn.execute("SELECT role, COUNT(*) FROM users GROUP BY role").fetchall())
        readers = conn.execute("SELECT COUNT(*) FROM program_roles WHERE access = 'read'")
        assert readers.fetchone()[0] >= 1
    assert {"Asia/Shanghai", "Europe/London", "America/New_York"} <= zones
    assert roles["admin"] == 1
    assert roles["manager"] == 2
    assert roles["staff"] >= 5
    assert roles["volunteer"] >= 8

    second = cli.run("demo")
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout
    assert cli.row_counts() == counts


async def test_demo_login_works_with_the_documented_password(cli):
    assert cli.run("demo").returncode == 0
    result = cli.python(LOG_IN, "manager@demo.opsuite.org", "opsuite-demo")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("manager ")


async def test_createuser_then_log_in(cli):
    result = cli.run(
        "createuser",
        "--role=admin",
        "--email=Mei.Lin@Example.org",
        "--name=林美 Mei Lin",
        "--timezone=Asia/Shanghai",
        "--locale=zh_Hans",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert result.returncode == 0, result.stderr
    assert "mei.lin@example.org" in result.stdout
    login = cli.python(LOG_IN, "mei.lin@example.org", "a long enough password")
    assert login.returncode == 0, login.stderr
    assert login.stdout.strip() == "admin 林美 Mei Lin"


async def test_createuser_with_unknown_time_zone_exits_1_and_says_why(cli):
    result = cli.run(
        "createuser",
        "--role=staff",
        "--email=sam@example.org",
        "--name=Sam",
        "--timezone=Europe/Atlantis",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert result.returncode == 1
    assert "--timezone: Unknown time zone" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli.row_counts()["users"] == 0


async def test_check_passes_with_a_reachable_smtp_server(cli):
    result = cli.run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert "migrations: all applied" in result.stdout
    assert "mail: SMTP 127.0.0.1" in result.stdout


async def test_check_fails_on_an_unreachable_database_without_showing_its_password(cli):
    url = f"postgres://opsuite:s3cret-pw@127.0.0.1:{free_port()}/opsuite"
    result = cli.run("check", OPSUITE_DATABASE_URL=url)
    assert result.returncode == 1
    assert "FAIL  database: cannot use the database postgres://opsuite@127.0.0.1:" in result.stdout
    assert "s3cret-pw" not in result.stdout + result.stderr


async def test_sendtestmail_delivers_to_the_inbox(cli, inbox):
    result = cli.run("sendtestmail", "ops@example.org")
    assert result.returncode == 0, result.stderr
    [message] = inbox.to("ops@example.org")
    assert message.subject == "opsuite test message"


async def test_sendtestmail_reports_a_refused_address(cli, inbox):
    inbox.refuse_recipients.add("nobody@example.org")
    result = cli.run("sendtestmail", "nobody@example.org")
    assert result.returncode == 1
    assert result.stderr.startswith("opsuite: error: test mail not sent: recipient refused")
