"""The outbox: every email opsuite sends is a row here first."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Notification(Model):
    id = fields.BigIntField(primary_key=True)
    recipient = fields.ForeignKeyField(
        "models.User", related_name="notifications", null=True, on_delete=fields.SET_NULL
    )
    to_address = fields.CharField(max_length=254)
    kind = fields.CharField(max_length=60)
    subject = fields.CharField(max_length=250)
    body_text = fields.TextField()
    body_html = fields.TextField(default="")
    dedupe_key = fields.CharField(max_length=200, unique=True)
    status = fields.CharEnumField(
        NotificationStatus, max_length=12, default=NotificationStatus.PENDING
    )
    due_at = fields.DatetimeField(db_index=True)
    attempts = fields.IntField(default=0)
    next_try_at = fields.DatetimeField(db_index=True)
    claimed_at = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=32, default="")
    last_error = fields.TextField(default="")
    sent_at = fields.DatetimeField(null=True)
    transport = fields.CharField(max_length=12, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "notifications"
        ordering = ["-created_at", "-id"]
