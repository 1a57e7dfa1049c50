from enum import StrEnum

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Visibility(StrEnum):
    # A copy of opsuite.meetings.models.Visibility as it is now: migrations import no app code.
    ORGANISATION = "organisation"
    TEAM = "team"
    ATTENDEES = "attendees"


class Migration(migrations.Migration):
    dependencies = [("models", "0009_feeds")]

    initial = False

    # Existing meetings become "team": seen by the organiser's and the meeting's teams and the
    # attendees, no longer by every staff member (issue #15, defect 5).
    operations = [
        ops.AddField(
            model_name="Meeting",
            name="visibility",
            field=fields.CharEnumField(
                default=Visibility.TEAM,
                description="ORGANISATION: organisation\nTEAM: team\nATTENDEES: attendees",
                enum_type=Visibility,
                max_length=16,
            ),
        ),
    ]
