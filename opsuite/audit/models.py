from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from opsuite.auth.models import User


class Activity(Model):
    """One line of the activity log: who did what (a dotted code) to which thing, and when."""

    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="activities", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    action = fields.CharField(max_length=80, db_index=True)
    target_type = fields.CharField(max_length=40, default="")
    target_id = fields.CharField(max_length=40, default="")
    data: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "activities"
        ordering = ["-created_at", "-id"]
