"""A leased queue over one table: the one way the mail outbox, chat posts and webhook
deliveries are claimed by a sender (docs/notifications.md, "What once means").

The table has ``status`` ('pending', 'sending', ...), ``next_try_at``, ``claimed_at`` and
``claim_token`` columns. Claiming is one conditional UPDATE (pending -> sending, with a fresh
claim token) that only one process can win per row, on SQLite and PostgreSQL alike: on
PostgreSQL its subquery locks with ``FOR UPDATE SKIP LOCKED``, so concurrent senders split the
rows without waiting; SQLite runs one writer at a time, so the statement is atomic there. A
claim is a lease of ``LEASE``, renewed while its rows are being sent; rows whose lease ran out
(a dead process's) are handed back first by the next claim.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise import connections
from tortoise.models import Model

from opsuite import clock
from opsuite.db import db_time, is_postgres

# A claim not renewed for LEASE is handed back by the next claim. A dead process's last
# renewal is at most its moment of death, so its claims are retried at most LEASE plus one
# dispatch interval (scheduler.dispatch_interval_seconds, 30 s by default) after it died: within
# a minute. Renewing every 10 s leaves room for two late renewals before a live claim runs out.
LEASE = timedelta(seconds=30)
RENEW_EVERY = timedelta(seconds=10)


@dataclass(frozen=True)
class LeasedQueue:
    """Claims on ``model``'s table, due rows taken in ``order`` (column names, the last one
    unique)."""

    model: type[Model]
    order: tuple[str, ...]
    lease: timedelta = LEASE

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)

    def _sql(self, sql: str) -> str:
        return sql.replace("{table}", self.table).replace("{order}", ", ".join(self.order))

    async def claim(self, limit: int) -> tuple[str, list[Any]]:
        """Take up to ``limit`` due rows in one statement, after handing back the rows whose
        lease ran out; returns the claim token they now carry and the rows, in ``order``."""
        now = clock.now()
        conn = connections.get("default")
        token = secrets.token_hex(8)
        if is_postgres():
            await conn.execute_query(self._sql(_RELEASE).format(p="$1"), [now - self.lease])
            sql = self._sql(_CLAIM).format(
                now="$1", claim="$2", limit="$3", lock=" FOR UPDATE SKIP LOCKED"
            )
            await conn.execute_query(sql, [now, token, limit])
        else:
            await conn.execute_query(self._sql(_RELEASE).format(p="?"), [db_time(now - self.lease)])
            sql = self._sql(_CLAIM).format(now="?", claim="?", limit="?", lock="")
            stamp = db_time(now)
            await conn.execute_query(sql, [stamp, token, stamp, limit])
        rows = await self.model.filter(claim_token=token, status="sending").order_by(*self.order)
        return token, list(rows)

    async def renew(self, token: str) -> None:
        """Tell other senders that the rows claimed with ``token`` are still being sent."""
        sql = self._sql(_RENEW)
        sql = sql.format(p="$%d") % (1, 2) if is_postgres() else sql.format(p="?")
        await connections.get("default").execute_query(sql, [db_time(clock.now()), token])

    async def release(self, token: str, **changes: Any) -> None:
        """Hand back the rows still claimed with ``token`` (not sent: the run stopped early),
        setting ``changes`` on them too (a later ``next_try_at``, say)."""
        held = self.model.filter(claim_token=token, status="sending")
        await held.update(status="pending", claim_token="", **changes)  # nosec B106


_RELEASE = (
    "UPDATE {table} SET status = 'pending', claim_token = '' "
    "WHERE status = 'sending' AND claimed_at < {p}"
)
_CLAIM = """
UPDATE {table} SET status = 'sending', claimed_at = {now}, claim_token = {claim}
WHERE id IN (
    SELECT id FROM {table}
    WHERE status = 'pending' AND next_try_at <= {now}
    ORDER BY {order} LIMIT {limit}{lock}
)
"""
_RENEW = "UPDATE {table} SET claimed_at = {p} WHERE claim_token = {p} AND status = 'sending'"
