from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from opsuite.auth.models import User


class ContactRequest(Model):
    """A question sent to the administrators from the help pages."""

    id = fields.IntField(primary_key=True)
    sender: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="contact_requests", null=True, on_delete=fields.SET_NULL
    )
    sender_id: int | None
    name = fields.CharField(max_length=120)
    email = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    message = fields.TextField()
    page = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(db_index=True)
    handled_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="contact_requests_handled",
        null=True,
        on_delete=fields.SET_NULL,
    )
    handled_by_id: int | None
    handled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "contact_requests"
        ordering = ["-created_at", "-id"]
