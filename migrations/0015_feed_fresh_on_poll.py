from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0014_notification_priority")]

    initial = False

    # A poll rebuilds a feed when the activity log or the task events moved past what its
    # build saw (rows built before this release saw nothing: each is rebuilt once), and
    # one poll at a time holds the build lease.
    operations = [
        ops.AddField(
            model_name="FeedCache",
            name="seen_activity",
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="FeedCache",
            name="seen_event",
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="FeedCache",
            name="building_until",
            field=fields.DatetimeField(null=True),
        ),
    ]
