"""Import 50,000 generated people from a CSV file through the same service as the import page
and `opsuite import people`, against a baseline that bulk-inserts the same rows with no checks.

Run: python bench/import_people.py [--database-url URL] [--rows N]
"""

from __future__ import annotations

import csv
import resource
import tempfile
import time
from pathlib import Path

from _common import bench_settings, fresh_database, run

from opsuite import db
from opsuite.auth.models import Role, User
from opsuite.reports.service.imports import Mode, import_file

ZONES = ("Asia/Shanghai", "Europe/London", "America/New_York")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def write_people(path: Path, count: int, prefix: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["email", "name", "role", "timezone", "locale", "skills"])
        for n in range(count):
            writer.writerow(
                [
                    f"{prefix}{n}@example.org",
                    f"志愿者 Volunteer {n}",
                    "volunteer" if n % 10 else "staff",
                    ZONES[n % 3],
                    "zh_Hans" if n % 2 else "en",
                    "driving;first aid" if n % 7 == 0 else "",
                ]
            )


async def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="opsuite-import-"))
    url = args.database_url or f"sqlite://{folder / 'bench.sqlite3'}"
    settings = bench_settings(url)
    await fresh_database(settings)
    try:
        admin = await User.create(
            email="admin@example.org", name="Admin", role=Role.ADMIN, created_at=_now()
        )
        source = folder / "people.csv"
        write_people(source, args.rows, "person")
        before = peak_mb()
        started = time.perf_counter()
        with source.open("rb") as raw:
            result = await import_file(admin, "people", raw, mode=Mode.ALL)
        ours = time.perf_counter() - started
        ours_peak = peak_mb()
        assert result.imported == args.rows, (result.imported, result.errors[:3])

        # Baseline: the same rows bulk-inserted with no checks, no audit, in one transaction.
        from tortoise.transactions import in_transaction

        started = time.perf_counter()
        async with in_transaction():
            batch: list[User] = []
            for n in range(args.rows):
                batch.append(
                    User(
                        email=f"bulk{n}@example.org",
                        name=f"Bulk {n}",
                        role=Role.VOLUNTEER,
                        timezone=ZONES[n % 3],
                        created_at=_now(),
                    )
                )
                if len(batch) == 1000:
                    await User.bulk_create(batch)
                    batch = []
            if batch:
                await User.bulk_create(batch)
        bare = time.perf_counter() - started
    finally:
        await db.disconnect()

    engine = "postgres" if url.startswith("postgres") else "sqlite"
    print(f"{'what (' + engine + ')':<34}{'seconds':>10}{'rows/s':>10}")
    print(f"{'bulk_create, no checks':<34}{bare:>10.2f}{args.rows / bare:>10.0f}")
    print(f"{'import service (checked, audited)':<34}{ours:>10.2f}{args.rows / ours:>10.0f}")
    print(f"peak RSS before import {before:.0f} MB, after {ours_peak:.0f} MB")
    print(
        f"RESULT rows_per_s={args.rows / ours:.0f} peak_mb={ours_peak:.0f} "
        f"growth_mb={ours_peak - before:.0f} ratio_to_bulk={bare / ours:.2f}"
    )


def _now():  # type: ignore[no-untyped-def]
    from opsuite import clock

    return clock.now()


if __name__ == "__main__":
    run(main)
