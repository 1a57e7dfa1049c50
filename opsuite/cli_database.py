"""What every `opsuite` command that touches the database shares: one error type, a URL safe to
print, a database that is down or unmigrated reported in one line."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.exceptions import DBConnectionError, OperationalError
from tortoise.migrations.executor import MigrationExecutor

from opsuite import db
from opsuite.settings import Settings, database_url

# What a database that is down, unreachable or refusing us raises through Tortoise and asyncpg.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    DBConnectionError,
    OperationalError,
    sqlite3.Error,
)
try:
    import asyncpg

    DATABASE_ERRORS += (asyncpg.PostgresError, asyncpg.InterfaceError)
except ImportError:  # pragma: no cover - asyncpg is a dependency, but SQLite needs none
    pass


class CommandError(Exception):
    """An expected failure: printed as one line, exit status 1."""


def safe_url(settings: Settings) -> str:
    """The database URL without its password, for messages."""
    url = database_url(settings)
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}@{parts.hostname}" if parts.username else f"{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


@asynccontextmanager
async def database_errors(settings: Settings) -> AsyncIterator[None]:
    url = database_url(settings)
    if url.startswith("sqlite://") and ":memory:" not in url:
        # aiosqlite reports a missing folder to an abandoned future, and the connect then hangs.
        folder = Path(url.removeprefix("sqlite://")).parent
        if not folder.is_dir():
            raise CommandError(f"cannot use the database {url}: folder {folder} does not exist")
    try:
        yield
    except DATABASE_ERRORS as exc:
        reason = str(exc).strip() or type(exc).__name__
        raise CommandError(f"cannot use the database {safe_url(settings)}: {reason}") from exc


async def pending_migrations(settings: Settings) -> list[str]:
    """Names of migrations not yet applied (connects in its own Tortoise context)."""
    config = db.config_for(settings)
    names: list[str] = []
    async with database_errors(settings), TortoiseContext():
        await Tortoise.init(config=config, init_connections=False)
        for label, app_config in config["apps"].items():
            connection = get_connection(app_config.get("default_connection", "default"))
            # The plan alone treats an unreachable database as an empty one.
            await connection.execute_query("SELECT 1")
            executor = MigrationExecutor(connection, {label: app_config})
            steps = await executor.plan()
            names += [f"{s.migration.app_label}.{s.migration.name}" for s in steps]
    return names


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[None]:
    """Connect for a command that needs a migrated database; always disconnects."""
    pending = await pending_migrations(settings)
    if pending:
        raise CommandError(
            f"database {safe_url(settings)} needs {len(pending)} migration(s); "
            "run `opsuite migrate` first"
        )
    try:
        async with database_errors(settings):
            await db.connect(settings)
            await db.ping()
        yield
    finally:
        await db.disconnect()
