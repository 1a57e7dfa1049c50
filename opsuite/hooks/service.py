"""Outgoing webhooks: endpoints (admins only), one delivery per (event, endpoint) queued on the
leased queue (``opsuite.notify.queue``), signed posts, retries, replays and the pause of an
endpoint that has failed for a day (docs/webhooks.md).

A delivery keeps the exact body it sends, so every attempt and every replay carries the same
bytes and the same event id; only the signature's timestamp is new each time. A 2xx answer
delivers it; a timeout, a refused connection, 408, 429 or a 5xx is tried again after the
outbox's back-off (1, 2, 4 ... minutes, at most six hours) up to ``scheduler.max_attempts``;
any other answer gives up at once. Redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx

from opsuite import clock
from opsuite.audit.models import Activity
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, people_with
from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, NotFound
from opsuite.hooks import events
from opsuite.hooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from opsuite.notify.queue import LeasedQueue
from opsuite.notify.service import backoff, enqueue_email
from opsuite.web.i18n import gettext as _
from opsuite.web.outbound import host_problem
from opsuite.web.text import has_control, is_web_link

if TYPE_CHECKING:
    from opsuite.settings import Settings

MAX_DESCRIPTION = 200
TIMEOUT_SECONDS = 10.0
BATCH_SIZE = 50
PAUSE_AFTER = timedelta(days=1)  # of nothing but failures
RETRY_STATUSES = frozenset({408, 429})
DELIVERIES = LeasedQueue(WebhookDelivery, ("next_try_at", "id"))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: str) -> str:
    """``X-Opsuite-Signature``: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def headers_for(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "opsuite-webhooks/1",
        "X-Opsuite-Event": delivery.event_type,
        "X-Opsuite-Event-Id": delivery.event_id,
        "X-Opsuite-Signature": signature(
            endpoint.secret, int(clock.now().timestamp()), delivery.body
        ),
    }


# --- endpoints -----------------------------------------------------------------------------


async def check_endpoint(
    *, url: str, description: str, events: list[str], settings: Settings
) -> dict[str, Any]:
    """The fields of an endpoint, cleaned. Raises FieldErrors naming each field at fault."""
    url, description = url.strip(), description.strip()
    errors: dict[str, str] = {}
    if not url:
        errors["url"] = _("Enter the address to post events to.")
    elif not is_web_link(url):
        errors["url"] = _("Enter one web address (https://...), without spaces.")
    elif not url.lower().startswith("https://") and settings.is_production:
        errors["url"] = _("The address must start with https://.")
    elif problem := await host_problem(
        url, allow_private=settings.integrations.allow_private_hosts
    ):
        errors["url"] = problem
    if len(description) > MAX_DESCRIPTION or has_control(description):
        errors["description"] = _(
            "Describe it in at most %(n)s characters, on one line.", n=MAX_DESCRIPTION
        )
    if not events or not isinstance(events, list) or any(e not in events_kinds() for e in events):
        errors["events"] = _("Choose at least one event from the list.")
    if errors:
        raise FieldErrors(errors)
    return {"url": url, "description": description, "events": sorted(set(events))}


def events_kinds() -> tuple[str, ...]:
    return tuple(events.KINDS)


