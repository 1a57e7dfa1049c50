"""A realistic mix of people using opsuite at once, against real `opsuite serve` processes: one
with 1 worker and one with 2 workers on PostgreSQL, taking turns in interleaved rounds at the
same offered load (SQLite: 1 worker only).

    .venv/bin/python bench/load.py [--database-url postgres://postgres@127.0.0.1:5432/opsuite_load]
                                   [--seconds 60] [--users 50]

Each run starts from a fresh database (the one named in the URL is dropped and created again;
postgres, template0/1, test, lead and lead2 are refused), migrated with `opsuite migrate` and
seeded through the services. About 50 virtual users, each a loop bounded by time and count:

- volunteers (half): browse open shifts (GET /shifts, GET /api/v1/shifts), sign up and cancel
  through the API with their own bearer token;
- staff (a fifth): log in through /login (CSRF token and all), then load GET /schedule with the
  session cookie and GET /api/v1/people/{id}/intervals;
- calendar clients: poll their feed GET /feeds/{token}.ics (when the feeds area is installed;
  otherwise their share goes to volunteers and a note says so);
- managers: create tasks on boards and move them between columns (tasks API).

An error is: any 5xx answer, any transport failure (refused, reset, timeout), or an answer
outside what that endpoint may give in this mix (EXPECTED below). 409 for "already signed up",
404 for "cancel when not signed up" and 304 for an unchanged feed are expected, not errors.

Memory is the resident set (RSS) of the server's whole process tree, read from /proc.
Server CPU per request is the user + system time of the serving processes (uvicorn's workers,
or the server itself with one worker; /proc/<pid>/stat) over the run, divided by the requests
answered: on a shared machine it is steadier than throughput. Throughput is still printed.
The figure is the median over ROUNDS rounds per server, the servers taking turns.
Each run starts with WARM_UP_SECONDS of the same mix that are not counted (start-up work of each
worker: template compilation, per-process caches, database connections; staff log in then and
keep their sessions through the rounds).
Ends with `RESULT errors=<n> cpu_ms_1w=<x> cpu_ms_2w=<x> p99_ms_2w=<x>`.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import importlib.util
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path

import httpx
from _common import (
    Server,
    cpu_seconds,
    is_postgres,
    log_in,
    opsuite_migrate,
    orm,
    percentile,
    prepare_areas,
    recreate_postgres_database,
    server_env,
    serving_pids,
    settings_for,
    start_serve,
    stop_server,
    tree_rss_bytes,
    wait_ready,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/opsuite_load"
PASSWORD = "load test password 1"  # noqa: S105 (throwaway accounts in a throwaway database)
SHIFTS = 30
BOARDS = 3
MAX_ACTIONS_PER_USER = 100_000  # every loop is bounded by count as well as time
WARM_UP_SECONDS = 5.0
# People pause between clicks: 50 users at 1.5 s offer about 30 requests a second, which one
# worker serves without queueing, so both targets answer the same load and CPU per request
# compares the work a request costs, not how a saturated worker batches it.
THINK_MS = 1500.0
ROUNDS = 3  # interleaved rounds per target; CPU per request is their median
HAS_FEEDS = importlib.util.find_spec("opsuite.feeds") is not None

EXPECTED: dict[str, set[int]] = {
    "GET /shifts": {200},
    "GET /api/v1/shifts": {200},
    "POST /api/v1/shifts/{id}/signup": {201, 409},  # 409: already signed up
    "POST /api/v1/shifts/{id}/cancel": {200, 404},  # 404: not signed up (any more)
    "POST /login": {303},
    "GET /schedule": {200},
    "GET /api/v1/people/{id}/intervals": {200},
    "GET /feeds/{token}.ics": {200, 304},
    "POST /api/v1/boards/{id}/tasks": {201},
    "POST /api/v1/tasks/{id}/move": {200, 409},  # 409: another manager moved it first
}


# --- the organisation --------------------------------------------------------------------------


@dataclass
class Org:
    shift_ids: list[int]
    volunteers: list[tuple[int, str]]  # (user id, bearer token)
    staff: list[tuple[int, str]]  # (user id, email)
    managers: list[str]  # bearer tokens
    boards: list[tuple[int, list[int]]]  # (board id, column ids)
    feeds: list[str]  # feed tokens


async def seed(*, volunteers: int, staff: int, managers: int) -> Org:
    """Through the services, as an administrator would set things up."""
    from opsuite.auth.models import Role
    from opsuite.auth.passwords import use_fast_hashing
    from opsuite.auth.service import create_api_token, create_user
    from opsuite.people.service import create_program
    from opsuite.schedules.service import ArrangementInput, BlockInput, set_arrangement
    from opsuite.shifts.planning import (
        OpportunityInput,
        ShiftInput,
        create_opportunity,
        create_shift,
    )
    from opsuite.tasks import boards as task_boards

    prepare_areas()
    use_fast_hashing()  # cheap hashes to seed quickly; logins still verify them for real
    admin = await create_user(email="admin@load.example.org", name="Admin", role=Role.ADMIN)
    boss = await create_user(email="m0@load.example.org", name="Manager 0", role=Role.MANAGER)
    program = await create_program(boss, name="Food bank", funder="", description="")
    opportunity = await create_opportunity(
        boss, program.id, OpportunityInput(title="Sorting", location="Hall", is_public=True)
    )
    first = date.today() + timedelta(days=3)
    shift_ids = [
        (
            await create_shift(
                boss,
                opportunity,
                ShiftInput(first + timedelta(days=n), clock_time(9), clock_time(12), "UTC", 8),
            )
        ).id
        for n in range(SHIFTS)
    ]
    volunteer_rows = []
    for n in range(volunteers):
        person = await create_user(email=f"v{n}@load.example.org", name=f"Volunteer {n}")
        volunteer_rows.append((person.id, (await create_api_token(person, "load")).token))
    blocks = tuple(BlockInput(d, clock_time(9), clock_time(17), "home") for d in range(5))
    staff_rows = []
    for n in range(staff):
        email = f"s{n}@load.example.org"
        person = await create_user(
            email=email, name=f"Staff {n}", role=Role.STAFF, password=PASSWORD,
            timezone=("Asia/Shanghai", "Europe/London", "America/New_York")[n % 3],
        )  # fmt: skip
        await set_arrangement(
            admin, person, ArrangementInput("remote", date(2026, 1, 1), person.timezone, blocks)
        )
        staff_rows.append((person.id, email))
    manager_tokens = [(await create_api_token(boss, "load")).token]
    manager_users = [boss]
    for n in range(1, managers):
        person = await create_user(
            email=f"m{n}@load.example.org", name=f"Manager {n}", role=Role.MANAGER
        )
        manager_users.append(person)
        manager_tokens.append((await create_api_token(person, "load")).token)
    board_rows = []
    for n in range(BOARDS):
        board = await task_boards.create_board(boss, name=f"Board {n}")
        for person in manager_users[1:]:
            await task_boards.add_member(boss, board, person, is_manager=True)
        board_rows.append((board.id, [c.id for c in await task_boards.columns_of(board)]))
    feeds = []
    if HAS_FEEDS:
        from opsuite.feeds.models import FeedKind
        from opsuite.feeds.service import create_feed

        for n in range(max(staff, 1)):
            person = await create_user(email=f"c{n}@load.example.org", name=f"Calendar {n}")
            feeds.append((await create_feed(person, FeedKind.PERSON)).token)
    return Org(shift_ids, volunteer_rows, staff_rows, manager_tokens, board_rows, feeds)


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    statuses: dict[str, collections.Counter[int]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    # During a fault, answers that would otherwise be errors are counted here instead.
    tolerated: collections.Counter[str] = field(default_factory=collections.Counter)
    requests: int = 0
    tolerate: Callable[[int | None], bool] = lambda status: False

    def record(self, name: str, status: int | None, ms: float) -> bool:
        """True when the answer is one this endpoint may give."""
        self.requests += 1
        self.latencies[name].append(ms)
        self.statuses[name][status or 0] += 1
        if status is not None and status in EXPECTED[name]:
            return True
        what = f"{name} -> {status or 'transport error'}"
        if self.tolerate(status):
            self.tolerated[what] += 1
        else:
            self.errors[what] += 1
        return False


@dataclass
class Writes:
    """What the clients were told, to compare with the database afterwards."""

    signups: dict[tuple[int, int], str] = field(default_factory=dict)  # (volunteer, shift)
    tasks: set[int] = field(default_factory=set)


class Mix:
    def __init__(
        self,
        base: str,
        org: Org,
        users: int,
        think_ms: float,
        jar: dict[int, httpx.Cookies] | None = None,
    ) -> None:
        self.base, self.org, self.users, self.think = base, org, users, think_ms / 1000
        # Each user's cookies, by their place in roles(): a Mix given the jar of an earlier
        # one goes on with its sessions (staff log in once, not in every round).
        self.jar = {} if jar is None else jar
        self.stats = Stats()
        self.writes = Writes()
        self.stop = asyncio.Event()

    async def call(
        self, client: httpx.AsyncClient, name: str, method: str, path: str, **kwargs: object
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError:
            self.stats.record(name, None, (time.perf_counter() - started) * 1000)
            return None
        self.stats.record(name, response.status_code, (time.perf_counter() - started) * 1000)
        return response

    async def pause(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), self.think * 2 * random.random())

    async def loop(self, n: int, step: Callable[[httpx.AsyncClient], Awaitable[None]]) -> None:
        cookies = self.jar.get(n)
        async with httpx.AsyncClient(base_url=self.base, timeout=30, cookies=cookies) as client:
            try:
                for _ in range(MAX_ACTIONS_PER_USER):
                    if self.stop.is_set():
                        return
                    await step(client)
                    await self.pause()
            finally:
                self.jar[n] = client.cookies

    def volunteer(self, n: int) -> Callable[[httpx.AsyncClient], Awaitable[None]]:
        person, token = self.org.volunteers[n % len(self.org.volunteers)]
        auth = {"authorization": f"Bearer {token}"}
        mine: list[int] = []

        async def step(client: httpx.AsyncClient) -> None:
            roll = random.random()
            if roll < 0.3:
                await self.call(client, "GET /shifts", "GET", "/shifts")
            elif roll < 0.6:
                await self.call(client, "GET /api/v1/shifts", "GET", "/api/v1/shifts", headers=auth)
            elif roll < 0.85 or not mine:
                shift = random.choice(self.org.shift_ids)
                name = "POST /api/v1/shifts/{id}/signup"
                answer = await self.call(client, name, "POST", f"/api/v1/shifts/{shift}/signup",
                                         headers=auth)  # fmt: skip
                if answer is not None and answer.status_code in (201, 409):
                    self.writes.signups[(person, shift)] = "active"
                    if shift not in mine:
                        mine.append(shift)
                elif answer is None or answer.status_code >= 500:
                    self.writes.signups[(person, shift)] = "unknown"
            else:
                shift = mine.pop(random.randrange(len(mine)))
                name = "POST /api/v1/shifts/{id}/cancel"
                answer = await self.call(client, name, "POST", f"/api/v1/shifts/{shift}/cancel",
                                         headers=auth)  # fmt: skip
                if answer is not None and answer.status_code in (200, 404):
                    self.writes.signups[(person, shift)] = "cancelled"
                elif answer is None or answer.status_code >= 500:
                    self.writes.signups[(person, shift)] = "unknown"

        return step

    def staff(self, n: int) -> Callable[[httpx.AsyncClient], Awaitable[None]]:
        person, email = self.org.staff[n % len(self.org.staff)]
        today = date.today()
        window = {"start": today.isoformat(), "end": (today + timedelta(days=14)).isoformat()}

        async def step(client: httpx.AsyncClient) -> None:
            if "opsuite_session" not in client.cookies:
                started = time.perf_counter()
                try:
                    answer: int | None = (await log_in(client, email, PASSWORD)).status_code
                except httpx.TransportError:
                    answer = None
                self.stats.record("POST /login", answer, (time.perf_counter() - started) * 1000)
                return
            if random.random() < 0.5:
                await self.call(client, "GET /schedule", "GET", "/schedule")
            else:
                await self.call(client, "GET /api/v1/people/{id}/intervals", "GET",
                                f"/api/v1/people/{person}/intervals", params=window)  # fmt: skip

        return step

    def calendar(self, n: int) -> Callable[[httpx.AsyncClient], Awaitable[None]]:
        token = self.org.feeds[n % len(self.org.feeds)]

        async def step(client: httpx.AsyncClient) -> None:
            await self.call(client, "GET /feeds/{token}.ics", "GET", f"/feeds/{token}.ics")

        return step

    def manager(self, n: int) -> Callable[[httpx.AsyncClient], Awaitable[None]]:
        auth = {"authorization": f"Bearer {self.org.managers[n % len(self.org.managers)]}"}
        board, columns = self.org.boards[n % len(self.org.boards)]
        made: list[int] = []
        versions: dict[int, int] = {}  # a move sends the version of the task last seen

        async def step(client: httpx.AsyncClient) -> None:
            if not made or random.random() < 0.4:
                answer = await self.call(
                    client, "POST /api/v1/boards/{id}/tasks", "POST",
                    f"/api/v1/boards/{board}/tasks", headers=auth,
                    json={"title": f"Load task {n}.{len(made)}", "priority": "normal"},
                )  # fmt: skip
                if answer is not None and answer.status_code == 201:
                    made.append(int(answer.json()["id"]))
                    versions[made[-1]] = int(answer.json()["version"])
                    self.writes.tasks.add(made[-1])
            else:
                task = random.choice(made)
                answer = await self.call(
                    client, "POST /api/v1/tasks/{id}/move", "POST",
                    f"/api/v1/tasks/{task}/move", headers=auth,
                    json={"column_id": random.choice(columns[:3]), "position": 0,
                          "version": versions[task]},
                )  # fmt: skip
                if answer is not None and answer.status_code in (200, 409):
                    seen = answer.json()
                    seen = seen.get("current", seen)  # 409: where it is now, if moved meanwhile
                    versions[task] = int(seen.get("version", versions[task]))

        return step

    def roles(self) -> list[Callable[[httpx.AsyncClient], Awaitable[None]]]:
        """Half volunteers, a fifth staff, a sixth managers, the rest calendar clients."""
        users = self.users
        staff, managers = max(1, users // 5), max(1, users // 6)
        calendars = max(1, users // 8) if self.org.feeds else 0
        volunteers = max(1, users - staff - managers - calendars)
        return (
            [self.volunteer(n) for n in range(volunteers)]
            + [self.staff(n) for n in range(staff)]
            + [self.manager(n) for n in range(managers)]
            + [self.calendar(n) for n in range(calendars)]
        )

    async def run(self, seconds: float) -> float:
        """Run every virtual user until ``seconds`` pass (or stop is set); the elapsed time."""
        started = time.perf_counter()
        tasks = [asyncio.create_task(self.loop(n, step)) for n, step in enumerate(self.roles())]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)
        self.stop.set()
        await asyncio.gather(*tasks)
        return time.perf_counter() - started


def users_needed(users: int) -> dict[str, int]:
    return {"volunteers": users, "staff": max(1, users // 5), "managers": max(1, users // 6)}


# --- one run -----------------------------------------------------------------------------------


@dataclass
class RunResult:
    workers: int
    seconds: float
    stats: Stats
    rss_peak: int
    rss_end: int
    cpu_seconds: float  # the serving processes' user + system time during the run

    @property
    def cpu_ms(self) -> float:
        """Server CPU per request: steadier than throughput on a shared machine."""
        return self.cpu_seconds * 1000 / max(1, self.stats.requests)

    @property
    def rps(self) -> float:
        return self.stats.requests / self.seconds

    @property
    def errors(self) -> int:
        return sum(self.stats.errors.values())

    def p99_all(self) -> float:
        return percentile([v for vs in self.stats.latencies.values() for v in vs], 99)


async def prepare(url: str, instance: str, smtp_port: int | None, users: int) -> Org:
    if is_postgres(url):
        await recreate_postgres_database(url)
    env = server_env(url, instance, smtp_port=smtp_port)
    opsuite_migrate(env)
    async with orm(settings_for(env)):
        return await seed(**users_needed(users))


async def watch_memory(server: Server, peak: list[int], stop: asyncio.Event) -> None:
    for _ in range(100_000):
        peak[0] = max(peak[0], tree_rss_bytes(server.pid))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1)
        if stop.is_set():
            return


@dataclass
class Target:
    """One server under test (1 or 2 workers) with its own database and organisation."""

    workers: int
    server: Server
    org: Org
    rounds: list[RunResult] = field(default_factory=list)
    peak: list[int] = field(default_factory=lambda: [0])
    jar: dict[int, httpx.Cookies] = field(default_factory=dict)  # sessions kept across rounds


async def start_target(args: argparse.Namespace, url: str, workers: int, smtp_port: int) -> Target:
    instance = tempfile.mkdtemp(prefix=f"opsuite-load-{workers}w-")
    if not is_postgres(url):
        url = f"sqlite://{instance}/load.sqlite3"
    org = await prepare(url, instance, smtp_port, args.users)
    env = server_env(url, instance, smtp_port=smtp_port)
    server = start_serve(env, workers=workers, log_path=Path(instance) / "server.log")
    target = Target(workers, server, org)
    try:
        await wait_ready(server)
        # Every worker's first requests compile templates, fill per-process caches and open
        # its database connections: a few seconds of the same mix first, not counted, so the
        # figures are those of a running server (with 2 workers that start-up is paid twice).
        await Mix(server.base, org, args.users, args.think_ms, target.jar).run(WARM_UP_SECONDS)
    except BaseException:
        stop_server(server)
        raise
    print(f"  {workers} worker(s): server log {server.log_path}")
    return target


async def one_round(args: argparse.Namespace, target: Target, seconds: float) -> None:
    """The same mix for ``seconds`` against one target; its CPU and answers kept as a round."""
    mix = Mix(target.server.base, target.org, args.users, args.think_ms, target.jar)
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_memory(target.server, target.peak, stop))
    pids = serving_pids(target.server)
    cpu_before = cpu_seconds(pids)
    elapsed = await mix.run(seconds)
    cpu = cpu_seconds(pids) - cpu_before
    stop.set()
    await watcher
    end = tree_rss_bytes(target.server.pid)
    target.rounds.append(
        RunResult(target.workers, elapsed, mix.stats, max(target.peak[0], end), end, cpu)
    )


def combined(target: Target) -> RunResult:
    """All rounds of a target as one run; its CPU per request is the median of the rounds'."""
    stats = Stats()
    for result in target.rounds:
        stats.requests += result.stats.requests
        for name, values in result.stats.latencies.items():
            stats.latencies[name].extend(values)
        for name, codes in result.stats.statuses.items():
            stats.statuses[name].update(codes)
        stats.errors.update(result.stats.errors)
    seconds = sum(r.seconds for r in target.rounds)
    median_cpu_ms = statistics.median(r.cpu_ms for r in target.rounds)
    cpu = median_cpu_ms * stats.requests / 1000
    last = target.rounds[-1]
    return RunResult(target.workers, seconds, stats, target.peak[0], last.rss_end, cpu)


