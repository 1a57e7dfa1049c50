"""The outbox: enqueue notifications, claim due ones atomically and send them at least once,
twice only when a process is killed mid-send (docs/notifications.md, "What once means").

Claiming is a conditional UPDATE (status pending -> sending, with a fresh claim token) that only
one process can win per row, on SQLite and PostgreSQL alike. A claim is a lease of ``LEASE``,
renewed while its batch is being sent; rows whose lease ran out (a dead process's) are handed
back to the next dispatcher. The claiming itself is ``opsuite.notify.queue``, which chat posts
and webhook deliveries share.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from itertools import groupby
from typing import TYPE_CHECKING, Any

from tortoise import connections
from tortoise.exceptions import IntegrityError

from opsuite import clock
from opsuite.db import db_time, is_postgres
from opsuite.errors import NotFound
from opsuite.notify.mailer import Mailer, MailError, build_message, sender_domain
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.notify.queue import RENEW_EVERY, LeasedQueue
from opsuite.settings import Settings
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import use_locale
from opsuite.web.templating import render_string

if TYPE_CHECKING:
    from opsuite.auth.models import User

log = logging.getLogger("opsuite.notify")
BATCH_SIZE = 100  # rows per claim; urgent mail queued meanwhile waits for at most two
SMTP_CONNECTIONS = 2  # reused for the whole run
MAX_UNWRITTEN = 8  # sent messages whose outcome is not yet written, at most
WRITE_EVERY = 4  # outcomes written together

# Which mail goes first when much is due. By email kind (templates/email/<kind>); a kind not
# named here is NORMAL.
URGENT, NORMAL, BULK = 0, 1, 2
PRIORITY_OF_KIND = {
    "shift_cancelled": URGENT,
    "meeting_cancelled": URGENT,
    "shift_offer": URGENT,
    "invite": URGENT,
    "shift_join_known": URGENT,
    "password_reset": URGENT,
    "digest_daily": BULK,
    "digest_weekly": BULK,
}


def priority_of(kind: str) -> int:
    return PRIORITY_OF_KIND.get(kind, NORMAL)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(
    kind: str, *, locale: str, timezone: str, context: dict[str, Any]
) -> RenderedEmail:
    """Render templates/email/<kind>/{subject.txt,body.txt,body.html} in a person's language."""
    with use_locale(locale, timezone):
        subject = render_string(f"email/{kind}/subject.txt", context).strip()
        text = render_string(f"email/{kind}/body.txt", context)
        html = render_string(f"email/{kind}/body.html", context)
    return RenderedEmail(" ".join(subject.split()), text, html)


def has_own_zone(user: User) -> bool:
    """Whether the person has told us their zone: someone who signed up for a shift without an
    account (or was invited and never signed in) only has the site's default."""
    return bool(user.password_hash) or user.last_login_at is not None


def zone_for(user: User | None, *, item_zone: str, settings: Settings) -> str:
    """The zone an email to ``user`` about an item in ``item_zone`` gives its times in."""
    if user is not None and (has_own_zone(user) or not item_zone):
        return user.timezone
    return item_zone or settings.i18n.default_timezone


async def enqueue_email(
    *,
    kind: str,
    to: User | str,
    context: dict[str, Any],
    dedupe_key: str,
    settings: Settings,
    due_at: datetime | None = None,
    item_key: str = "",
    ics: str = "",
    list_unsubscribe: str = "",
    timezone: str = "",
    locale: str = "",
) -> Notification:
    """Queue one email, rendered now in the recipient's language and zone.

    ``locale`` is the language for an address without an account (a guardian emailed in the
    volunteer's language); an account's own language wins.

    ``timezone`` is the item's own zone (a shift's, a meeting's), used for someone without a
    zone of their own. A second call with the same dedupe key replaces a still-pending row (so
    a changed item moves its reminder) and leaves a sent one alone.
    """
    user = None if isinstance(to, str) else to
    address = to if isinstance(to, str) else to.email
    locale = user.locale if user else (locale or settings.i18n.default_locale)
    zone = zone_for(user, item_zone=timezone, settings=settings)
    rendered = render_email(
        kind,
        locale=locale,
        timezone=zone,
        context={"base_url": settings.server.base_url.rstrip("/"), "recipient": user, **context},
    )
    now = clock.now()
    due = due_at or now
    fields: dict[str, Any] = {
        "recipient": user,
        "to_address": address,
        "kind": kind,
        "priority": priority_of(kind),
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "due_at": due,
        "next_try_at": due,
        "status": NotificationStatus.PENDING,
        "attempts": 0,
        "last_error": "",
        "item_key": item_key,
        "ics": ics,
        "list_unsubscribe": list_unsubscribe,
    }
    existing = await Notification.get_or_none(dedupe_key=dedupe_key)
    if existing is not None:
        if existing.status in (NotificationStatus.PENDING, NotificationStatus.CANCELLED):
            await Notification.filter(id=existing.id, status=existing.status).update(**fields)
            await existing.refresh_from_db()
        return existing
    try:
        return await Notification.create(dedupe_key=dedupe_key, created_at=now, **fields)
    except IntegrityError:
        return await Notification.get(dedupe_key=dedupe_key)


