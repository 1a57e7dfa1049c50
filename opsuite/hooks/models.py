"""Outgoing webhooks: the endpoints admins register, one delivery per (event, endpoint) on the
leased queue, and every attempt at it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from opsuite.labels import LabelledEnum
from opsuite.web.i18n import gettext as _

if TYPE_CHECKING:
    from opsuite.auth.models import User


class DeliveryStatus(LabelledEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "pending": _("waiting to be sent"),
            "sending": _("sending"),
            "sent": _("delivered"),
            "failed": _("gave up"),
        }


class WebhookEndpoint(Model):
    """One receiver's address, the event kinds it wants and the secret its posts are signed
    with."""

    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=500)
    description = fields.CharField(max_length=200, default="")
    events: fields.JSONField[list[str]] = fields.JSONField(default=list)
    secret = fields.CharField(max_length=80)
    active = fields.BooleanField(default=True)
    # Set at the first failure after a success; a day of nothing but failures pauses it.
    failing_since = fields.DatetimeField(null=True)
    paused_at = fields.DatetimeField(null=True)
    last_ok_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="webhook_endpoints", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "webhook_endpoints"
        ordering = ["id"]


class WebhookDelivery(Model):
    """One event on its way to one endpoint, with the exact body that is signed and sent (a
    replay sends the same bytes and event id)."""

    id = fields.BigIntField(primary_key=True)
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    endpoint_id: int
    event_id = fields.CharField(max_length=40)
    event_type = fields.CharField(max_length=40)
    dedupe_key = fields.CharField(max_length=120, unique=True)
    body = fields.TextField()
    status = fields.CharEnumField(DeliveryStatus, max_length=12, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_try_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=32, default="")
    last_error = fields.CharField(max_length=300, default="")
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "webhook_deliveries"
        ordering = ["-created_at", "-id"]
        indexes = (("status", "next_try_at"),)


class WebhookAttempt(Model):
    """One try at a delivery: the receiver's status code (none when it never answered), a
    short error and how long it took."""

    id = fields.BigIntField(primary_key=True)
    delivery: fields.ForeignKeyRelation[WebhookDelivery] = fields.ForeignKeyField(
        "models.WebhookDelivery", related_name="tries", on_delete=fields.CASCADE
    )
    delivery_id: int
    at = fields.DatetimeField()
    status_code = fields.IntField(null=True)
    error = fields.CharField(max_length=300, default="")
    duration_ms = fields.IntField(default=0)

    class Meta:
        table = "webhook_attempts"
        ordering = ["-at", "-id"]
