"""Chat channels (a team's or a program's group chat, reached through an incoming-webhook bot)
and the posts waiting to go to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from opsuite.labels import LabelledEnum
from opsuite.web.i18n import gettext as _

if TYPE_CHECKING:
    from opsuite.auth.models import User
    from opsuite.people.models import Program, Team


class ChatKind(LabelledEnum):
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    SLACK = "slack"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "wecom": _("WeCom group robot"),
            "dingtalk": _("DingTalk custom robot"),
            "slack": _("Slack-compatible (Slack, Mattermost, Rocket.Chat)"),
        }


class PostStatus(LabelledEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "pending": _("waiting to be sent"),
            "sending": _("sending"),
            "sent": _("sent"),
            "failed": _("could not be sent"),
        }


class ChatChannel(Model):
    """One group chat a team or a program (exactly one of them) posts its notices to."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(ChatKind, max_length=12)
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="chat_channels", null=True, on_delete=fields.CASCADE
    )
    team_id: int | None
    program: fields.ForeignKeyNullableRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="chat_channels", null=True, on_delete=fields.CASCADE
    )
    program_id: int | None
    name = fields.CharField(max_length=100)
    webhook_url = fields.CharField(max_length=500)
    secret = fields.CharField(max_length=200, default="")  # DingTalk's signing secret (SEC...)
    language = fields.CharField(max_length=12, default="en")
    active = fields.BooleanField(default=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="chat_channels", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    last_ok_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")

    class Meta:
        table = "chat_channels"
        ordering = ["name", "id"]

    @property
    def masked_secret(self) -> str:
        return f"{self.secret[:3]}…{self.secret[-2:]}" if len(self.secret) > 8 else "…"


class ChatPost(Model):
    """One notice on its way to one channel: claimed, sent and retried like the mail outbox."""

    id = fields.BigIntField(primary_key=True)
    channel: fields.ForeignKeyRelation[ChatChannel] = fields.ForeignKeyField(
        "models.ChatChannel", related_name="posts", on_delete=fields.CASCADE
    )
    channel_id: int
    event = fields.CharField(max_length=60)
    dedupe_key = fields.CharField(max_length=200, unique=True)
    title = fields.CharField(max_length=300)
    lines: fields.JSONField[list[str]] = fields.JSONField(default=list)
    link = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(PostStatus, max_length=12, default=PostStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_try_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=32, default="")
    last_error = fields.TextField(default="")
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "chat_posts"
        ordering = ["-created_at", "-id"]
        indexes = (("status", "next_try_at"),)
