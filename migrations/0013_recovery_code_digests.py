from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0012_two_factor")]

    initial = False

    # Recovery codes are now 16 characters kept as SHA-256 digests and found by a lookup, not
    # argon2 hashes checked one by one (ten argon2 checks made a login take seconds). The column
    # keeps its length so rows of the previous release still fit; they simply stop matching.
    operations = [
        ops.AlterModelOptions(
            name="RecoveryCode",
            options={
                "table": "recovery_codes",
                "app": "models",
                "pk_attr": "id",
                "table_description": (
                    "A one-time code for signing in without the authenticator, stored hashed "
                    "(SHA-256)."
                ),
            },
        ),
        ops.AlterField(
            model_name="RecoveryCode",
            name="code_hash",
            field=fields.CharField(db_index=True, max_length=255),
        ),
    ]
