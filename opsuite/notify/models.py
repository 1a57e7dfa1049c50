"""The outbox (every email opsuite sends is a row here first), people's notification
preferences, and a record of scheduled job runs shared by every process."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from opsuite.labels import LabelledEnum
from opsuite.web.i18n import gettext as _

if TYPE_CHECKING:
    from opsuite.auth.models import User


class NotificationStatus(LabelledEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "pending": _("waiting to be sent"),
            "sending": _("sending"),
            "sent": _("sent"),
            "failed": _("could not be sent"),
            "cancelled": _("cancelled"),
        }


class JobOutcome(LabelledEnum):
    """How a scheduled job's last run ended (``JobRun.last_status``)."""

    OK = "ok"
    FAILED = "failed"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {"ok": _("succeeded"), "failed": _("failed")}


class Notification(Model):
    id = fields.BigIntField(primary_key=True)
    recipient: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", null=True, on_delete=fields.SET_NULL
    )
    recipient_id: int | None
    to_address = fields.CharField(max_length=254)
    kind = fields.CharField(max_length=60)
    subject = fields.CharField(max_length=250)
    body_text = fields.TextField()
    body_html = fields.TextField(default="")
    ics = fields.TextField(default="")
    list_unsubscribe = fields.CharField(max_length=300, default="")
    item_key = fields.CharField(max_length=80, default="", db_index=True)
    dedupe_key = fields.CharField(max_length=200, unique=True)
    status = fields.CharEnumField(
        NotificationStatus, max_length=12, default=NotificationStatus.PENDING
    )
    due_at = fields.DatetimeField(db_index=True)
    # 0 urgent, 1 normal, 2 bulk (service.priority_of); the database default lets the column be
    # added to a table that already holds mail (migration 0014).
    priority = fields.SmallIntField(default=1, db_default=1)
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
        # The dispatcher's claim: due pending rows, most urgent first, then by due time.
        indexes = (("status", "priority", "next_try_at"),)


class NotificationPreference(Model):
    """What a person wants to be told, how early, and when not to be disturbed."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="notification_preference", on_delete=fields.CASCADE
    )
    user_id: int
    disabled_kinds: fields.JSONField[list[str]] = fields.JSONField(default=list)
    lead_minutes: fields.JSONField[dict[str, list[int]]] = fields.JSONField(default=dict)
    quiet_start_minute = fields.SmallIntField(null=True)  # minutes since local midnight
    quiet_end_minute = fields.SmallIntField(null=True)

    class Meta:
        table = "notification_preferences"


class JobRun(Model):
    """The last run of each scheduled job, whichever process ran it."""

    job_id = fields.CharField(max_length=60, primary_key=True)
    last_started_at = fields.DatetimeField(null=True)
    last_finished_at = fields.DatetimeField(null=True)
    last_status = fields.CharField(max_length=12, default="")
    last_error = fields.TextField(default="")
    runs = fields.IntField(default=0)

    class Meta:
        table = "job_runs"
