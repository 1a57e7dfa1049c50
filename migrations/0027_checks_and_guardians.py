from enum import StrEnum

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class GuardianAnswer(StrEnum):
    # A copy of opsuite.applications.models.GuardianAnswer as it is now: migrations import no
    # app code.
    WAITING = "waiting"
    CONSENTED = "consented"
    DECLINED = "declined"


class Migration(migrations.Migration):
    dependencies = [("models", "0026_availability")]

    initial = False

    # Required checks per program, minors' birth dates and guardians' emailed consent
    # (issue #21).

    operations = [
        ops.CreateModel(
            name="GuardianConsent",
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
                        related_name="guardian_consents",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("nonce_digest", fields.CharField(unique=True, max_length=64)),
                ("guardian_name", fields.CharField(max_length=120)),
                ("guardian_email", fields.CharField(max_length=254)),
                ("sent_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "answer",
                    fields.CharEnumField(
                        default=GuardianAnswer.WAITING,
                        description="WAITING: waiting\nCONSENTED: consented\nDECLINED: declined",
                        enum_type=GuardianAnswer,
                        max_length=10,
                    ),
                ),
                (
                    "answered_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "version",
                    fields.ForeignKeyField(
                        "models.FormVersion",
                        source_field="version_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="guardian_consents",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("superseded", fields.BooleanField(default=False)),
            ],
            options={
                "table": "application_guardian_consents",
                "app": "models",
                "pk_attr": "id",
                "table_description": "One emailed request for a guardian's consent to a minor's application, and its answer.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RequiredCheck",
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
                        related_name="required_checks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=120)),
                ("expires", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "application_required_checks",
                "app": "models",
                "unique_together": (("program", "name"),),
                "pk_attr": "id",
                "table_description": 'Something a program\'s volunteers must have on file before signing up ("Training done",',
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CheckRecord",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "required_check",
                    fields.ForeignKeyField(
                        "models.RequiredCheck",
                        source_field="required_check_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="records",
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
                        related_name="check_records",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("done_on", fields.DateField()),
                ("expires_on", fields.DateField(null=True)),
                ("note", fields.TextField(default="", unique=False)),
                ("recorded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="check_records_made",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "application_check_records",
                "app": "models",
                "unique_together": (("required_check", "volunteer"),),
                "pk_attr": "id",
                "table_description": "A coordinator's record that a volunteer has a program's check: done on a day, valid",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Application",
            name="birth_date",
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name="Application",
            name="guardian_email",
            field=fields.CharField(default="", max_length=254),
        ),
        ops.AddField(
            model_name="Application",
            name="guardian_name",
            field=fields.CharField(default="", max_length=120),
        ),
        ops.AddField(
            model_name="Application",
            name="guardian_phone",
            field=fields.CharField(default="", max_length=40),
        ),
        ops.AddField(
            model_name="Intake",
            name="guardian_age",
            field=fields.SmallIntField(null=True),
        ),
    ]
