"""Teams, programs and who belongs to or may see them."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Team(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    description = fields.TextField(default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "teams"
        ordering = ["name"]


class TeamMember(Model):
    id = fields.IntField(primary_key=True)
    team = fields.ForeignKeyField("models.Team", related_name="members", on_delete=fields.CASCADE)
    user = fields.ForeignKeyField(
        "models.User", related_name="team_memberships", on_delete=fields.CASCADE
    )
    is_manager = fields.BooleanField(default=False)

    class Meta:
        table = "team_members"
        unique_together = (("team", "user"),)


class Program(Model):
    """One of the NGO's projects. Shifts, boards and meetings belong to one."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    description = fields.TextField(default="")
    funder = fields.CharField(max_length=120, default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "programs"
        ordering = ["name"]


class ProgramAccess(StrEnum):
    MANAGE = "manage"
    READ = "read"


class ProgramRole(Model):
    """A manager who runs a program, or anyone given read-only access (a board member, a funder)."""

    id = fields.IntField(primary_key=True)
    program = fields.ForeignKeyField(
        "models.Program", related_name="roles", on_delete=fields.CASCADE
    )
    user = fields.ForeignKeyField(
        "models.User", related_name="program_roles", on_delete=fields.CASCADE
    )
    access = fields.CharEnumField(ProgramAccess, max_length=8)

    class Meta:
        table = "program_roles"
        unique_together = (("program", "user"),)
