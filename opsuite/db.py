"""Tortoise ORM configuration, start-up, migrations and small database helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext, set_global_context
from tortoise.migrations.api import migrate as tortoise_migrate

from opsuite import resources
from opsuite.settings import Settings, database_url

MODEL_MODULES = [
    "opsuite.auth.models",
    "opsuite.people.models",
    "opsuite.audit.models",
    "opsuite.notify.models",
    "opsuite.schedules.models",
    "opsuite.shifts.models",
    "opsuite.meetings.models",
    "opsuite.tasks.models",
    "opsuite.web.models",
    "opsuite.help.models",
    "opsuite.feeds.models",
    "opsuite.chat.models",
    "opsuite.hooks.models",
    "opsuite.applications.models",
    "opsuite.reports.models",
]


def tortoise_config(url: str, *, pool_max: int = 10) -> dict[str, Any]:
    if url.startswith("postgres"):
        connection: Any = {
            "engine": "tortoise.backends.asyncpg",
            "credentials": _pg_credentials(url, pool_max),
        }
    else:
        # WAL lets readers run beside the single writer; synchronous=NORMAL is the setting
        # SQLite recommends with WAL: a crash of opsuite loses nothing, and only a power cut
        # could roll back the last commits (a full fsync per commit made every write ~10x
        # slower).
        connection = {
            "engine": "tortoise.backends.sqlite",
            "credentials": {
                "file_path": url.removeprefix("sqlite://"),
                "journal_mode": "WAL",
                "synchronous": "NORMAL",
                "busy_timeout": 5000,
            },
        }
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": resources.migrations_module(),
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _pg_credentials(url: str, pool_max: int) -> dict[str, Any]:
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    return {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": unquote(parsed.username or "postgres"),
        "password": unquote(parsed.password or ""),
        "database": (parsed.path or "/opsuite").lstrip("/"),
        "minsize": 1,
        "maxsize": pool_max,
    }


def config_for(settings: Settings) -> dict[str, Any]:
    url = database_url(settings)
    if url.startswith("sqlite://"):
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
    return tortoise_config(url, pool_max=settings.database.pool_max)


def is_connected() -> bool:
    return Tortoise.is_inited()


async def connect(settings: Settings) -> None:
    """Open the ORM for this process (a no-op if a test already opened it).

    The context becomes the process-wide fallback, so tasks started outside this one (the
    server's lifespan and request tasks, the scheduler) see the same connections.
    """
    if is_connected():
        return
    context = await Tortoise.init(config=config_for(settings))
    set_global_context(context)


async def disconnect() -> None:
    if is_connected():
        await Tortoise.close_connections()


async def migrate(settings: Settings) -> None:
    """Apply every pending migration (creates the SQLite file when needed).

    Runs in its own Tortoise context so the connections it opens do not leak into the app's.
    """
    async with TortoiseContext():
        await tortoise_migrate(config=config_for(settings))


def is_postgres() -> bool:
    dialect: str = get_connection("default").capabilities.dialect
    return dialect == "postgres"


def db_time(value: datetime | None) -> datetime | str | None:
    """An instant as the engine takes it in plain SQL: SQLite stores instants as ISO text in
    UTC, as Tortoise writes them."""
    if value is None or is_postgres():
        return value
    return value.astimezone(UTC).isoformat(" ")


async def ping() -> None:
    await get_connection("default").execute_query("SELECT 1")


def table_names() -> list[str]:
    return [model._meta.db_table for model in Tortoise.apps.get_models_iterable()]
