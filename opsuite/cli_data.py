"""`opsuite import`, `export`, `backup` and `restore`: data in and out of the database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from opsuite.cli_database import CommandError, open_database
from opsuite.settings import Settings


def _progress_bar(total: int) -> Callable[[int], None]:
    """A progress bar on standard error (only on a terminal), for long imports."""

    def show(done: int) -> None:
        if not sys.stderr.isatty():
            return
        share = min(1.0, done / total) if total else 1.0
        bar = "#" * int(share * 30)
        print(f"\r[{bar:<30}] {done}/{total} rows", end="", file=sys.stderr, flush=True)

    return show


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from opsuite.errors import OpsuiteError
    from opsuite.reports.service.imports import Mode, import_file, operator

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no file {path}")
    with path.open("rb") as raw:
        total = max(
            0, sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b"")) - 1
        )
    mode = Mode.DRY_RUN if args.dry_run else Mode.ONLY_VALID if args.only_valid else Mode.ALL

    async def run(raw: IO[bytes]) -> Any:
        async with open_database(settings):
            try:
                actor = await operator()
                return await import_file(
                    actor, args.kind, raw, mode=mode, progress=_progress_bar(total)
                )
            except OpsuiteError as exc:
                raise CommandError(exc.message) from exc

    with path.open("rb") as raw:
        result = asyncio.run(run(raw))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for error in result.errors:
        column = f", column {error.column}" if error.column else ""
        print(f"line {error.line}{column}: {error.message}", file=sys.stderr)
    if result.error_count > len(result.errors):
        print(f"... and {result.error_count - len(result.errors)} more errors", file=sys.stderr)
    print(
        f"{result.rows} rows read ({result.encoding}), {result.valid} valid, "
        f"{result.error_count} errors, {result.imported} imported."
    )
    if result.has_errors and mode is Mode.ALL:
        print("Nothing was imported; fix the errors, or use --only-valid.")
    return 1 if result.has_errors and mode is not Mode.ONLY_VALID else 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from opsuite.reports.service.exports import DATASETS, export_csv, export_json

    async def to_csv(files: dict[str, IO[bytes]]) -> None:
        async with open_database(settings):
            for dataset in DATASETS.values():
                async for chunk in await export_csv(None, dataset, bom=args.bom):
                    files[dataset.name].write(chunk)

    async def to_json(out: IO[bytes]) -> None:
        async with open_database(settings):
            out.write(b"{")
            for index, dataset in enumerate(DATASETS.values()):
                out.write((("," if index else "") + f'"{dataset.name}":').encode())
                async for chunk in await export_json(None, dataset):
                    out.write(chunk)
            out.write(b"}\n")

    with ExitStack() as stack:
        if args.csv_dir:
            folder = Path(args.csv_dir)
            folder.mkdir(parents=True, exist_ok=True)
            files: dict[str, IO[bytes]] = {
                name: stack.enter_context((folder / f"{name}.csv").open("wb")) for name in DATASETS
            }
            asyncio.run(to_csv(files))
        elif args.file:
            asyncio.run(to_json(stack.enter_context(Path(args.file).open("wb"))))
        else:
            asyncio.run(to_json(sys.stdout.buffer))
    where = args.csv_dir or args.file
    if where:
        print(f"Exported the organisation to {where}.")
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from opsuite.reports.service.backup import write_backup

    async def run(out: IO[str]) -> dict[str, int]:
        async with open_database(settings):
            return await write_backup(out)

    # Written beside the target and renamed at the end, so a failed backup never leaves a
    # truncated file that looks like a good one.
    target = Path(args.file)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            counts = asyncio.run(run(out))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    print(f"Backed up {sum(counts.values())} rows of {len(counts)} tables to {args.file}.")
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from opsuite.errors import OpsuiteError
    from opsuite.reports.service.backup import restore_backup

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no file {path}")

    async def run(source: IO[str]) -> dict[str, int]:
        async with open_database(settings):
            try:
                return await restore_backup(source, force=args.force)
            except OpsuiteError as exc:
                raise CommandError(f"not restored: {exc.message}") from exc

    with path.open(encoding="utf-8") as source:
        counts = asyncio.run(run(source))
    print(f"Restored {sum(counts.values())} rows of {len(counts)} tables from {path}.")
    return 0
