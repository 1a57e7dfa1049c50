from enum import StrEnum

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Response(StrEnum):
    # A copy of opsuite.meetings.models' enum as it is now: migrations import no app code.
    NEEDS_ACTION = "needs_action"
    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"


class Migration(migrations.Migration):
    dependencies = [("models", "0019_webhooks")]

    initial = False

    # Answers per occurrence (issue #23): an attendee's answer for one occurrence of a series,
    # beside their answer to the whole series on meeting_attendees.

    operations = [
        ops.CreateModel(
            name="OccurrenceAnswer",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "attendee",
                    fields.ForeignKeyField(
                        "models.Attendee",
                        source_field="attendee_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="occurrence_answers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("original_start", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "response",
                    fields.CharEnumField(
                        description=(
                            "NEEDS_ACTION: needs_action\nACCEPTED: accepted\n"
                            "TENTATIVE: tentative\nDECLINED: declined"
                        ),
                        enum_type=Response,
                        max_length=16,
                    ),
                ),
                ("responded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "meeting_occurrence_answers",
                "app": "models",
                "unique_together": (("attendee", "original_start"),),
                "pk_attr": "id",
                "table_description": (
                    "An attendee's answer for one occurrence of a series, where it differs "
                    "from their answer"
                ),
            },
            bases=["Model"],
        ),
    ]