async def cancel_pending(dedupe_prefix: str) -> int:
    return await Notification.filter(
        dedupe_key__startswith=dedupe_prefix, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.CANCELLED)


# Most urgent first, then by due time.
OUTBOX = LeasedQueue(Notification, ("priority", "next_try_at", "id"))


async def _claim_due(limit: int) -> tuple[str, list[Notification]]:
    """Take up to ``limit`` due rows for this process in one statement (opsuite.notify.queue),
    most urgent first, then by due time; rows whose lease ran out are handed back first."""
    return await OUTBOX.claim(limit)


async def renew_lease(token: str) -> None:
    """Tell other dispatchers that the rows claimed with ``token`` are still being sent."""
    await OUTBOX.renew(token)


async def _release(rows: list[Notification]) -> None:
    """Hand back claimed rows that were not sent (the run stopped early)."""
    if rows:
        await OUTBOX.release(rows[0].claim_token)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def message_id_for(row: Notification, settings: Settings) -> str:
    """The same Message-ID on every attempt at one outbox row, so a receiving server (and
    anyone reading its log next to the outbox) can recognise a repeat: the row's id, when it
    was queued and a digest of its dedupe key, at the sender's domain."""
    domain = sender_domain(settings.mail.from_address)
    digest = hashlib.sha256(row.dedupe_key.encode()).hexdigest()[:12]
    return f"<opsuite.{row.id}.{int(row.created_at.timestamp())}.{digest}@{domain}>"


def message_for(row: Notification, settings: Settings) -> Message:
    headers = {"X-Opsuite-Kind": row.kind}
    if row.list_unsubscribe:
        headers["List-Unsubscribe"] = f"<{row.list_unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return build_message(
        mail=settings.mail,
        to=row.to_address,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        headers=headers,
        ics=row.ics,
        message_id=message_id_for(row, settings),
    )


@dataclass(frozen=True)
class DispatchResult:
    sent: int
    retried: int
    failed: int


_OUTCOME = (
    "UPDATE notifications SET status = {p}, attempts = {p}, last_error = {p}, next_try_at = {p}, "
    "sent_at = {p}, transport = {p} WHERE id = {p} AND claim_token = {p}"
)

_OUTCOME_PG = _OUTCOME.format(p="$%d") % tuple(range(1, 9))
_OUTCOME_SQLITE = _OUTCOME.format(p="?")


async def _record_outcomes(rows: list[Notification]) -> None:
    """Write the outcomes of several sends in one transaction; only the holder of a row's
    claim may. Plain SQL: building the same UPDATE through the ORM cost more than the
    database round trip."""
    values = [
        [
            str(row.status),
            row.attempts,
            row.last_error,
            db_time(row.next_try_at),
            db_time(row.sent_at),
            row.transport,
            row.id,
            row.claim_token,
        ]
        for row in rows
    ]
    conn = connections.get("default")
    if len(values) == 1:
        await conn.execute_query(_OUTCOME_PG if is_postgres() else _OUTCOME_SQLITE, values[0])
    else:
        await conn.execute_many(_OUTCOME_PG if is_postgres() else _OUTCOME_SQLITE, values)


class _Outcomes:
    """Outcome writes as a group commit: one write at a time, started once ``WRITE_EVERY``
    outcomes wait (or at the heartbeat, or at the end of a batch), each taking every outcome
    that arrived meanwhile. Sending waits for the database only when ``MAX_UNWRITTEN`` sent
    messages are still unrecorded, which bounds what a killed process can send twice."""

    def __init__(self) -> None:
        self._waiting: list[Notification] = []
        self._writing: list[Notification] = []
        self._task: asyncio.Task[None] | None = None

    def unwritten(self) -> int:
        return len(self._waiting) + len(self._writing)

    def add(self, row: Notification) -> None:
        self._waiting.append(row)
        if len(self._waiting) >= WRITE_EVERY:
            self.start()

    def start(self) -> None:
        """Write what waits, unless a write is already under way (it takes it next)."""
        if self._task is not None and self._task.done():
            self._task.result()  # a failed write stops the run here
        if self._waiting and (self._task is None or self._task.done()):
            self._task = asyncio.create_task(self._write())

    async def _write(self) -> None:
        while self._waiting:
            self._writing, self._waiting = self._waiting, []
            await _record_outcomes(self._writing)
            self._writing = []

    async def drain(self) -> None:
        while self._task is not None and not self._task.done():
            await self._task
        if self._task is not None:
            self._task.result()  # a failed write is raised here, not lost
        if self._waiting:  # fewer than WRITE_EVERY, or added after the last write
            self._task = asyncio.create_task(self._write())
            await self._task


