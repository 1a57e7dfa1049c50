from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Activity(Model):
    """One line of the activity log: who did what (a dotted code) to which thing, and when."""

    id = fields.BigIntField(primary_key=True)
    actor = fields.ForeignKeyField(
        "models.User", related_name="activities", null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=80, db_index=True)
    target_type = fields.CharField(max_length=40, default="")
    target_id = fields.CharField(max_length=40, default="")
    data = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "activities"
        ordering = ["-created_at", "-id"]
