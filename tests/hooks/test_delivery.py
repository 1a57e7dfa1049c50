"""Webhook deliveries against a real local receiver that checks the signature: what arrives,
retries after a 500, the pause after a day of failures (on the settable clock), replay."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

import pytest

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.errors import FieldErrors
from opsuite.hooks import service as hooks
from opsuite.hooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from opsuite.notify.service import backoff, dispatch_due
from opsuite.shifts.planning import cancel_shift
from tests.conftest import make_settings
from tests.factories.auth import make_user
from tests.factories.shifts import make_opportunity, make_shift, manager_of
from tests.hooks.receiver import Receiver


async def _endpoint(receiver: Receiver, settings, events=("shift.cancelled",)):
    admin = await make_user(Role.ADMIN)
    endpoint, secret = await hooks.create_endpoint(
        admin, url=receiver.url, description="Funder CRM", events=list(events), settings=settings
    )
    receiver.secret = secret
    return admin, endpoint


async def _cancel_a_shift(settings):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    shift = await make_shift(opportunity)
    await cancel_shift(manager, shift, reason="", settings=settings)
    return shift


async def test_an_event_arrives_signed_with_its_id_type_and_zoned_time(receiver, settings):
    await _endpoint(receiver, settings, events=("shift.cancelled", "leave.requested"))
    shift = await _cancel_a_shift(settings)

    assert await hooks.dispatch(settings) == 1

    assert receiver.refused == []
    (got,) = receiver.received
    body = got.body
    assert set(body) == {"id", "type", "created_at", "data"}
    assert body["type"] == "shift.cancelled"
    assert got.headers["x-opsuite-event-id"] == body["id"]
    assert got.headers["x-opsuite-event"] == "shift.cancelled"
    assert body["created_at"].endswith("+00:00")
    assert body["data"]["object"] == {"type": "shift", "id": str(shift.id)}
    assert body["data"]["action"] == "shifts.shift.cancelled"
    delivery = await WebhookDelivery.get()
    assert delivery.status == DeliveryStatus.SENT
    (attempt,) = await WebhookAttempt.all()
    assert (attempt.status_code, attempt.error) == (200, "")


async def test_an_endpoint_gets_only_the_events_it_asked_for(receiver, settings):
    await _endpoint(receiver, settings, events=("leave.requested",))
    await _cancel_a_shift(settings)

    assert await hooks.dispatch(settings) == 0
    assert receiver.received == []
    assert await WebhookDelivery.all().count() == 0


async def test_a_wrong_secret_or_an_old_timestamp_is_refused_by_the_receiver(receiver, settings):
    await _endpoint(receiver, settings)
    receiver.secret = "whsec_not-the-one"
    await _cancel_a_shift(settings)
    await hooks.dispatch(settings)
    assert receiver.refused == ["bad signature"]

    (delivery,) = await WebhookDelivery.all()
    assert delivery.status == DeliveryStatus.FAILED  # a 400 is not tried again
    assert "HTTP 400" in delivery.last_error


async def test_a_500_is_tried_again_after_the_backoff_then_delivered(receiver, settings):
    _, endpoint = await _endpoint(receiver, settings)
    receiver.answers = [500]
    await _cancel_a_shift(settings)
    start = clock.now()
    clock.set_now(start)

    assert await hooks.dispatch(settings) == 0
    delivery = await WebhookDelivery.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "HTTP 500" in delivery.last_error
    assert delivery.next_try_at == start + backoff(1)
    assert await hooks.dispatch(settings) == 0  # not due yet

    clock.set_now(start + backoff(1))
    assert await hooks.dispatch(settings) == 1

    first, second = receiver.received
    assert first.raw == second.raw  # the same bytes and event id each time
    assert first.headers["x-opsuite-event-id"] == second.headers["x-opsuite-event-id"]
    await delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    codes = [a.status_code for a in await WebhookAttempt.all().order_by("at", "id")]
    assert codes == [500, 200]
    await endpoint.refresh_from_db()
    assert endpoint.failing_since is None
    assert endpoint.last_ok_at is not None


async def test_a_refused_connection_is_tried_again(receiver, settings):
    admin = await make_user(Role.ADMIN)
    await hooks.create_endpoint(
        admin,
        url="http://127.0.0.1:9/nobody-listens",
        description="",
        events=["shift.cancelled"],
        settings=settings,
    )
    await _cancel_a_shift(settings)

    await hooks.dispatch(settings)

    delivery = await WebhookDelivery.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    (attempt,) = await WebhookAttempt.all()
    assert attempt.status_code is None
    assert attempt.error


async def test_a_day_of_failures_pauses_the_endpoint_and_tells_the_admins(
    receiver, settings, inbox
):
    await make_user(Role.ADMIN, email="chen@example.org", locale="zh_Hans")
    _, endpoint = await _endpoint(receiver, settings)
    receiver.always = 503
    start = clock.now()
    clock.set_now(start)
    await _cancel_a_shift(settings)
    for _ in range(settings.scheduler.max_attempts):
        await hooks.dispatch(settings)
        clock.advance(timedelta(hours=1))
    await endpoint.refresh_from_db()
    assert endpoint.paused_at is None  # under a day yet
    assert endpoint.failing_since == start

    clock.set_now(start + timedelta(days=1, minutes=1))
    await _cancel_a_shift(settings)
    await hooks.dispatch(settings)

    await endpoint.refresh_from_db()
    assert endpoint.paused_at == clock.now()
    await dispatch_due(settings)
    mail = inbox.to("chen@example.org")
    assert len(mail) == 1
    subject = str(make_header(decode_header(mail[0].subject)))
    assert subject == f"Webhook 已暂停：{endpoint.url}"  # in the admin's language
    assert endpoint.url in mail[0].text
    assert f"/admin/webhooks/{endpoint.id}" in mail[0].text

    # Paused: new events wait, nothing is posted, until an admin resumes it.
    posted = len(receiver.received)
    receiver.always = 200
    await _cancel_a_shift(settings)
    clock.advance(timedelta(minutes=10))
    await hooks.dispatch(settings)
    assert len(receiver.received) == posted

    await hooks.resume_endpoint(await make_user(Role.ADMIN), endpoint)
    assert await hooks.dispatch(settings) >= 1
    assert receiver.received[-1].body["type"] == "shift.cancelled"


async def test_an_admin_replays_a_delivery_with_the_same_event_id(receiver, settings):
    admin, _ = await _endpoint(receiver, settings)
    await _cancel_a_shift(settings)
    await hooks.dispatch(settings)
    delivery = await WebhookDelivery.get()

    await hooks.replay(admin, delivery)
    assert await hooks.dispatch(settings) == 1

    first, again = receiver.received
    assert first.body == again.body
    assert await WebhookAttempt.filter(delivery_id=delivery.id).count() == 2


async def test_the_test_event_is_sent_at_once(receiver, settings):
    admin, endpoint = await _endpoint(receiver, settings)

    delivery = await hooks.send_test(admin, endpoint, settings)

    assert delivery.status == DeliveryStatus.SENT
    assert receiver.received[0].body["type"] == "webhook.test"


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("url", {"url": "ftp://example.org/x"}),
        ("url", {"url": "https://example.org/\x00x"}),
        ("url", {"url": ""}),
        ("events", {"events": ["shift.exploded"]}),
        ("events", {"events": []}),
        ("description", {"description": "two\nlines"}),
    ],
)
async def test_bad_endpoints_are_refused_and_nothing_is_saved(settings, field, values):
    admin = await make_user(Role.ADMIN)
    fields = {
        "url": "https://example.org/hook",
        "description": "",
        "events": ["shift.cancelled"],
        **values,
    }
    with pytest.raises(FieldErrors) as refused:
        await hooks.create_endpoint(admin, **fields, settings=settings)
    assert field in refused.value.errors
    assert await WebhookEndpoint.all().count() == 0


async def test_a_private_host_is_refused_unless_allowed(instance_dir, receiver):
    strict = make_settings(instance_dir, integrations={"allow_private_hosts": False})
    admin = await make_user(Role.ADMIN)

    with pytest.raises(FieldErrors) as refused:
        await hooks.create_endpoint(
            admin, url=receiver.url, description="", events=["shift.cancelled"], settings=strict
        )

    assert "private or local network" in refused.value.errors["url"]
    assert await WebhookEndpoint.all().count() == 0
