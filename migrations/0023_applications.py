from enum import StrEnum

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class ApplicationStatus(StrEnum):
    # A copy of opsuite.applications.models' enum as it is now: migrations import no app code.
    RECEIVED = "received"
    MORE_INFO = "more_info"
    APPROVED = "approved"
    DECLINED = "declined"


class Migration(migrations.Migration):
    # Applying to a program (issue #21): versioned application forms, applications, the
    # consents accepted with them, and whether a program takes only approved volunteers.

    dependencies = [("models", "0022_recurring_tasks")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FormVersion",
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
                        related_name="form_versions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("number", fields.IntField()),
                (
                    "questions",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "consents",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="form_versions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "application_form_versions",
                "app": "models",
                "unique_together": (("program", "number"),),
                "pk_attr": "id",
                "table_description": "One version of a program's form. Editing the form adds a version, and applications keep",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Application",
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
                        related_name="applications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "volunteer",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="volunteer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="applications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "version",
                    fields.ForeignKeyField(
                        "models.FormVersion",
                        source_field="version_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="applications",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        db_index=True,
                        description="RECEIVED: received\nMORE_INFO: more_info\nAPPROVED: approved\nDECLINED: declined",
                        enum_type=ApplicationStatus,
                        max_length=12,
                    ),
                ),
                (
                    "answers",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("submitted_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "decided_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="decided_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="applications_decided",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("note", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "applications",
                "app": "models",
                "unique_together": (("program", "volunteer"),),
                "pk_attr": "id",
                "table_description": "A volunteer's application to a program (one per person and program: answering again",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ConsentRecord",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "application",
                    fields.ForeignKeyField(
                        "models.Application",
                        source_field="application_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="consents",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "volunteer",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="volunteer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="consents",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "version",
                    fields.ForeignKeyField(
                        "models.FormVersion",
                        source_field="version_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="consent_records",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("consent_key", fields.CharField(max_length=12)),
                ("accepted_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "application_consents",
                "app": "models",
                "pk_attr": "id",
                "table_description": "Who accepted which consent of which form version, and when.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Intake",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "program",
                    fields.OneToOneField(
                        "models.Program",
                        source_field="program_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="intake",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("requires_application", fields.BooleanField(default=False)),
                ("current_version", fields.IntField(default=0)),
            ],
            options={
                "table": "application_intakes",
                "app": "models",
                "pk_attr": "id",
                "table_description": "How a program takes volunteers: ``requires_application`` means only those whose",
            },
            bases=["Model"],
        ),
    ]
