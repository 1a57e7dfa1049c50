"""What keeps typed input safe: drafts saved while typing, forms stashed when a session had
expired, and the one-time keys that make a form submission happen once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from opsuite.auth.models import User


class Draft(Model):
    """The last autosaved state of one form (by its page address) for one person."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="drafts", on_delete=fields.CASCADE
    )
    user_id: int
    form_key = fields.CharField(max_length=300)
    data: dict[str, Any] = fields.JSONField(default=dict)
    updated_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "form_drafts"
        unique_together = (("user", "form_key"),)


class StashedForm(Model):
    """A submission that could not be applied (the session had expired, or the form's CSRF
    token was stale), kept under a one-time key until its author is back."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    browser_hash = fields.CharField(max_length=64)
    form_key = fields.CharField(max_length=300)
    data: dict[str, Any] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "form_stashes"


class SubmissionKey(Model):
    """One row per form submission that was carried out (or is being carried out)."""

    key = fields.CharField(max_length=64, primary_key=True)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "form_submission_keys"
