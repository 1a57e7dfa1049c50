"""Accounts, sessions, one-time links, API tokens and login throttling."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    STAFF = "staff"
    VOLUNTEER = "volunteer"


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=120)
    password_hash = fields.CharField(max_length=255, default="")
    role = fields.CharEnumField(Role, max_length=16, default=Role.VOLUNTEER)
    timezone = fields.CharField(max_length=64, default="UTC")
    locale = fields.CharField(max_length=8, default="en")
    phone = fields.CharField(max_length=40, default="")
    skills: fields.JSONField[list[str]] = fields.JSONField(default=list)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "users"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Session(Model):
    """A server-side session. The cookie holds a random key whose SHA-256 is the id."""

    id = fields.CharField(max_length=64, primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    user_agent = fields.CharField(max_length=200, default="")

    class Meta:
        table = "sessions"


class OneTimeLink(Model):
    """Invitation and password-reset links. Single use, expiring, stored hashed."""

    id = fields.IntField(primary_key=True)
    purpose = fields.CharField(max_length=16)  # "invite" or "reset"
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="links", on_delete=fields.CASCADE
    )
    user_id: int
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="links_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_time_links"


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    user_id: int
    name = fields.CharField(max_length=80)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=12)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"
        ordering = ["-created_at"]


class LoginThrottle(Model):
    """Failed-login counters per key ("email:..." or "ip:..."), shared by every process."""

    key = fields.CharField(max_length=300, primary_key=True)
    failures = fields.IntField(default=0)
    window_started_at = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "login_throttles"


class TwoFactor(Model):
    """A person's authenticator app (TOTP, RFC 6238). Unconfirmed while enrolling.

    ``last_used_step`` is the 30-second step of the last accepted code, so a code seen once
    (over a shoulder, in a proxy log) cannot be replayed within its window."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="two_factor", on_delete=fields.CASCADE
    )
    user_id: int
    secret = fields.CharField(max_length=64)
    confirmed_at = fields.DatetimeField(null=True)
    last_used_step = fields.BigIntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "two_factor"

    def __repr__(self) -> str:
        # Never show the secret in a repr, a log line or a traceback's locals.
        return f"<TwoFactor user={self.user_id} confirmed={self.confirmed_at is not None}>"

    __str__ = __repr__


class RecoveryCode(Model):
    """A one-time code for signing in without the authenticator, stored hashed (SHA-256)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    user_id: int
    code_hash = fields.CharField(max_length=255, db_index=True)
    created_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_codes"


class LoginChallenge(Model):
    """The half-login between the password and the second step, kept on the server.

    The cookie holds a random key whose SHA-256 is the id; it is short-lived and single use."""

    id = fields.CharField(max_length=64, primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="login_challenges", on_delete=fields.CASCADE
    )
    user_id: int
    next_url = fields.CharField(max_length=500, default="/")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "login_challenges"
