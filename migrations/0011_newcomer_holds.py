from enum import StrEnum

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class SignUpStatus(StrEnum):
    # A copy of opsuite.shifts.models.SignUpStatus as it is now: migrations import no app code.
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    CANCELLED = "cancelled"
    LAPSED = "lapsed"
    HELD = "held"


class Migration(migrations.Migration):
    dependencies = [("models", "0010_meeting_visibility")]

    initial = False

    # A newcomer's place is only held until their emailed link is used (issue #15, defect 2):
    # a new status and the time the hold runs out. Existing rows keep their status and no hold.
    operations = [
        ops.AlterField(
            model_name="SignUp",
            name="status",
            field=fields.CharEnumField(
                description=(
                    "CONFIRMED: confirmed\nWAITLISTED: waitlisted\nOFFERED: offered\n"
                    "CANCELLED: cancelled\nLAPSED: lapsed\nHELD: held"
                ),
                enum_type=SignUpStatus,
                max_length=12,
            ),
        ),
        ops.AddField(
            model_name="SignUp",
            name="hold_expires_at",
            field=fields.DatetimeField(null=True, db_index=True),
        ),
    ]
