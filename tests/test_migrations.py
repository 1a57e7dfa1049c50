"""The committed migrations describe the models exactly (a model change without its
migration fails here), and they build the schema the suite runs on (see conftest)."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from opsuite import db


async def test_models_and_migrations_agree(settings):
    config = db.config_for(settings)
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])
    pending = await detector.changes()
    described = [
        op.describe() if hasattr(op, "describe") else repr(op)
        for writer in pending
        for op in writer.operations
    ]
    assert pending == [], (
        "models changed without a migration; run `make migrations` and review the file: "
        f"{described}"
    )
