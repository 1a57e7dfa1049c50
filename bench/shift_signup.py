"""Sign-ups over HTTP against real `opsuite serve` processes (a temporary SQLite database unless
--database-url names a PostgreSQL one, which is dropped and created again; postgres, template0/1,
test, lead and lead2 are refused).

1. Burst, one worker: 200 volunteers sign up for one shift of capacity 20 at the same moment.
   Exactly 20 must be confirmed and 180 waitlisted. The baseline is the same 200 concurrent
   requests to GET /api/v1/me (authentication and routing, no sign-up work).
2. Rush, two workers, PostgreSQL only: 2,000 volunteers (created in bulk, their API tokens
   made and used once before the timed part) each sign up for one of 100 shifts of 20 places,
   arriving open-loop at random moments spread over 60 s (a request goes out at its moment
   whatever the earlier ones are doing; its latency counts from that moment). Afterwards the
   database is asked how many places each shift has taken: none may be over capacity.
   On SQLite (one writer, one process) the rush is skipped and reported as `na`.

The load generator is this process; the servers are subprocesses.

    .venv/bin/python bench/shift_signup.py [--database-url postgres://postgres@127.0.0.1/opsuite_signup]

RESULT confirmed=<n> waitlisted=<n> p99_ms=<x> rush_errors=<n|na> rush_p99_ms=<x|na>
(the rush's places over capacity are on the line before: `rush overbooked=<n|na> ...`)
"""

from __future__ import annotations

import asyncio
import collections
import random
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path

import httpx
from _common import (
    Server,
    arguments,
    cpu_seconds,
    is_postgres,
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
    wait_ready,
)

VOLUNTEERS = 200
CAPACITY = 20
RUSH_VOLUNTEERS = 2000
RUSH_SHIFTS = 100
RUSH_CAPACITY = 20
RUSH_SECONDS = 60.0
TIMEOUT = 120.0  # per request: a busy machine is slow, not wrong


