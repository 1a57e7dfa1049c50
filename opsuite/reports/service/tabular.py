"""CSV and JSON writing shared by reports and exports: UTF-8 (optionally with a BOM so Excel
recognises it), and cells that a spreadsheet would run as a formula are escaped."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell as text a spreadsheet shows as typed: a leading ' before = + - @ tab or CR
    (OWASP's advice against CSV injection). Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Line:
    """A file-like that hands back what csv.writer wrote for one row."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def csv_lines(
    header: list[str], rows: Iterable[Iterable[Any]], *, bom: bool = False
) -> Iterable[str]:
    """CSV text, one line at a time (so a long export streams)."""
    line = _Line()
    writer = csv.writer(line.buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    yield (BOM if bom else "") + line.take()
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        yield line.take()


async def csv_stream(
    header: list[str], batches: AsyncIterator[list[list[Any]]], *, bom: bool = False
) -> AsyncIterator[bytes]:
    """CSV bytes for rows fetched a batch at a time."""
    line = _Line()
    writer = csv.writer(line.buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    yield ((BOM if bom else "") + line.take()).encode("utf-8")
    async for batch in batches:
        for row in batch:
            writer.writerow([safe_cell(cell) for cell in row])
        yield line.take().encode("utf-8")


def json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


async def json_array_stream(
    keys: list[str], batches: AsyncIterator[list[list[Any]]]
) -> AsyncIterator[bytes]:
    """A JSON array of objects, written a batch at a time."""
    yield b"["
    first = True
    async for batch in batches:
        parts = []
        for row in batch:
            item = {k: json_value(v) for k, v in zip(keys, row, strict=True)}
            parts.append(("" if first else ",") + json.dumps(item, ensure_ascii=False))
            first = False
        yield "".join(parts).encode("utf-8")
    yield b"]"
