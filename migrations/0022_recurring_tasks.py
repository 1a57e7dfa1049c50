from enum import StrEnum

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class RepeatMode(StrEnum):
    # A copy of opsuite.tasks.models' enum as it is now: migrations import no app code.
    AFTER_COMPLETION = "after_completion"
    FIXED_SCHEDULE = "fixed_schedule"


class RepeatUnit(StrEnum):
    # A copy of opsuite.tasks.models' enum as it is now.
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


class Migration(migrations.Migration):
    dependencies = [("models", "0021_leave_balances")]

    initial = False

    # Recurring tasks (issue #23): the repeat rule on the task, and the link from each next
    # instance to the one it follows (unique, so a task has at most one next instance).
    # Every column is nullable or defaulted, so the previous release keeps running.

    operations = [
        ops.AddField(
            model_name="Task",
            name="previous",
            field=fields.OneToOneField(
                "models.Task",
                source_field="previous_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="next_instance",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ops.AddField(
            model_name="Task",
            name="repeat_every",
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name="Task",
            name="repeat_mode",
            field=fields.CharEnumField(
                null=True,
                description="AFTER_COMPLETION: after_completion\nFIXED_SCHEDULE: fixed_schedule",
                enum_type=RepeatMode,
                max_length=16,
            ),
        ),
        ops.AddField(
            model_name="Task",
            name="repeat_timezone",
            field=fields.CharField(default="", max_length=64),
        ),
        ops.AddField(
            model_name="Task",
            name="repeat_unit",
            field=fields.CharEnumField(
                null=True,
                description="DAYS: days\nWEEKS: weeks\nMONTHS: months",
                enum_type=RepeatUnit,
                max_length=8,
            ),
        ),
    ]
