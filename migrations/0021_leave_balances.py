from enum import StrEnum

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


# Copies of opsuite.schedules.models' enums as they are now: migrations import no app code.
class TimeOffKind(StrEnum):
    VACATION = "vacation"
    SICK = "sick"
    OTHER = "other"


class Accrual(StrEnum):
    YEARLY = "yearly"
    MONTHLY = "monthly"


class CarryOver(StrEnum):
    NONE = "none"
    UP_TO = "up_to"
    ALL = "all"


class Migration(migrations.Migration):
    dependencies = [("models", "0020_occurrence_answers")]

    initial = False

    # Leave balances (issue #23): each kind's rule, and a person's own allowance per year.

    operations = [
        ops.CreateModel(
            name="LeaveAllowance",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="leave_allowances",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="VACATION: vacation\nSICK: sick\nOTHER: other",
                        enum_type=TimeOffKind,
                        max_length=10,
                    ),
                ),
                ("year", fields.SmallIntField()),
                ("days", fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
                ("carried_over", fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
                (
                    "set_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="set_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="leave_allowances_set",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "leave_allowances",
                "app": "models",
                "unique_together": (("user", "kind", "year"),),
                "pk_attr": "id",
                "table_description": "One person's own figures for one kind of leave and year, set by their manager: the",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LeavePolicy",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        unique=True,
                        description="VACATION: vacation\nSICK: sick\nOTHER: other",
                        enum_type=TimeOffKind,
                        max_length=10,
                    ),
                ),
                ("limited", fields.BooleanField(default=False)),
                (
                    "accrual",
                    fields.CharEnumField(
                        default=Accrual.YEARLY,
                        description="YEARLY: yearly\nMONTHLY: monthly",
                        enum_type=Accrual,
                        max_length=8,
                    ),
                ),
                ("days_per_year", fields.DecimalField(default=0, max_digits=6, decimal_places=2)),
                ("days_per_month", fields.DecimalField(default=0, max_digits=5, decimal_places=2)),
                (
                    "carry_over",
                    fields.CharEnumField(
                        default=CarryOver.NONE,
                        description="NONE: none\nUP_TO: up_to\nALL: all",
                        enum_type=CarryOver,
                        max_length=6,
                    ),
                ),
                ("carry_over_max", fields.DecimalField(default=0, max_digits=6, decimal_places=2)),
                (
                    "full_time_hours",
                    fields.DecimalField(default=40, max_digits=5, decimal_places=2),
                ),
                ("first_year", fields.SmallIntField()),
                (
                    "updated_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="updated_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="leave_policies_set",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "leave_policies",
                "app": "models",
                "pk_attr": "id",
                "table_description": "The organisation's rule for one kind of leave: how many days a full-time person has a",
            },
            bases=["Model"],
        ),
    ]