def report(result: RunResult) -> None:
    stats = result.stats
    print(
        f"\n{result.workers} worker(s): {stats.requests} requests in {result.seconds:.1f} s = "
        f"{result.rps:.1f} req/s, server CPU {result.cpu_ms:.2f} ms per request; "
        f"server RSS peak {result.rss_peak / 2**20:.0f} MiB, "
        f"end {result.rss_end / 2**20:.0f} MiB"
    )
    print(f"{'endpoint':<36}{'count':>8}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for name in EXPECTED:
        values = stats.latencies.get(name, [])
        if not values:
            continue
        codes = " ".join(f"{code or 'err'}:{n}" for code, n in sorted(stats.statuses[name].items()))
        print(
            f"{name:<36}{len(values):>8}{percentile(values, 50):>9.1f}"
            f"{percentile(values, 99):>9.1f}  {codes}"
        )
    for what, n in stats.errors.most_common():
        print(f"  ERROR {n} x {what}")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help="postgres://... or sqlite")
    parser.add_argument("--seconds", type=float, default=60, help="length of each run")
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=THINK_MS,
        help="mean pause between a user's actions (the default keeps 1 worker below saturation)",
    )
    args = parser.parse_args()
    postgres = is_postgres(args.database_url)
    if not HAS_FEEDS:
        print("note: the feeds area is not installed; calendar clients are left out")
    if not postgres:
        print("note: SQLite serves one process; running 1 worker only (cpu_ms_2w=n/a)")
    from _common import SmtpSink

    sink = SmtpSink().start()
    targets: list[Target] = []
    try:
        urls = {1: args.database_url, 2: f"{args.database_url}_2w"}
        for workers in (1, 2) if postgres else (1,):
            targets.append(await start_target(args, urls[workers], workers, sink.port))
        # Interleaved rounds (1 worker, 2 workers, 1, 2, ...) at the same offered load: a
        # machine that gets busier or quieter during the run moves both alike, and each round
        # has the same mix of requests (a login costs far more than a list; at saturation
        # the run that answers fewer requests would spread the same logins over fewer).
        for _ in range(ROUNDS):
            for target in targets:
                await one_round(args, target, args.seconds / ROUNDS)
    finally:
        for target in targets:
            stop_server(target.server)
        sink.stop()
    results = {target.workers: combined(target) for target in targets}
    for result in results.values():
        report(result)
    errors = sum(r.errors for r in results.values())
    two = results.get(2)
    print(
        f"RESULT errors={errors} cpu_ms_1w={results[1].cpu_ms:.2f} "
        f"cpu_ms_2w={f'{two.cpu_ms:.2f}' if two else 'n/a'} "
        f"p99_ms_2w={f'{two.p99_all():.1f}' if two else 'n/a'}"
    )


if __name__ == "__main__":
    asyncio.run(main())
