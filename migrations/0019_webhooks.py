import functools
from enum import StrEnum
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class DeliveryStatus(StrEnum):
    # A copy of opsuite.hooks.models' enum as it is now: migrations import no app code.
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Migration(migrations.Migration):
    dependencies = [("models", "0018_feed_state")]

    initial = False

    # Outgoing webhooks (issue #22): endpoints admins register, one delivery per (event,
    # endpoint) on the leased queue, and every attempt at it.

    operations = [
        ops.CreateModel(
            name="WebhookEndpoint",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("url", fields.CharField(max_length=500)),
                ("description", fields.CharField(default="", max_length=200)),
                (
                    "events",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("secret", fields.CharField(max_length=80)),
                ("active", fields.BooleanField(default=True)),
                (
                    "failing_since",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("paused_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("last_ok_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="webhook_endpoints",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "webhook_endpoints",
                "app": "models",
                "pk_attr": "id",
                "table_description": "One receiver's address, the event kinds it wants and the secret its posts are signed",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "endpoint",
                    fields.ForeignKeyField(
                        "models.WebhookEndpoint",
                        source_field="endpoint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("event_id", fields.CharField(max_length=40)),
                ("event_type", fields.CharField(max_length=40)),
                ("dedupe_key", fields.CharField(unique=True, max_length=120)),
                ("body", fields.TextField(unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=DeliveryStatus.PENDING,
                        description="PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed",
                        enum_type=DeliveryStatus,
                        max_length=12,
                    ),
                ),
                ("attempts", fields.IntField(default=0)),
                ("next_try_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("claimed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("claim_token", fields.CharField(default="", max_length=32)),
                ("last_error", fields.CharField(default="", max_length=300)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "webhook_deliveries",
                "app": "models",
                "indexes": [Index(fields=["status", "next_try_at"])],
                "pk_attr": "id",
                "table_description": "One event on its way to one endpoint, with the exact body that is signed and sent (a",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WebhookAttempt",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "delivery",
                    fields.ForeignKeyField(
                        "models.WebhookDelivery",
                        source_field="delivery_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("status_code", fields.IntField(null=True)),
                ("error", fields.CharField(default="", max_length=300)),
                ("duration_ms", fields.IntField(default=0)),
            ],
            options={
                "table": "webhook_attempts",
                "app": "models",
                "pk_attr": "id",
                "table_description": "One try at a delivery: the receiver's status code (none when it never answered), a",
            },
            bases=["Model"],
        ),
    ]