async def seed() -> tuple[int, str, list[str], list[int], list[str]]:
    """The burst's shift and volunteers, the rush's shifts and volunteers, a manager's token."""
    from opsuite import clock
    from opsuite.auth.models import ApiToken, Role, User
    from opsuite.auth.service import create_api_token, create_user
    from opsuite.people.service import create_program
    from opsuite.shifts.planning import (
        OpportunityInput,
        ShiftInput,
        create_opportunity,
        create_shift,
    )
    from opsuite.tokens import digest, new_token

    prepare_areas()
    manager = await create_user(email="m@example.org", name="Manager", role=Role.MANAGER)
    program = await create_program(manager, name="Food bank", funder="", description="")
    opportunity = await create_opportunity(
        manager, program.id, OpportunityInput(title="Sorting", is_public=True)
    )
    first = date.today() + timedelta(days=3)

    async def shift(day: date, hour: int, capacity: int) -> int:
        times = ShiftInput(day, clock_time(hour), clock_time(hour + 2), "UTC", capacity)
        return (await create_shift(manager, opportunity, times)).id

    burst_shift = await shift(first, 9, CAPACITY)
    rush_shifts = [
        await shift(first + timedelta(days=1 + n // 5), 8 + 2 * (n % 5), RUSH_CAPACITY)
        for n in range(RUSH_SHIFTS)
    ]
    # In bulk: 2,200 accounts one by one through the service would be most of the run.
    now = clock.now()
    await User.bulk_create(
        [
            User(email=f"v{n}@example.org", name=f"Volunteer {n}", created_at=now)
            for n in range(VOLUNTEERS + RUSH_VOLUNTEERS)
        ],
        batch_size=500,
    )
    people = await User.filter(email__startswith="v").order_by("id").values_list("id", flat=True)
    tokens = [new_token("ops_") for _ in people]
    await ApiToken.bulk_create(
        [
            # last_used_at set: as for people already signed in, no first-use write to time.
            ApiToken(
                user_id=pid,
                name="bench",
                token_hash=digest(t),
                prefix=t[:10],
                created_at=now,
                last_used_at=now,
            )
            for pid, t in zip(people, tokens, strict=True)
        ],
        batch_size=500,
    )
    manager_token = (await create_api_token(manager, "bench")).token
    return burst_shift, manager_token, tokens[:VOLUNTEERS], rush_shifts, tokens[VOLUNTEERS:]


class Connection:
    """One keep-alive HTTP/1.1 connection, as little client as possible: httpx's pool spends
    more CPU than the server does when 200 requests go at once on a 2-core machine."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def request(self, method: str, path: str, token: str) -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n"
            f"authorization: Bearer {token}\r\ncontent-length: 0\r\n\r\n"
        )
        self.writer.write(head.encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = await self.reader.readexactly(length)
        return int(status_line.split()[1]), body

    def close(self) -> None:
        self.writer.close()


async def fire(
    connections: list[Connection], tokens: list[str], method: str, path: str
) -> tuple[list[float], list[int]]:
    """Every token's request at once, each on its own open connection; (latency ms, status)
    in order (0 for a transport error)."""

    async def one(connection: Connection, token: str) -> tuple[float, int]:
        started = time.perf_counter()
        try:
            status = (await asyncio.wait_for(connection.request(method, path, token), TIMEOUT))[0]
        except (OSError, ValueError, IndexError, TimeoutError, asyncio.IncompleteReadError):
            status = 0
        return (time.perf_counter() - started) * 1000, status

    results = await asyncio.gather(*(one(c, t) for c, t in zip(connections, tokens, strict=True)))
    return [r[0] for r in results], [r[1] for r in results]


async def burst(server: Server, shift_id: int, manager_token: str, tokens: list[str]) -> dict:
    """As people whose browsers already have a connection open (keep-alive): the connections
    are opened and used once (/healthz) first, so neither figure times TCP set-up."""
    pids = serving_pids(server)
    connections = await asyncio.gather(*(Connection.open(server.port) for _ in tokens))
    try:
        await fire(connections, tokens, "GET", "/healthz")
        cpu = [cpu_seconds(pids)]
        base_ms, base_codes = await fire(connections, tokens, "GET", "/api/v1/me")
        cpu.append(cpu_seconds(pids))
        path = f"/api/v1/shifts/{shift_id}/signup"
        ours_ms, codes = await fire(connections, tokens, "POST", path)
        cpu.append(cpu_seconds(pids))
    finally:
        for connection in connections:
            connection.close()
    async with httpx.AsyncClient(base_url=server.base, timeout=TIMEOUT) as client:
        roster = await client.get(
            f"/api/v1/shifts/{shift_id}/roster",
            headers={"authorization": f"Bearer {manager_token}"},
        )
    statuses = [entry["signup"]["status"] for entry in roster.json()["signups"]]
    return {
        "base_ms": base_ms,
        "base_cpu_ms": (cpu[1] - cpu[0]) * 1000 / len(tokens),
        "cpu_ms": (cpu[2] - cpu[1]) * 1000 / len(tokens),
        "ms": ours_ms,
        "confirmed": statuses.count("confirmed"),
        "waitlisted": statuses.count("waitlisted"),
        "errors": sum(1 for c in codes if c != 201) + sum(1 for c in base_codes if c != 200),
    }


async def rush(base: str, shift_ids: list[int], tokens: list[str]) -> dict:
    """Open loop: each volunteer's request leaves at its own moment in the minute."""
    chance = random.Random(18)
    arrivals = sorted(chance.uniform(0, RUSH_SECONDS) for _ in tokens)
    choices = [chance.choice(shift_ids) for _ in tokens]
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=200)
    latencies: list[float] = []
    codes: collections.Counter[int] = collections.Counter()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT) as client:
        # Warm-up outside the timed part: every token used once (as people already signed in).
        for start in range(0, len(tokens), 50):
            answers = await asyncio.gather(
                *(
                    client.get("/api/v1/me", headers={"authorization": f"Bearer {t}"})
                    for t in tokens[start : start + 50]
                )
            )
            if any(a.status_code != 200 for a in answers):
                raise SystemExit("a rush volunteer's token was refused in the warm-up")
        origin = time.perf_counter() + 0.5

        async def one(token: str, shift: int, at: float) -> None:
            await asyncio.sleep(max(0.0, origin + at - time.perf_counter()))
            due = origin + at  # from the planned moment: a late start is latency too
            try:
                response = await client.post(
                    f"/api/v1/shifts/{shift}/signup", headers={"authorization": f"Bearer {token}"}
                )
                codes[response.status_code] += 1
            except httpx.TransportError:
                codes[0] += 1
            latencies.append((time.perf_counter() - due) * 1000)

        await asyncio.gather(
            *(one(t, s, a) for t, s, a in zip(tokens, choices, arrivals, strict=True))
        )
        elapsed = time.perf_counter() - origin
    return {"ms": latencies, "codes": codes, "elapsed": elapsed, "wanted": choices}


async def places_taken(shift_ids: list[int]) -> tuple[dict[int, dict[str, int]], int]:
    """Per shift, sign-ups by status, from the database; and its capacity (all the same)."""
    from opsuite.shifts.models import Shift, SignUp

    rows = await SignUp.filter(shift_id__in=shift_ids).values_list("shift_id", "status")
    found: dict[int, dict[str, int]] = {sid: collections.Counter() for sid in shift_ids}
    for sid, status in rows:
        found[sid][str(status)] += 1
    capacities = set(await Shift.filter(id__in=shift_ids).values_list("capacity", flat=True))
    return found, capacities.pop()


