"""Teams, programs and who belongs to or may see them."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from opsuite.auth.models import User


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
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="members", on_delete=fields.CASCADE
    )
    team_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="team_memberships", on_delete=fields.CASCADE
    )
    user_id: int
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
    program: fields.ForeignKeyRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="roles", on_delete=fields.CASCADE
    )
    program_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="program_roles", on_delete=fields.CASCADE
    )
    user_id: int
    access = fields.CharEnumField(ProgramAccess, max_length=8)

    class Meta:
        table = "program_roles"
        unique_together = (("program", "user"),)