async def create_endpoint(
    actor: User, *, url: str, description: str, events: list[str], settings: Settings
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint; returns it and its secret (shown this once). Raises FieldErrors."""
    await authorize(actor, Cap.ADMIN)
    fields = await check_endpoint(
        url=url, description=description, events=events, settings=settings
    )
    secret = new_secret()
    endpoint = await WebhookEndpoint.create(
        **fields, secret=secret, created_by=actor, created_at=clock.now()
    )
    await record(actor, "hooks.endpoint.created", endpoint, events=endpoint.events)
    return endpoint, secret


async def update_endpoint(
    actor: User,
    endpoint: WebhookEndpoint,
    *,
    url: str,
    description: str,
    events: list[str],
    active: bool,
    settings: Settings,
) -> WebhookEndpoint:
    """Raises PermissionDenied or FieldErrors."""
    await authorize(actor, Cap.ADMIN)
    fields = await check_endpoint(
        url=url, description=description, events=events, settings=settings
    )
    endpoint.update_from_dict({**fields, "active": active})
    await endpoint.save()
    await record(actor, "hooks.endpoint.updated", endpoint, events=endpoint.events, active=active)
    return endpoint


async def regenerate_secret(actor: User, endpoint: WebhookEndpoint) -> str:
    """A new secret (shown once); posts from now on are signed with it."""
    await authorize(actor, Cap.ADMIN)
    endpoint.secret = new_secret()
    await endpoint.save(update_fields=["secret"])
    await record(actor, "hooks.endpoint.secret_changed", endpoint)
    return endpoint.secret


async def delete_endpoint(actor: User, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint with its deliveries and their attempts."""
    await authorize(actor, Cap.ADMIN)
    await record(actor, "hooks.endpoint.deleted", endpoint, url=endpoint.url)
    await endpoint.delete()


async def resume_endpoint(actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Take a paused endpoint up again: what waited for it is sent at the next run."""
    await authorize(actor, Cap.ADMIN)
    endpoint.paused_at = None
    endpoint.failing_since = None
    await endpoint.save(update_fields=["paused_at", "failing_since"])
    await WebhookDelivery.filter(endpoint_id=endpoint.id, status=DeliveryStatus.PENDING).update(
        next_try_at=clock.now()
    )
    await record(actor, "hooks.endpoint.resumed", endpoint)
    return endpoint


async def list_endpoints(*, offset: int = 0, limit: int = 50) -> tuple[list[WebhookEndpoint], int]:
    query = WebhookEndpoint.all()
    return await query.offset(offset).limit(limit), await query.count()


async def get_endpoint(endpoint_id: int) -> WebhookEndpoint:
    """Raises NotFound."""
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id)
    if endpoint is None:
        raise NotFound(_("No such webhook endpoint."))
    return endpoint


async def get_delivery(delivery_id: int) -> WebhookDelivery:
    """Raises NotFound."""
    delivery = await WebhookDelivery.get_or_none(id=delivery_id)
    if delivery is None:
        raise NotFound(_("No such webhook delivery."))
    return delivery


async def list_deliveries(
    endpoint: WebhookEndpoint, *, offset: int = 0, limit: int = 20
) -> tuple[list[WebhookDelivery], int]:
    """The endpoint's deliveries, newest first, each with its attempts (``.attempt_list``)."""
    query = WebhookDelivery.filter(endpoint_id=endpoint.id)
    rows = await query.offset(offset).limit(limit)
    tries = await WebhookAttempt.filter(delivery_id__in=[d.id for d in rows])
    for row in rows:
        row.attempt_list = [t for t in tries if t.delivery_id == row.id]
    return rows, await query.count()


# --- events --------------------------------------------------------------------------------


def body_of(event_id: str, kind: str, at: datetime, data: dict[str, Any]) -> str:
    payload = {"id": event_id, "type": kind, "created_at": at.isoformat(), "data": data}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


async def _queue(
    endpoint: WebhookEndpoint, kind: str, data: dict[str, Any], key: str, at: datetime
) -> WebhookDelivery:
    event_id = str(uuid.uuid4())
    delivery, _created = await WebhookDelivery.get_or_create(
        dedupe_key=f"{key}:{endpoint.id}",
        defaults={
            "endpoint_id": endpoint.id,
            "event_id": event_id,
            "event_type": kind,
            "body": body_of(event_id, kind, at, data),
            "next_try_at": clock.now(),
            "created_at": clock.now(),
        },
    )
    return delivery


async def emit(kind: str, data: dict[str, Any], *, key: str, at: datetime) -> int:
    """Queue one delivery of an event for each active endpoint that asked for ``kind`` (once
    per ``key``: a repeat adds nothing); returns how many."""
    count = 0
    for endpoint in await WebhookEndpoint.filter(active=True):
        if kind in endpoint.events:
            await _queue(endpoint, kind, data, key, at)
            count += 1
    return count


async def on_activity(activity: Activity) -> None:
    """``audit.service.after_record``: the deliveries an activity line calls for (most: none)."""
    kind = events.event_type_of(activity)
    if kind is not None:
        data = events.data_of(activity)
        await emit(kind, data, key=f"activity:{activity.id}", at=activity.created_at)


async def send_test(
    actor: User,
    endpoint: WebhookEndpoint,
    settings: Settings,
    *,
    wait_seconds: float = TIMEOUT_SECONDS,
) -> WebhookDelivery:
    """Queue a ``webhook.test`` event for the endpoint and try it now; returns the delivery
    (delivered, or waiting for its retry)."""
    await authorize(actor, Cap.ADMIN)
    now = clock.now()
    data = {"message": "This is a test event from opsuite.", "actor_id": actor.id}
    delivery = await _queue(endpoint, events.TEST, data, f"test:{uuid.uuid4()}", now)
    token = secrets.token_hex(8)
    taken = await WebhookDelivery.filter(id=delivery.id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claim_token=token, claimed_at=now
    )
    if taken:
        await delivery.refresh_from_db()
        async with httpx.AsyncClient(timeout=wait_seconds, follow_redirects=False) as client:
            await _attempt(client, endpoint, delivery, settings, ignore_pause=True)
        await delivery.refresh_from_db()
    await record(
        actor, "hooks.endpoint.tested", endpoint, ok=delivery.status == DeliveryStatus.SENT
    )
    return delivery


async def replay(actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (same body and event id) at the next run. Raises Conflict while
    it is being sent."""
    await authorize(actor, Cap.ADMIN)
    updated = await WebhookDelivery.filter(
        id=delivery.id,
        status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.PENDING],
    ).update(
        status=DeliveryStatus.PENDING,
        next_try_at=clock.now(),
        claim_token="",  # nosec B106
    )
    if not updated:
        raise Conflict(_("This delivery is being sent right now; try again in a minute."))
    await record(actor, "hooks.delivery.replayed", delivery, event_id=delivery.event_id)
    await delivery.refresh_from_db()
    return delivery


# --- sending -------------------------------------------------------------------------------


async def _post(
    client: httpx.AsyncClient,
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    settings: Settings,
) -> tuple[int | None, str, bool]:
    """(status code or None, short error, worth retrying)."""
    problem = await host_problem(
        endpoint.url, allow_private=settings.integrations.allow_private_hosts
    )
    if problem:
        return None, problem[:300], False
    try:
        response = await client.post(
            endpoint.url, content=delivery.body.encode(), headers=headers_for(endpoint, delivery)
        )
    except httpx.TimeoutException:
        return None, "timeout", True
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300] or "connection error", True
    code = response.status_code
    if 200 <= code < 300:
        return code, "", False
    error = f"HTTP {code}: {response.text[:200]}".strip()
    return code, error[:300], code >= 500 or code in RETRY_STATUSES


async def _attempt(
    client: httpx.AsyncClient,
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    settings: Settings,
    *,
    ignore_pause: bool = False,
) -> bool:
    started = time.monotonic()
    code, error, retry = await _post(client, endpoint, delivery, settings)
    duration = int((time.monotonic() - started) * 1000)
    now = clock.now()
    await WebhookAttempt.create(
        delivery_id=delivery.id, at=now, status_code=code, error=error, duration_ms=duration
    )
    held = WebhookDelivery.filter(
        id=delivery.id, claim_token=delivery.claim_token, status=DeliveryStatus.SENDING
    )
    attempts = delivery.attempts + 1
    ok = not error
    if ok:
        await held.update(status=DeliveryStatus.SENT, attempts=attempts, sent_at=now, last_error="")
    elif retry and attempts < settings.scheduler.max_attempts:
        await held.update(
            status=DeliveryStatus.PENDING,
            attempts=attempts,
            next_try_at=now + backoff(attempts),
            last_error=error,
            claim_token="",  # nosec B106
        )
    else:
        await held.update(status=DeliveryStatus.FAILED, attempts=attempts, last_error=error)
    await _note(endpoint, ok, settings, ignore_pause=ignore_pause)
    return ok


async def _note(
    endpoint: WebhookEndpoint, ok: bool, settings: Settings, *, ignore_pause: bool
) -> None:
    """Keep the endpoint's run of failures; a day of nothing else pauses it and tells the
    admins."""
    now = clock.now()
    if ok:
        endpoint.last_ok_at, endpoint.failing_since = now, None
        await WebhookEndpoint.filter(id=endpoint.id).update(last_ok_at=now, failing_since=None)
        return
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        await WebhookEndpoint.filter(id=endpoint.id).update(failing_since=now)
        return
    if ignore_pause or endpoint.paused_at is not None or now - endpoint.failing_since < PAUSE_AFTER:
        return
    paused = await WebhookEndpoint.filter(id=endpoint.id, paused_at=None).update(paused_at=now)
    endpoint.paused_at = now
    if paused:
        await record(
            None,
            "hooks.endpoint.paused",
            endpoint,
            failing_since=endpoint.failing_since.isoformat(),
        )
        await _tell_admins(endpoint, settings)


async def _tell_admins(endpoint: WebhookEndpoint, settings: Settings) -> None:
    admins = await people_with(Cap.ADMIN)
    stamp = int(endpoint.paused_at.timestamp()) if endpoint.paused_at else 0
    for admin in admins:
        await enqueue_email(
            kind="webhook_paused",
            to=admin,
            context={"endpoint": endpoint, "link": f"/admin/webhooks/{endpoint.id}"},
            dedupe_key=f"webhook-paused:{endpoint.id}:{stamp}:{admin.id}",
            settings=settings,
        )


async def dispatch(settings: Settings, *, wait_seconds: float = TIMEOUT_SECONDS) -> int:
    """Send the due deliveries, one claim of ``BATCH_SIZE``; returns how many were delivered.
    A paused or switched-off endpoint's deliveries wait for it."""
    token, rows = await DELIVERIES.claim(BATCH_SIZE)
    if not rows:
        return 0
    endpoints = {
        e.id: e for e in await WebhookEndpoint.filter(id__in={r.endpoint_id for r in rows})
    }
    delivered, waiting = 0, False
    async with httpx.AsyncClient(timeout=wait_seconds, follow_redirects=False) as client:
        for delivery in rows:
            endpoint = endpoints[delivery.endpoint_id]
            if not endpoint.active or endpoint.paused_at is not None:
                waiting = True
                continue
            delivered += await _attempt(client, endpoint, delivery, settings)
    if waiting:
        await DELIVERIES.release(token, next_try_at=clock.now() + timedelta(minutes=5))
    return delivered
