"""The outbox: enqueue notifications, claim due ones atomically and send them exactly once.

Claiming is a conditional UPDATE (status pending -> sending, with a fresh claim token) that only
one process can win per row, on SQLite and PostgreSQL alike; rows a dead process held are
handed back after ``CLAIM_TIMEOUT``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import TYPE_CHECKING, Any

from tortoise import connections
from tortoise.exceptions import IntegrityError

from opsuite import clock
from opsuite.db import is_postgres
from opsuite.errors import NotFound
from opsuite.notify.mailer import Mailer, MailError, build_message
from opsuite.notify.models import Notification, NotificationStatus
from opsuite.settings import Settings
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import use_locale
from opsuite.web.templating import render_string

if TYPE_CHECKING:
    from opsuite.auth.models import User

log = logging.getLogger("opsuite.notify")
CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH_SIZE = 100


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
) -> Notification:
    """Queue one email, rendered now in the recipient's language and zone.

    ``timezone`` is the item's own zone (a shift's, a meeting's), used for someone without a
    zone of their own. A second call with the same dedupe key replaces a still-pending row (so
    a changed item moves its reminder) and leaves a sent one alone.
    """
    user = None if isinstance(to, str) else to
    address = to if isinstance(to, str) else to.email
    locale = user.locale if user else settings.i18n.default_locale
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


_CLAIM = """
UPDATE notifications SET status = 'sending', claimed_at = {now}, claim_token = {claim}
WHERE id IN (
    SELECT id FROM notifications
    WHERE status = 'pending' AND next_try_at <= {now}
    ORDER BY next_try_at, id LIMIT {limit}{lock}
)
"""


async def _claim_due(limit: int) -> list[Notification]:
    """Take up to ``limit`` due rows for this process in one statement. On PostgreSQL the
    subquery locks with FOR UPDATE SKIP LOCKED, so concurrent dispatchers split the rows
    without waiting; SQLite runs one writer at a time, so the statement is atomic there."""
    now = clock.now()
    await Notification.filter(
        status=NotificationStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(status=NotificationStatus.PENDING, claim_token="")  # a claim, no secret  # nosec B106
    token = secrets.token_hex(8)
    conn = connections.get("default")
    if is_postgres():
        sql = _CLAIM.format(now="$1", claim="$2", limit="$3", lock=" FOR UPDATE SKIP LOCKED")
        await conn.execute_query(sql, [now, token, limit])
    else:
        sql = _CLAIM.format(now="?", claim="?", limit="?", lock="")
        stamp = now.isoformat(" ")
        await conn.execute_query(sql, [stamp, token, stamp, limit])
    return await Notification.filter(claim_token=token, status=NotificationStatus.SENDING).order_by(
        "next_try_at", "id"
    )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


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


async def _record_outcome(row: Notification) -> None:
    """Write one send's outcome; only the holder of the claim may. Plain SQL: building the
    same UPDATE through the ORM cost more than the database round trip."""
    await connections.get("default").execute_query(
        _OUTCOME_PG if is_postgres() else _OUTCOME_SQLITE,
        [
            str(row.status),
            row.attempts,
            row.last_error,
            _db_time(row.next_try_at),
            _db_time(row.sent_at),
            row.transport,
            row.id,
            row.claim_token,
        ],
    )


def _db_time(value: datetime | None) -> datetime | str | None:
    # SQLite stores instants as ISO text in UTC, as Tortoise writes them.
    if value is None or is_postgres():
        return value
    return value.astimezone(UTC).isoformat(" ")


async def dispatch_due(settings: Settings, *, limit: int = BATCH_SIZE) -> DispatchResult:
    """Claim due notifications and send them over one connection; one bad row never stops
    the batch. Returns counts.

    Each row's outcome is written as soon as it is known, while the next message is already
    on its way (the write and the SMTP exchange overlap); a crash can then repeat at most the
    one message in flight.
    """
    rows = await _claim_due(limit)
    sent = retried = failed = 0
    if not rows:
        return DispatchResult(0, 0, 0)
    writing: asyncio.Task[None] | None = None
    async with Mailer(settings.mail) as mailer:
        for row in rows:
            now = clock.now()
            row.attempts += 1
            try:
                if not mailer.is_dev_mailbox:
                    await mailer.send(message_for(row, settings))
            except MailError as exc:
                row.last_error = str(exc)[:2000]
                if exc.permanent or row.attempts >= settings.scheduler.max_attempts:
                    row.status = NotificationStatus.FAILED
                    failed += 1
                else:
                    row.status = NotificationStatus.PENDING
                    row.next_try_at = now + backoff(row.attempts)
                    retried += 1
                log.warning("notification %s not sent (attempt %s): %s", row.id, row.attempts, exc)
            else:
                row.status = NotificationStatus.SENT
                row.sent_at = now
                row.transport = "devmailbox" if mailer.is_dev_mailbox else "smtp"
                sent += 1
            if writing is not None:
                await writing
            writing = asyncio.create_task(_record_outcome(row))
        if writing is not None:
            await writing
    return DispatchResult(sent, retried, failed)


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
