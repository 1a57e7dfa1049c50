"""`opsuite backup` and `opsuite restore` across engines, as an operator moving from the embedded
SQLite database to PostgreSQL (and back) would run them: the demo organisation, after its
calendar feeds have been served, goes SQLite -> PostgreSQL -> SQLite and comes back row for row,
still serving the same feed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import TEST_DATABASE_URL
from tests.test_cli import Cli, make_cli

SERVE_FEED = """
import asyncio, sys
import httpx
from opsuite import db
from opsuite.app import create_app
from opsuite.auth.models import User
from opsuite.feeds.models import FeedKind
from opsuite.feeds.service import create_feed
from opsuite.settings import load_settings

async def serve(token):
    settings = load_settings()
    await db.connect(settings)
    try:
        if not token:
            manager = await User.get(email="manager@demo.opsuite.org")
            token = (await create_feed(manager, FeedKind.PERSON)).token
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            answer = await client.get(f"/feeds/{token}.ics")
    finally:
        await db.disconnect()
    print(token, answer.status_code, answer.text.count("BEGIN:VEVENT"))

asyncio.run(serve(sys.argv[1] if len(sys.argv) > 1 else ""))
"""


def _server_url(name: str) -> str:
    return TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def postgres_site(tmp_path: Path):
    """A site of its own on a scratch PostgreSQL database (never the shared test database)."""
    name = f"opsuite_backup_{uuid.uuid4().hex[:10]}"
    admin = _server_url("postgres").replace("postgres://", "postgresql://", 1)

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    site = make_cli(tmp_path / "postgres-site")
    site.env["OPSUITE_DATABASE_URL"] = _server_url(name)
    try:
        yield site
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def tables_of(backup: Path) -> dict[str, list[list[object]]]:
    """The backup file as {table: rows}, for comparing two backups by content."""
    tables: dict[str, list[list[object]]] = {}
    current: list[list[object]] = []
    for line in backup.read_text(encoding="utf-8").splitlines()[1:]:
        item = json.loads(line)
        if isinstance(item, dict):
            current = tables.setdefault(item["table"], [])
        else:
            current.append(item)
    return tables


@pytest.mark.postgres
def test_demo_with_served_feeds_round_trips_sqlite_postgres_sqlite(tmp_path, postgres_site):
    first = make_cli(tmp_path / "sqlite-site")
    ok(first.run("migrate"))
    ok(first.run("demo"))
    token, status, events = ok(first.python(SERVE_FEED)).split()
    assert status == "200"
    assert int(events) > 0
    assert first.row_counts()["feed_caches"] >= 1  # the bytes a backup once choked on

    from_sqlite = tmp_path / "from-sqlite.jsonl"
    ok(first.run("backup", str(from_sqlite)))
    ok(postgres_site.run("migrate"))
    ok(postgres_site.run("restore", str(from_sqlite)))
    from_postgres = tmp_path / "from-postgres.jsonl"
    ok(postgres_site.run("backup", str(from_postgres)))

    last: Cli = make_cli(tmp_path / "sqlite-again")
    ok(last.run("migrate"))
    ok(last.run("restore", str(from_postgres)))
    assert last.row_counts() == first.row_counts()

    original = tables_of(from_sqlite)
    for table, rows in tables_of(from_postgres).items():
        assert rows == original[table], f"{table} changed on its way through PostgreSQL"
    for site in (postgres_site, last):
        again = ok(site.python(SERVE_FEED, token)).split()
        assert again[1:] == [status, events]


def test_a_failed_backup_leaves_no_file_behind(tmp_path):
    site = make_cli(tmp_path / "site")
    target = tmp_path / "backup.jsonl"
    site.env["OPSUITE_DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    result = site.run("backup", str(target))
    assert result.returncode == 1
    assert not target.exists()
    assert not list(tmp_path.glob(".backup.jsonl*"))
