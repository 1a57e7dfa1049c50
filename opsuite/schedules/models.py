"""Work arrangements, time off, public holidays and one-off exceptions.

Patterns are stored as wall-clock rules (weekday, local start and end, IANA zone), never as
UTC instants, so a daylight-saving change never moves someone's 9:00.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from opsuite.labels import LabelledEnum
from opsuite.wallclock import from_minute, optional_time
from opsuite.web.i18n import gettext as _

if TYPE_CHECKING:
    from opsuite.auth.models import User


class ArrangementKind(LabelledEnum):
    FIXED = "fixed"
    FLEXIBLE = "flexible"
    REMOTE = "remote"
    HYBRID = "hybrid"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "fixed": _("Fixed hours"),
            "flexible": _("Flexible (core hours within a window)"),
            "remote": _("Remote"),
            "hybrid": _("Hybrid (office and home days)"),
        }


class Location(LabelledEnum):
    OFFICE = "office"
    HOME = "home"
    FIELD = "field"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {"office": _("Office"), "home": _("At home"), "field": _("Field")}


class ArrangementStatus(LabelledEnum):
    ACTIVE = "active"
    PROPOSED = "proposed"
    REJECTED = "rejected"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {"active": _("In force"), "proposed": _("Proposed"), "rejected": _("Rejected")}


class Office(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    timezone = fields.CharField(max_length=64)
    address = fields.CharField(max_length=250, default="")

    class Meta:
        table = "offices"
        ordering = ["name"]


class Arrangement(Model):
    """How one person works from ``valid_from`` until the next arrangement starts."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="arrangements", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharEnumField(ArrangementKind, max_length=12)
    valid_from = fields.DateField()
    timezone = fields.CharField(max_length=64)
    office: fields.ForeignKeyNullableRelation[Office] = fields.ForeignKeyField(
        "models.Office", related_name="arrangements", null=True, on_delete=fields.SET_NULL
    )
    office_id: int | None
    # Wall-clock times as minutes since local midnight (see opsuite.wallclock).
    core_start_minute = fields.SmallIntField(null=True)
    core_end_minute = fields.SmallIntField(null=True)
    window_start_minute = fields.SmallIntField(null=True)
    window_end_minute = fields.SmallIntField(null=True)
    weekly_hours_target = fields.DecimalField(max_digits=5, decimal_places=2, null=True)
    status = fields.CharEnumField(
        ArrangementStatus, max_length=10, default=ArrangementStatus.ACTIVE
    )
    note = fields.CharField(max_length=500, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="arrangements_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="arrangements_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    created_at = fields.DatetimeField()

    blocks: fields.ReverseRelation[ArrangementBlock]

    @property
    def core_start(self) -> time | None:
        return optional_time(self.core_start_minute)

    @property
    def core_end(self) -> time | None:
        return optional_time(self.core_end_minute)

    @property
    def window_start(self) -> time | None:
        return optional_time(self.window_start_minute)

    @property
    def window_end(self) -> time | None:
        return optional_time(self.window_end_minute)

    class Meta:
        table = "arrangements"
        ordering = ["user_id", "valid_from", "id"]


class ArrangementBlock(Model):
    """One weekly block: weekday 0 (Monday) to 6, local start and end. An end at or before the
    start means the block runs past midnight into the next day."""

    id = fields.IntField(primary_key=True)
    arrangement: fields.ForeignKeyRelation[Arrangement] = fields.ForeignKeyField(
        "models.Arrangement", related_name="blocks", on_delete=fields.CASCADE
    )
    arrangement_id: int
    weekday = fields.SmallIntField()
    start_minute = fields.SmallIntField()
    end_minute = fields.SmallIntField()
    location = fields.CharEnumField(Location, max_length=8, default=Location.OFFICE)
    office: fields.ForeignKeyNullableRelation[Office] = fields.ForeignKeyField(
        "models.Office", related_name="blocks", null=True, on_delete=fields.SET_NULL
    )
    office_id: int | None

    @property
    def start(self) -> time:
        return from_minute(self.start_minute)

    @property
    def end(self) -> time:
        return from_minute(self.end_minute)

    class Meta:
        table = "arrangement_blocks"
        ordering = ["weekday", "start_minute"]


class TimeOffKind(LabelledEnum):
    VACATION = "vacation"
    SICK = "sick"
    OTHER = "other"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {"vacation": _("Vacation"), "sick": _("Sick leave"), "other": _("Other leave")}


class TimeOffStatus(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "pending": _("Waiting for a decision"),
            "approved": _("Approved"),
            "rejected": _("Not approved"),
            "cancelled": _("Cancelled"),
        }


class TimeOff(Model):
    """A leave request: whole days from start_date to end_date (inclusive), or part of one day
    between start_minute and end_minute."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="time_off", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharEnumField(TimeOffKind, max_length=10)
    start_date = fields.DateField()
    end_date = fields.DateField()
    start_minute = fields.SmallIntField(null=True)
    end_minute = fields.SmallIntField(null=True)
    reason = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(TimeOffStatus, max_length=10, default=TimeOffStatus.PENDING)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="time_off_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()

    @property
    def start_time(self) -> time | None:
        return optional_time(self.start_minute)

    @property
    def end_time(self) -> time | None:
        return optional_time(self.end_minute)

    class Meta:
        table = "time_off"
        ordering = ["start_date", "id"]


class Holiday(Model):
    id = fields.IntField(primary_key=True)
    office: fields.ForeignKeyRelation[Office] = fields.ForeignKeyField(
        "models.Office", related_name="holidays", on_delete=fields.CASCADE
    )
    office_id: int
    date = fields.DateField()
    name = fields.CharField(max_length=200)

    class Meta:
        table = "holidays"
        unique_together = (("office", "date"),)
        ordering = ["date"]


class ExceptionKind(LabelledEnum):
    DAY_OFF = "day_off"  # a swapped-away working day
    EXTRA = "extra"  # work on a day that is normally off (an extra Saturday)
    MOVE = "move"  # same hours, another place (move an office day home)

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "day_off": _("Day off (a swapped-away working day)"),
            "extra": _("Extra working day"),
            "move": _("Same hours, another place"),
        }


class ScheduleException(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="schedule_exceptions", on_delete=fields.CASCADE
    )
    user_id: int
    date = fields.DateField()
    kind = fields.CharEnumField(ExceptionKind, max_length=8)
    start_minute = fields.SmallIntField(null=True)
    end_minute = fields.SmallIntField(null=True)
    location = fields.CharEnumField(Location, max_length=8, null=True)
    office: fields.ForeignKeyNullableRelation[Office] = fields.ForeignKeyField(
        "models.Office", related_name="exceptions", null=True, on_delete=fields.SET_NULL
    )
    office_id: int | None
    note = fields.CharField(max_length=500, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="exceptions_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()

    @property
    def start(self) -> time | None:
        return optional_time(self.start_minute)

    @property
    def end(self) -> time | None:
        return optional_time(self.end_minute)

    class Meta:
        table = "schedule_exceptions"
        ordering = ["date", "id"]


class Accrual(LabelledEnum):
    YEARLY = "yearly"  # the whole year's allowance from 1 January
    MONTHLY = "monthly"  # a share at the start of each month

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {"yearly": _("All at the start of the year"), "monthly": _("A share each month")}


class CarryOver(LabelledEnum):
    NONE = "none"
    UP_TO = "up_to"
    ALL = "all"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "none": _("Nothing is carried over"),
            "up_to": _("Up to a number of days"),
            "all": _("Everything left is carried over"),
        }


class LeavePolicy(Model):
    """The organisation's rule for one kind of leave: how many days a full-time person has a
    year (or accrues a month), whether requests past the balance are refused, and what is
    carried into the next year. No row: no allowance, nothing refused."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(TimeOffKind, max_length=10, unique=True)
    limited = fields.BooleanField(default=False)
    accrual = fields.CharEnumField(Accrual, max_length=8, default=Accrual.YEARLY)
    days_per_year = fields.DecimalField(max_digits=6, decimal_places=2, default=0)
    days_per_month = fields.DecimalField(max_digits=5, decimal_places=2, default=0)
    carry_over = fields.CharEnumField(CarryOver, max_length=6, default=CarryOver.NONE)
    carry_over_max = fields.DecimalField(max_digits=6, decimal_places=2, default=0)
    full_time_hours = fields.DecimalField(max_digits=5, decimal_places=2, default=40)
    first_year = fields.SmallIntField()  # balances (and carry-over) count from this year
    updated_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="leave_policies_set", null=True, on_delete=fields.SET_NULL
    )
    updated_by_id: int | None
    updated_at = fields.DatetimeField()

    class Meta:
        table = "leave_policies"
        ordering = ["kind"]


class LeaveAllowance(Model):
    """One person's own figures for one kind of leave and year, set by their manager: the
    year's allowance (used as it is, not pro-rated) and/or the days carried in from last year
    (instead of the rule, e.g. when balances come over from another system)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="leave_allowances", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharEnumField(TimeOffKind, max_length=10)
    year = fields.SmallIntField()
    days = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    carried_over = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    set_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="leave_allowances_set", null=True, on_delete=fields.SET_NULL
    )
    set_by_id: int | None
    updated_at = fields.DatetimeField()

    class Meta:
        table = "leave_allowances"
        unique_together = (("user", "kind", "year"),)
        ordering = ["year", "kind"]
