"""Backup and restore of every table of every area, and a whole-organisation export.

A backup is JSON Lines: a header line, then for each table (in foreign-key order) a line
naming it and its columns, then one line per row (a JSON array). Every table is included, the
calendar feed cache too (its bytes as base64), so a restored database serves the same feeds
without a rebuild. Rows are read a batch at a
time and written as they come, so memory stays bounded. Restore goes through the Tortoise
models in the same order, into an empty migrated database (or one emptied with ``force``), and
moves PostgreSQL's id sequences past the restored ids.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from tortoise import Tortoise, connections, fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from opsuite import db
from opsuite.errors import Conflict, InvalidInput

FORMAT = "opsuite-backup"
VERSION = 1
BATCH = 1000


def models_in_order() -> list[type[Model]]:
    """Every model, each after the models its foreign keys point to."""
    models = sorted(Tortoise.apps.get_models_iterable(), key=lambda m: m._meta.db_table)
    done: list[type[Model]] = []
    seen: set[type[Model]] = set()

    def visit(model: type[Model]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name in (*model._meta.fk_fields, *model._meta.o2o_fields):
            target = model._meta.fields_map[name].related_model  # type: ignore[attr-defined]
            if target is not model:
                visit(target)
        done.append(model)

    for model in models:
        visit(model)
    return done


def _columns(model: type[Model]) -> list[str]:
    return list(model._meta.fields_db_projection)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decoder(model: type[Model], column: str) -> Any:
    field = model._meta.fields_map[column]
    if isinstance(field, fields.DatetimeField):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(field, fields.DateField):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(field, fields.DecimalField):
        return lambda v: None if v is None else Decimal(v)
    if isinstance(field, fields.BinaryField):
        return lambda v: None if v is None else base64.b64decode(v, validate=True)
    return lambda v: v


async def write_backup(out: IO[str]) -> dict[str, int]:
    """Write every table to ``out``; returns the row count per table."""
    counts: dict[str, int] = {}
    out.write(json.dumps({"format": FORMAT, "version": VERSION}) + "\n")
    for model in models_in_order():
        table, columns = model._meta.db_table, _columns(model)
        out.write(json.dumps({"table": table, "columns": columns}) + "\n")
        pk = model._meta.pk_attr
        counts[table] = 0
        offset = 0
        while True:
            rows = await model.all().order_by(pk).offset(offset).limit(BATCH).values_list(*columns)
            for row in rows:
                out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
            counts[table] += len(rows)
            offset += len(rows)
            if len(rows) < BATCH:
                break
    return counts


async def is_empty() -> bool:
    for model in models_in_order():
        if await model.all().exists():
            return False
    return True


async def wipe() -> None:
    """Delete every row of every table (children first)."""
    for model in reversed(models_in_order()):
        await model.all().delete()


def _lines(source: IO[str]) -> Iterator[Any]:
    for number, line in enumerate(source, start=1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"line {number} of the backup is not JSON") from exc


async def restore_backup(source: IO[str], *, force: bool = False) -> dict[str, int]:
    """Load a backup written by write_backup into this (migrated) database.

    Raises Conflict when the database holds data (unless ``force``: it is emptied first) and
    InvalidInput for a file that is not an opsuite backup."""
    lines = _lines(source)
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InvalidInput("this is not an opsuite backup file")
    by_table = {m._meta.db_table: m for m in models_in_order()}
    counts: dict[str, int] = {}
    async with in_transaction():
        if not await is_empty():
            if not force:
                raise Conflict(
                    "the database is not empty; restore into an empty one or use --force"
                )
            await wipe()
        model: type[Model] | None = None
        columns: list[str] = []
        decoders: list[Any] = []
        pending: list[Model] = []

        async def flush() -> None:
            if model is not None and pending:
                await model.bulk_create(pending)
                counts[model._meta.db_table] = counts.get(model._meta.db_table, 0) + len(pending)
                pending.clear()

        for item in lines:
            if isinstance(item, dict):
                await flush()
                if item.get("table") not in by_table:
                    raise InvalidInput(f"the backup has an unknown table {item.get('table')!r}")
                model = by_table[item["table"]]
                columns = list(item["columns"])
                unknown = set(columns) - set(model._meta.fields_map)
                if unknown:
                    raise InvalidInput(f"unknown columns {sorted(unknown)} in {item['table']}")
                decoders = [_decoder(model, c) for c in columns]
                counts.setdefault(model._meta.db_table, 0)
                continue
            if model is None:
                raise InvalidInput("a row comes before its table in the backup")
            try:
                values = {c: d(v) for c, d, v in zip(columns, decoders, item, strict=True)}
            except (ValueError, TypeError) as exc:  # binascii.Error is a ValueError
                table = model._meta.db_table
                raise InvalidInput(f"a row of {table} does not fit its columns") from exc
            pending.append(model(**values))
            if len(pending) >= BATCH:
                await flush()
        await flush()
    if db.is_postgres():
        await reset_sequences()
    return counts


async def reset_sequences() -> None:
    """Move each table's id sequence past its largest id (PostgreSQL)."""
    conn = connections.get("default")
    for model in models_in_order():
        pk = model._meta.fields_map[model._meta.pk_attr]
        if not isinstance(pk, fields.IntField | fields.BigIntField | fields.SmallIntField):
            continue
        table, column = model._meta.db_table, pk.source_field or model._meta.pk_attr
        # Table and column names come from our own models, never from input.
        sql = (
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "  # noqa: S608  # own names  # nosec B608
            f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{table}"'
        )
        await conn.execute_query(sql)
