from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0025_shift_handovers")]

    initial = False

    # Weekly availability and blackout dates, invitations to short shifts, late cancellations,
    # and the policy's late-cancellation and invitation windows (issue #21).

    operations = [
        ops.CreateModel(
            name="AvailabilityBlock",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "volunteer",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="volunteer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="availability_blocks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("weekday", fields.SmallIntField()),
                ("start_minute", fields.SmallIntField()),
                ("end_minute", fields.SmallIntField()),
                ("timezone", fields.CharField(max_length=64)),
            ],
            options={
                "table": "volunteer_availability",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A weekly stretch a volunteer can usually give: a weekday and wall-clock times in their",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Blackout",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "volunteer",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="volunteer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="blackouts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("first_day", fields.DateField()),
                ("last_day", fields.DateField()),
                ("timezone", fields.CharField(max_length=64)),
                ("note", fields.CharField(default="", max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "volunteer_blackouts",
                "app": "models",
                "pk_attr": "id",
                "table_description": "Days a volunteer cannot come, whatever their weekly availability: local dates (both",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ShiftInvitation",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "shift",
                    fields.ForeignKeyField(
                        "models.Shift",
                        source_field="shift_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="invitations",
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
                        related_name="shift_invitations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "invited_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="invited_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="shift_invitations_sent",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("invited_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "shift_invitations",
                "app": "models",
                "unique_together": (("shift", "volunteer"),),
                "pk_attr": "id",
                "table_description": "A volunteer a coordinator invited to a short shift, once per person and shift.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="ProgramShiftPolicy",
            name="invite_within_days",
            field=fields.SmallIntField(default=7),
        ),
        ops.AddField(
            model_name="ProgramShiftPolicy",
            name="late_cancel_hours",
            field=fields.SmallIntField(default=24),
        ),
        ops.AddField(
            model_name="SignUp",
            name="cancelled_late",
            field=fields.BooleanField(default=False),
        ),
    ]
