import functools
from enum import StrEnum
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class ChatKind(StrEnum):
    # Copies of opsuite.chat.models' enums as they are now: migrations import no app code.
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    SLACK = "slack"


class PostStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Migration(migrations.Migration):
    dependencies = [("models", "0016_certificates")]

    initial = False

    # Chat channels (issue #22): a team's or a program's group chat reached through a webhook
    # bot, and the queue of posts to them (claimed and retried like the mail outbox). New
    # tables only.
    operations = [
        ops.CreateModel(
            name="ChatChannel",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="WECOM: wecom\nDINGTALK: dingtalk\nSLACK: slack",
                        enum_type=ChatKind,
                        max_length=12,
                    ),
                ),
                (
                    "team",
                    fields.ForeignKeyField(
                        "models.Team",
                        source_field="team_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="chat_channels",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "program",
                    fields.ForeignKeyField(
                        "models.Program",
                        source_field="program_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="chat_channels",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=100)),
                ("webhook_url", fields.CharField(max_length=500)),
                ("secret", fields.CharField(default="", max_length=200)),
                ("language", fields.CharField(default="en", max_length=12)),
                ("active", fields.BooleanField(default=True)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="chat_channels",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("last_ok_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("last_error", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "chat_channels",
                "app": "models",
                "pk_attr": "id",
                "table_description": (
                    "One group chat a team or a program (exactly one of them) posts its notices to."
                ),
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ChatPost",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "channel",
                    fields.ForeignKeyField(
                        "models.ChatChannel",
                        source_field="channel_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="posts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("event", fields.CharField(max_length=60)),
                ("dedupe_key", fields.CharField(unique=True, max_length=200)),
                ("title", fields.CharField(max_length=300)),
                (
                    "lines",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("link", fields.CharField(default="", max_length=500)),
                (
                    "status",
                    fields.CharEnumField(
                        default=PostStatus.PENDING,
                        description=(
                            "PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed"
                        ),
                        enum_type=PostStatus,
                        max_length=12,
                    ),
                ),
                ("attempts", fields.IntField(default=0)),
                ("next_try_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("claimed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("claim_token", fields.CharField(default="", max_length=32)),
                ("last_error", fields.TextField(default="", unique=False)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "chat_posts",
                "app": "models",
                "indexes": [Index(fields=["status", "next_try_at"])],
                "pk_attr": "id",
                "table_description": (
                    "One notice on its way to one channel: claimed, sent and retried "
                    "like the mail outbox."
                ),
            },
            bases=["Model"],
        ),
    ]
