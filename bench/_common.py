"""Shared set-up for benchmarks: a temporary database (SQLite unless --database-url), migrated
the same way `opsuite migrate` does it, and a local SMTP sink."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opsuite import db
from opsuite.settings import Settings, build_settings


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_settings(database_url: str, smtp_port: int | None = None, **extra: Any) -> Settings:
    instance = tempfile.mkdtemp(prefix="opsuite-bench-")
    values: dict[str, dict[str, Any]] = {
        "server": {"instance_path": instance},
        "database": {"url": database_url},
        "scheduler": {"enabled": False},
        "security": {"secret_key": "b" * 40},
        "mail": {
            "host": "127.0.0.1" if smtp_port else "",
            "port": smtp_port or 25,
            "security": "none",
            "from_address": "opsuite <noreply@example.org>",
        },
    }
    for section, overrides in extra.items():
        values.setdefault(section, {}).update(overrides)
    return build_settings(values, environ={}, source="bench")


async def fresh_database(settings: Settings) -> None:
    if settings.database.url.startswith("postgres"):
        from tortoise import Tortoise, connections
        from tortoise.context import TortoiseContext

        async with TortoiseContext():
            await Tortoise.init(config=db.config_for(settings))
            await connections.get("default").execute_script(
                "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
            )
    await db.migrate(settings)
    await db.connect(settings)


def run(main: Any) -> None:
    asyncio.run(main())
