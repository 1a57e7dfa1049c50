from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0023_applications")]

    initial = False

    # A funder's report for a program (issue #22): the narrative a manager writes per program
    # and period, and the revocable read-only links that share the report (tokens hashed).

    operations = [
        ops.CreateModel(
            name="ReportNarrative",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "program",
                    fields.ForeignKeyField(
                        "models.Program",
                        source_field="program_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="report_narratives",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_on", fields.DateField()),
                ("ends_on", fields.DateField()),
                ("text", fields.TextField(default="", unique=False)),
                (
                    "updated_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="updated_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="report_narratives",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "report_narratives",
                "app": "models",
                "unique_together": (("program", "starts_on", "ends_on"),),
                "pk_attr": "id",
                "table_description": "The text shown on a program's report for one period (from, to: the org's dates).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReportShareLink",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("prefix", fields.CharField(max_length=12)),
                (
                    "program",
                    fields.ForeignKeyField(
                        "models.Program",
                        source_field="program_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="report_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_on", fields.DateField()),
                ("ends_on", fields.DateField()),
                ("label", fields.CharField(default="", max_length=120)),
                ("expires_on", fields.DateField(null=True)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="report_links",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "last_used_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "report_share_links",
                "app": "models",
                "indexes": [Index(fields=["program_id", "starts_on", "ends_on"])],
                "pk_attr": "id",
                "table_description": "A read-only address of a program's report for one period. Revoked links are kept (with",
            },
            bases=["Model"],
        ),
    ]
