"""A dispatcher in a process of its own, for the fault test that kills one mid-send:
``python -m tests.notify.dispatch_worker <instance dir> <smtp port>`` sends what is due to
127.0.0.1:<smtp port> from the test database (OPSUITE_TEST_DATABASE_URL, or the SQLite file
in the instance dir), on the real clock, and prints the outcome when it ends."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from opsuite import db
from opsuite.notify.service import dispatch_due
from tests.conftest import make_settings


async def main(instance_dir: Path, port: int) -> None:
    settings = make_settings(instance_dir, port)
    await db.connect(settings)
    try:
        print(await dispatch_due(settings), flush=True)
    finally:
        await db.disconnect()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
