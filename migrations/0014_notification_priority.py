from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0013_recovery_code_digests")]

    initial = False

    # The dispatcher sends urgent mail (cancellations, offers, sign-in links) before reminders,
    # and reminders before digests: 0 urgent, 1 normal, 2 bulk, claimed through one index.
    # Rows already queued get their kind's priority (the mapping as it stood at this release).
    operations = [
        ops.AddField(
            model_name="Notification",
            name="priority",
            field=fields.SmallIntField(default=1, db_default=1),
        ),
        ops.AddIndex(
            model_name="Notification",
            index=Index(fields=["status", "priority", "next_try_at"]),
        ),
        ops.RunSQL(
            "UPDATE notifications SET priority = 0 WHERE kind IN ('shift_cancelled', "
            "'meeting_cancelled', 'shift_offer', 'invite', 'shift_join_known', 'password_reset')",
            reverse_sql="SELECT 1",
        ),
        ops.RunSQL(
            "UPDATE notifications SET priority = 2 WHERE kind IN ('digest_daily', 'digest_weekly')",
            reverse_sql="SELECT 1",
        ),
    ]
