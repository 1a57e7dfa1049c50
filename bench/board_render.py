"""How the board page scales: render a board of 10 tasks and one of 1,000 (each task
assigned, labelled, with a checklist item and a comment) through the real app, count the SQL
statements and compare the render times, in interleaved rounds (median of the rounds' ratios).

The baseline is the 10-task board in the same run: the 1,000-task board should take at most
3 times as long (its long columns show their first cards), in the same number of queries.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import httpx
from _common import arguments, bench_settings, fresh_database, run
from tortoise import connections

from opsuite import db
from opsuite.app import create_app
from opsuite.auth.models import Role
from opsuite.auth.passwords import use_fast_hashing
from opsuite.auth.service import start_session
from opsuite.tasks.models import Column
from opsuite.tasks.queries import COLUMN_CARDS
from tests.factories.auth import make_user
from tests.factories.tasks import bulk_tasks, make_board

ROUNDS = 21
SIZES = (10, 1000)


class Counter:
    count = 0


def count_queries() -> Counter:
    counter = Counter()
    client_class = type(connections.get("default"))
    for name in ("execute_query", "execute_query_dict", "execute_insert"):
        original = getattr(client_class, name)

        def counting(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            counter.count += 1
            return _original(self, *args, **kwargs)

        setattr(client_class, name, counting)
    return counter


async def main() -> None:
    args = arguments(__doc__ or "")
    settings = bench_settings(args.database_url)
    use_fast_hashing()
    await fresh_database(settings)
    try:
        manager = await make_user(Role.MANAGER, email="bench-manager@example.org")
        helper = await make_user(Role.STAFF, email="bench-helper@example.org")
        boards = {}
        for size in SIZES:
            board = await make_board(manager=manager, members=[helper], name=f"{size} tasks")
            await bulk_tasks(board, size, assignee=helper, label_name="field")
            boards[size] = board
        columns = len(await Column.filter(board_id=boards[SIZES[0]].id))
        shown_at_most = COLUMN_CARDS * columns  # long columns show their first cards
        session = await start_session(manager, settings=settings)
        app = create_app(settings)
        counter = count_queries()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            client.cookies.set("opsuite_session", session.key)
            timings: dict[int, list[float]] = {size: [] for size in SIZES}
            queries: dict[int, int] = {}
            for board in boards.values():
                await client.get(f"/boards/{board.id}")  # warm up templates and caches
            # Interleaved rounds (small, big, small, big...): a busy machine slows both alike,
            # and the ratio is taken within each round.
            for _ in range(ROUNDS):
                for size, board in boards.items():
                    counter.count = 0
                    started = time.perf_counter()
                    response = await client.get(f"/boards/{board.id}")
                    timings[size].append(time.perf_counter() - started)
                    queries[size] = counter.count
                    assert response.status_code == 200, response.status_code
                    shown = response.text.count('class="card"')
                    assert shown == min(size, shown_at_most), (size, shown)
    finally:
        await db.disconnect()

    small, big = SIZES
    ratio = statistics.median(b / a for a, b in zip(timings[small], timings[big], strict=True))
    print(f"{'board':<12}{'queries':>9}{'median ms':>11}")
    for size in SIZES:
        print(f"{size:<12}{queries[size]:>9}{statistics.median(timings[size]) * 1000:>11.1f}")
    # Goal (#18): the 1,000-task board renders in at most 3x the time of the 10-task one.
    print(f"RESULT queries_10={queries[small]} queries_1000={queries[big]} time_ratio={ratio:.2f}")


if __name__ == "__main__":
    run(main)