class Dispatcher:
    """One dispatch run: claim due rows in batches and send them over ``connections`` reused
    SMTP connections until nothing is due. While a batch is out, its lease is renewed every
    ``renew_every`` seconds. Rows are sent in claim order (most urgent first); a row of lower
    priority waits until every more urgent row of its batch has been sent."""

    def __init__(
        self,
        settings: Settings,
        *,
        limit: int = BATCH_SIZE,
        connections: int = SMTP_CONNECTIONS,
        renew_every: float = RENEW_EVERY.total_seconds(),
    ) -> None:
        self.settings = settings
        self.limit = limit
        self.connections = connections
        self.renew_every = renew_every
        self.renewed = asyncio.Event()  # set after each renewal of the lease
        self._tokens: set[str] = set()  # claims out: this batch's and the next one's
        self._outcomes = _Outcomes()
        self._sent = self._retried = self._failed = 0

    async def run(self) -> DispatchResult:
        mailers = [Mailer(self.settings.mail) for _ in range(self.connections)]
        heartbeat = asyncio.create_task(self._heartbeat())
        claim: asyncio.Task[list[Notification]] | None = asyncio.create_task(self._claim())
        try:
            while claim is not None:
                if not (rows := await claim):
                    claim = None
                    break
                # The next batch is claimed while this one is sent.
                claim = asyncio.create_task(self._claim())
                sent, retried = self._sent, self._retried
                for _, group in groupby(rows, key=lambda r: r.priority):
                    queue = iter(list(group))
                    await asyncio.gather(*(self._send_all(m, queue) for m in mailers))
                await self._outcomes.drain()
                self._tokens.discard(rows[0].claim_token)
                if self._sent == sent and self._retried > retried:
                    break  # nothing got through (the server is down): try again next run
        finally:
            heartbeat.cancel()
            await self._outcomes.drain()
            for mailer in mailers:
                await mailer.close()
            if claim is not None:  # a batch claimed but not sent: hand it back at once
                try:
                    await _release(await claim)
                except Exception:  # its lease runs out instead
                    log.warning("could not hand back unsent claims", exc_info=True)
        return DispatchResult(self._sent, self._retried, self._failed)

    async def _claim(self) -> list[Notification]:
        token, rows = await _claim_due(self.limit)
        if rows:
            self._tokens.add(token)
        return rows

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                self._outcomes.start()  # a slow server: do not keep outcomes waiting
                for token in list(self._tokens):
                    await renew_lease(token)
            except Exception:  # a missed renewal only shortens the lease; keep sending
                log.warning("could not renew the outbox lease", exc_info=True)
            self.renewed.set()

    async def _send_all(self, mailer: Mailer, queue: Iterator[Notification]) -> None:
        for row in queue:
            if self._outcomes.unwritten() >= MAX_UNWRITTEN:
                await self._outcomes.drain()
            await self._send(mailer, row)
            self._outcomes.add(row)

    async def _send(self, mailer: Mailer, row: Notification) -> None:
        row.attempts += 1
        try:
            if not mailer.is_dev_mailbox:
                await mailer.send(message_for(row, self.settings))
        except MailError as exc:
            row.last_error = str(exc)[:2000]
            if exc.permanent or row.attempts >= self.settings.scheduler.max_attempts:
                row.status = NotificationStatus.FAILED
                self._failed += 1
            else:
                row.status = NotificationStatus.PENDING
                row.next_try_at = clock.now() + backoff(row.attempts)
                self._retried += 1
            log.warning("notification %s not sent (attempt %s): %s", row.id, row.attempts, exc)
        else:
            row.status = NotificationStatus.SENT
            row.sent_at = clock.now()
            row.transport = "devmailbox" if mailer.is_dev_mailbox else "smtp"
            self._sent += 1


async def dispatch_due(settings: Settings, *, limit: int = BATCH_SIZE) -> DispatchResult:
    """Send due notifications until none is left (claimed ``limit`` at a time, most urgent
    first); one bad row never stops the run. Returns counts."""
    return await Dispatcher(settings, limit=limit).run()


async def retry_failed(notification_id: int) -> None:
    updated = await Notification.filter(
        id=notification_id, status=NotificationStatus.FAILED
    ).update(status=NotificationStatus.PENDING, next_try_at=clock.now(), attempts=0)
    if not updated:
        raise NotFound(_("No failed notification with that number."))


async def list_outbox(
    *, status: str = "", offset: int = 0, limit: int = 50, to_address: str = ""
) -> tuple[list[Notification], int]:
    query = Notification.all()
    if status:
        query = query.filter(status=status)
    if to_address:
        query = query.filter(to_address__icontains=to_address)
    return await query.offset(offset).limit(limit), await query.count()


async def send_test_mail(settings: Settings, address: str) -> None:
    """Send one message straight away (for `opsuite sendtestmail`). Raises MailError."""
    async with Mailer(settings.mail) as mailer:
        if mailer.is_dev_mailbox:
            raise MailError(
                "no SMTP host configured (mail.host); mail goes to /dev/mailbox", permanent=True
            )
        await mailer.send(
            build_message(
                mail=settings.mail,
                to=address,
                subject="opsuite test message",
                text="This is a test message from opsuite. Mail delivery works.",
            )
        )