def taken(counts: dict[str, int]) -> int:
    return sum(counts.get(s, 0) for s in ("confirmed", "offered", "held"))


async def main() -> None:
    args = arguments(__doc__ or "")
    instance = tempfile.mkdtemp(prefix="opsuite-bench-signup-")
    url = args.database_url or f"sqlite://{instance}/bench.sqlite3"
    postgres = is_postgres(url)
    if postgres:
        await recreate_postgres_database(url)
    env = server_env(url, instance)
    opsuite_migrate(env)
    started = time.perf_counter()
    async with orm(settings_for(env)):
        shift_id, manager_token, tokens, rush_shifts, rush_tokens = await seed()
    seeded = time.perf_counter() - started
    print(f"seeded {VOLUNTEERS + RUSH_VOLUNTEERS} volunteers in {seeded:.1f} s")

    server = start_serve(env, workers=1, log_path=Path(instance) / "server-1w.log")
    try:
        await wait_ready(server, seconds=TIMEOUT)
        one = await burst(server, shift_id, manager_token, tokens)
    finally:
        stop_server(server)

    engine = "postgres" if postgres else "sqlite"
    title = f"burst ({engine}, 1 worker, 200 at once)"
    print(f"\n{title:<44}{'p50 ms':>10}{'p99 ms':>10}{'server CPU ms/req':>19}")
    for label, values, cpu in (
        ("baseline GET /api/v1/me", one["base_ms"], one["base_cpu_ms"]),
        ("POST /api/v1/shifts/{id}/signup", one["ms"], one["cpu_ms"]),
    ):
        print(
            f"{label:<44}{percentile(values, 50):>10.1f}{percentile(values, 99):>10.1f}{cpu:>19.1f}"
        )
    print(
        f"confirmed={one['confirmed']} waitlisted={one['waitlisted']} errors={one['errors']} "
        f"(capacity {CAPACITY}; exact: {CAPACITY} and {VOLUNTEERS - CAPACITY})"
    )

    rush_errors = rush_p99 = rush_overbooked = rush_confirmed = "na"
    if not postgres:
        print("\nrush skipped: SQLite is one writer for one process (run with a PostgreSQL URL)")
    else:
        server = start_serve(env, workers=2, log_path=Path(instance) / "server-2w.log")
        try:
            await wait_ready(server, seconds=TIMEOUT)
            two = await rush(server.base, rush_shifts, rush_tokens)
        finally:
            stop_server(server)
        async with orm(settings_for(env)):
            per_shift, capacity = await places_taken(rush_shifts)
        wanted = collections.Counter(two["wanted"])
        expected_confirmed = sum(min(capacity, wanted[s]) for s in rush_shifts)
        over = [s for s, c in per_shift.items() if taken(c) > capacity]
        confirmed = sum(c.get("confirmed", 0) for c in per_shift.values())
        waitlisted = sum(c.get("waitlisted", 0) for c in per_shift.values())
        errors = sum(n for code, n in two["codes"].items() if code != 201)
        ms = two["ms"]
        print(
            f"\nrush (postgres, 2 workers): {RUSH_VOLUNTEERS} volunteers over {RUSH_SHIFTS} "
            f"shifts of {capacity}, open loop over {RUSH_SECONDS:.0f} s "
            f"(all answered after {two['elapsed']:.1f} s)"
        )
        print(
            f"  latency ms: p50 {percentile(ms, 50):.1f}  p90 {percentile(ms, 90):.1f}  "
            f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}"
        )
        codes = sorted(two["codes"].items())
        statuses = " ".join(f"{code or 'transport'}:{n}" for code, n in codes)
        print(f"  statuses {statuses}")
        print(
            f"  database: confirmed {confirmed} (expected {expected_confirmed} from the choices), "
            f"waitlisted {waitlisted}, shifts over capacity {len(over)}, "
            f"shifts oversubscribed {sum(1 for s in rush_shifts if wanted[s] > capacity)}"
        )
        rush_errors, rush_p99 = str(errors), f"{percentile(ms, 99):.1f}"
        rush_overbooked, rush_confirmed = str(len(over)), str(confirmed)

    print(f"rush overbooked={rush_overbooked} confirmed={rush_confirmed}")
    print(
        f"RESULT confirmed={one['confirmed']} waitlisted={one['waitlisted']} "
        f"p99_ms={percentile(one['ms'], 99):.1f} rush_errors={rush_errors} "
        f"rush_p99_ms={rush_p99}"
    )


if __name__ == "__main__":
    asyncio.run(main())
