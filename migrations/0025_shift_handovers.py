from enum import StrEnum

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class HandoverKind(StrEnum):
    # Copies of opsuite.shifts.models' enums as they are now: migrations import no app code.
    NAMED = "named"
    SWAP = "swap"


class HandoverStatus(StrEnum):
    OFFERED = "offered"
    AWAITING_APPROVAL = "awaiting_approval"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    EXPIRED = "expired"


class Migration(migrations.Migration):
    dependencies = [("models", "0024_funder_reports")]

    initial = False

    # Handing a shift to a named person, and a program's choice to approve swaps and
    # hand-overs or to offer swapped places to the waitlist first (issue #23).

    operations = [
        ops.CreateModel(
            name="ShiftHandover",
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
                        related_name="handovers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "giver",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="giver_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="handovers_given",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "recipient",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="recipient_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="handovers_received",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="NAMED: named\nSWAP: swap", enum_type=HandoverKind, max_length=8
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=HandoverStatus.OFFERED,
                        description="OFFERED: offered\nAWAITING_APPROVAL: awaiting_approval\nCOMPLETED: completed\nDECLINED: declined\nWITHDRAWN: withdrawn\nREJECTED: rejected\nEXPIRED: expired",
                        enum_type=HandoverStatus,
                        max_length=20,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "expires_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "answered_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "decided_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="decided_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="handovers_decided",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "shift_handovers",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A volunteer's place on a shift passing to one other person: offered to a named",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="ProgramShiftPolicy",
            name="approve_transfers",
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name="ProgramShiftPolicy",
            name="swaps_follow_waitlist",
            field=fields.BooleanField(default=False),
        ),
    ]
