from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0011_newcomer_holds")]

    initial = False

    # Two-factor sign-in (issue #15): authenticators, recovery codes, and the half-logged-in
    # state between the password and the code. New tables only, so the previous release runs on.
    operations = [
        ops.CreateModel(
            name="TwoFactor",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.OneToOneField(
                        "models.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="two_factor",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("secret", fields.CharField(max_length=64)),
                (
                    "confirmed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("last_used_step", fields.BigIntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "two_factor",
                "app": "models",
                "pk_attr": "id",
                "table_description": (
                    "A person's authenticator app (TOTP, RFC 6238). Unconfirmed while enrolling."
                ),
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RecoveryCode",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="recovery_codes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("code_hash", fields.CharField(max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "recovery_codes",
                "app": "models",
                "pk_attr": "id",
                "table_description": (
                    "A one-time code for signing in without the authenticator, stored hashed "
                    "(argon2)."
                ),
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LoginChallenge",
            fields=[
                (
                    "id",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="login_challenges",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("next_url", fields.CharField(default="/", max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "expires_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "login_challenges",
                "app": "models",
                "pk_attr": "id",
                "table_description": (
                    "The half-login between the password and the second step, kept on the server."
                ),
            },
            bases=["Model"],
        ),
    ]
