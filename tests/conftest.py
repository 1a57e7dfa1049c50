"""Test fixtures: one migrated database per run (SQLite, or PostgreSQL when
OPSUITE_TEST_DATABASE_URL is set), emptied before every test; a real SMTP server; a settable
clock; an in-process HTTP client."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.context import TortoiseContext

from opsuite import clock, db
from opsuite.app import create_app, register_areas
from opsuite.auth.passwords import use_fast_hashing
from opsuite.settings import Settings, build_settings, database_url
from tests.smtp import Inbox, start_smtp_server


def _per_worker(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (test_gw0, ...),
    created on first use; SQLite files already live in each worker's own temporary folder."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or not url.startswith(("postgres://", "postgresql://")):
        return url
    return f"{url}_{worker}"


TEST_DATABASE_URL = _per_worker(os.environ.get("OPSUITE_TEST_DATABASE_URL", ""))
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql://"))
use_fast_hashing()
register_areas()  # permission rules and hooks, also for tests that build no app


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set OPSUITE_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def smtp() -> Iterator[tuple[int, Inbox]]:
    controller, inbox = start_smtp_server()
    yield controller.port, inbox
    controller.stop()


def make_settings(instance_dir: Path, smtp_port: int | None = None, **sections: Any) -> Settings:
    values: dict[str, dict[str, Any]] = {
        "server": {"instance_path": str(instance_dir), "base_url": "http://testserver"},
        "database": {"url": TEST_DATABASE_URL},
        "scheduler": {"enabled": False},
        # The chat and webhook tests' receivers listen on 127.0.0.1.
        "integrations": {"allow_private_hosts": True},
        "security": {"secret_key": "t" * 40, "password_min_length": 10},
        "mail": {
            "host": "127.0.0.1" if smtp_port else "",
            "port": smtp_port or 25,
            "security": "none",
            "from_address": "opsuite <noreply@example.org>",
        },
    }
    for section, overrides in sections.items():
        values.setdefault(section, {}).update(overrides)
    return build_settings(values, environ={}, source="tests")


@pytest.fixture(scope="session")
def settings(instance_dir: Path, smtp: tuple[int, Inbox]) -> Settings:
    return make_settings(instance_dir, smtp[0])


async def _create_postgres_database(url: str) -> None:
    import asyncpg

    server, name = url.rsplit("/", 1)
    admin = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def _reset_postgres(url: str) -> None:
    await _create_postgres_database(url)
    async with TortoiseContext():
        await Tortoise.init(config=db.tortoise_config(url))
        conn = connections.get("default")
        await conn.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[list[str]]:
    """Build the schema from our migrations, exactly as `opsuite migrate` does."""
    if ON_POSTGRES:
        await _reset_postgres(database_url(settings))
    await db.migrate(settings)
    await db.connect(settings)
    tables = db.table_names()
    yield tables
    await db.disconnect()


async def empty_tables(tables: list[str]) -> None:
    """Delete every row (and restart the ids) of ``tables``."""
    conn = connections.get("default")
    if ON_POSTGRES:
        await conn.execute_script(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE;"
        )
    else:
        await conn.execute_script(
            "PRAGMA foreign_keys=OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "DELETE FROM sqlite_sequence; PRAGMA foreign_keys=ON;"
        )


@pytest.fixture(autouse=True)
async def clean(database: list[str], smtp: tuple[int, Inbox]) -> AsyncIterator[None]:
    """Every test starts from empty tables, a running clock and an empty inbox."""
    clock.set_now(None)
    await empty_tables(database)
    smtp[1].clear()
    yield
    clock.set_now(None)


@pytest.fixture
def inbox(smtp: tuple[int, Inbox]) -> Inbox:
    return smtp[1]


@pytest.fixture
def frozen_clock() -> Iterator[datetime]:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    clock.set_now(start)
    yield start
    clock.set_now(None)


@pytest.fixture
def app(settings: Settings, database: list[str]) -> Any:
    return create_app(settings)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    """The CSRF token a browser would have after opening ``path``."""
    response = await client.get(path)
    match = CSRF_RE.search(response.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


async def post_form(
    client: httpx.AsyncClient, path: str, data: dict[str, Any], *, from_page: str | None = None
) -> httpx.Response:
    """Submit a form as a browser would: open the page, then post with its CSRF token."""
    token = await csrf_token(client, from_page or path)
    return await client.post(path, data={"csrf_token": token, **data})


async def log_in(client: httpx.AsyncClient, email: str, password: str = "correct horse 1") -> None:
    response = await post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> QueryCounter:
    """Counts the SQL statements the database client runs (to catch N+1 queries), inside
    transactions too (their wrapper inherits these methods from the client class)."""
    from tortoise import connections as tortoise_connections

    counter = QueryCounter()
    client_class = type(tortoise_connections.get("default"))
    for name in ("execute_query", "execute_query_dict", "execute_insert"):
        original = getattr(client_class, name)

        def counting(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            counter.count += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(client_class, name, counting)
    return counter
