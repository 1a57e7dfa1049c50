"""What the reports area keeps of its own: the narrative a manager writes for a program's
report over a period, and the read-only links that share that report with people who have no
account (a funder, a board). A link's token is shown once and stored as its SHA-256 digest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from opsuite.auth.models import User
    from opsuite.people.models import Program


class ReportNarrative(Model):
    """The text shown on a program's report for one period (from, to: the org's dates)."""

    id = fields.IntField(primary_key=True)
    program: fields.ForeignKeyRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="report_narratives", on_delete=fields.CASCADE
    )
    program_id: int
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    text = fields.TextField(default="")
    updated_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="report_narratives", null=True, on_delete=fields.SET_NULL
    )
    updated_by_id: int | None
    updated_at = fields.DatetimeField()

    class Meta:
        table = "report_narratives"
        unique_together = (("program", "starts_on", "ends_on"),)


class ReportShareLink(Model):
    """A read-only address of a program's report for one period. Revoked links are kept (with
    revoked_at) so the address answers "withdrawn" rather than "unknown"."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=12)
    program: fields.ForeignKeyRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="report_links", on_delete=fields.CASCADE
    )
    program_id: int
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    label = fields.CharField(max_length=120, default="")
    expires_on = fields.DateField(null=True)  # last day it works (org's dates)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="report_links", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "report_share_links"
        indexes = (("program_id", "starts_on", "ends_on"),)
