"""Opportunities, shifts and series, sign-ups (with the waitlist), and volunteer hours.

Shift start and end are UTC instants; a series keeps its rule as wall-clock time in its zone
(RFC 5545 RRULE text plus a local start), so 09:00 stays 09:00 across daylight-saving changes.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from opsuite.labels import LabelledEnum
from opsuite.web.i18n import gettext as _

if TYPE_CHECKING:
    from opsuite.auth.models import User
    from opsuite.people.models import Program


class Opportunity(Model):
    """A volunteer role within a program, such as Food bank sorter."""

    id = fields.IntField(primary_key=True)
    program: fields.ForeignKeyRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="opportunities", on_delete=fields.CASCADE
    )
    program_id: int
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    location = fields.CharField(max_length=200, default="")
    is_remote = fields.BooleanField(default=False)
    required_skills: fields.JSONField[list[str]] = fields.JSONField(default=list)
    minimum_age = fields.SmallIntField(null=True)
    training_note = fields.CharField(max_length=500, default="")
    is_public = fields.BooleanField(default=False)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "shift_opportunities"
        ordering = ["title", "id"]


class ShiftSeries(Model):
    """Shifts repeating by an RFC 5545 rule, expanded at a wall-clock start in ``timezone``."""

    id = fields.IntField(primary_key=True)
    opportunity: fields.ForeignKeyRelation[Opportunity] = fields.ForeignKeyField(
        "models.Opportunity", related_name="series", on_delete=fields.CASCADE
    )
    opportunity_id: int
    rrule = fields.CharField(max_length=300)  # e.g. FREQ=WEEKLY;BYDAY=SA;UNTIL=20260630T235959
    timezone = fields.CharField(max_length=64)
    first_date = fields.DateField()  # DTSTART's local date
    start_minute = fields.SmallIntField()  # DTSTART's local time (see opsuite.wallclock)
    duration_minutes = fields.IntField()  # wall-clock length; real length follows the zone
    exdates: fields.JSONField[list[str]] = fields.JSONField(default=list)  # cancelled dates
    created_at = fields.DatetimeField()

    class Meta:
        table = "shift_series"


class ShiftStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Shift(Model):
    id = fields.IntField(primary_key=True)
    opportunity: fields.ForeignKeyRelation[Opportunity] = fields.ForeignKeyField(
        "models.Opportunity", related_name="shifts", on_delete=fields.CASCADE
    )
    opportunity_id: int
    series: fields.ForeignKeyNullableRelation[ShiftSeries] = fields.ForeignKeyField(
        "models.ShiftSeries", related_name="shifts", null=True, on_delete=fields.SET_NULL
    )
    series_id: int | None
    occurrence_date = fields.DateField(null=True)  # the series date it stands for
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    timezone = fields.CharField(max_length=64)
    capacity = fields.IntField()
    location = fields.CharField(max_length=200, default="")
    notes = fields.TextField(default="")
    lead: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="shifts_led", null=True, on_delete=fields.SET_NULL
    )
    lead_id: int | None
    status = fields.CharEnumField(ShiftStatus, max_length=10, default=ShiftStatus.SCHEDULED)
    is_detached = fields.BooleanField(default=False)  # edited apart from its series
    revision = fields.IntField(default=0)  # bumped by every sign-up change (a write lock)
    created_at = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "shifts"
        ordering = ["starts_at", "id"]

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def is_cancelled(self) -> bool:
        return self.status == ShiftStatus.CANCELLED


class SignUpStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a waitlisted person offered a place, until offer_expires_at
    CANCELLED = "cancelled"
    LAPSED = "lapsed"  # an offer ran out unanswered
    # A place taken without an account, held until hold_expires_at for the emailed link to be
    # confirmed ("unconfirmed" to coordinators); then confirmed, or released to the waitlist.
    HELD = "held"


ACTIVE_STATUSES = (
    SignUpStatus.CONFIRMED,
    SignUpStatus.WAITLISTED,
    SignUpStatus.OFFERED,
    SignUpStatus.HELD,
)
QUEUED_STATUSES = (SignUpStatus.WAITLISTED, SignUpStatus.OFFERED)


class Attendance(StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class SignUp(Model):
    """One volunteer on one shift: confirmed, waiting, offered a place, or gone."""

    id = fields.IntField(primary_key=True)
    shift: fields.ForeignKeyRelation[Shift] = fields.ForeignKeyField(
        "models.Shift", related_name="signups", on_delete=fields.CASCADE
    )
    shift_id: int
    volunteer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="shift_signups", on_delete=fields.CASCADE
    )
    volunteer_id: int
    status = fields.CharEnumField(SignUpStatus, max_length=12)
    queued_at = fields.DatetimeField()  # waitlist order (then id)
    offered_at = fields.DatetimeField(null=True)
    offer_expires_at = fields.DatetimeField(null=True, db_index=True)
    swap_offered_at = fields.DatetimeField(null=True)
    # Set while the volunteer has not confirmed their new account (a newcomer's place or
    # waitlist entry); past it the sign-up is released.
    hold_expires_at = fields.DatetimeField(null=True, db_index=True)
    skills_overridden = fields.BooleanField(default=False)
    attendance = fields.CharEnumField(Attendance, max_length=10, null=True)
    checked_in_at = fields.DatetimeField(null=True)
    checked_out_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)
    # A confirmed place given up within the program's late_cancel_hours of the start (by the
    # volunteer or, on their word, a coordinator): counts in their attendance record.
    cancelled_late = fields.BooleanField(default=False)

    class Meta:
        table = "shift_signups"
        unique_together = (("shift", "volunteer"),)
        ordering = ["queued_at", "id"]


class ProgramShiftPolicy(Model):
    """How a program fills places freed on a full shift."""

    id = fields.IntField(primary_key=True)
    program: fields.OneToOneRelation[Program] = fields.OneToOneField(
        "models.Program", related_name="shift_policy", on_delete=fields.CASCADE
    )
    program_id: int
    auto_promote = fields.BooleanField(default=False)
    offer_hours = fields.SmallIntField(default=12)
    # Swaps and hand-overs wait for a coordinator's approval once the other person accepts.
    approve_transfers = fields.BooleanField(default=False)
    # A place offered for a swap goes to the waitlist first, in order, as a freed place does.
    swaps_follow_waitlist = fields.BooleanField(default=False)
    # A cancellation this close to the start counts against the volunteer's attendance record.
    late_cancel_hours = fields.SmallIntField(default=24)
    # A short shift starting within this many days offers "Invite available volunteers".
    invite_within_days = fields.SmallIntField(default=7)


class HandoverKind(LabelledEnum):
    NAMED = "named"  # the volunteer chose whom to give their place to
    SWAP = "swap"  # taken from an open swap, or offered from it to the waitlist in order

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"named": _("Hand-over"), "swap": _("Swap")}


class HandoverStatus(LabelledEnum):
    OFFERED = "offered"  # waiting for the answer of the person it is offered to
    AWAITING_APPROVAL = "awaiting_approval"  # accepted; the program wants a coordinator's yes
    COMPLETED = "completed"
    DECLINED = "declined"  # by the person it was offered to
    WITHDRAWN = "withdrawn"  # by the giver, or the giver's place went another way
    REJECTED = "rejected"  # by a coordinator
    EXPIRED = "expired"  # the shift started (or a waitlist turn ran out) first

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "offered": _("Waiting for an answer"),
            "awaiting_approval": _("Waiting for the coordinator"),
            "completed": _("Handed over"),
            "declined": _("Declined"),
            "withdrawn": _("Withdrawn"),
            "rejected": _("Not approved"),
            "expired": _("Expired"),
        }


OPEN_HANDOVER = (HandoverStatus.OFFERED, HandoverStatus.AWAITING_APPROVAL)


class ShiftHandover(Model):
    """A volunteer's place on a shift passing to one other person: offered to a named
    volunteer (or, from a swap, to the first in line), accepted or declined, and approved by a
    coordinator when the program asks for it. The giver keeps the place until it completes."""

    id = fields.IntField(primary_key=True)
    shift: fields.ForeignKeyRelation[Shift] = fields.ForeignKeyField(
        "models.Shift", related_name="handovers", on_delete=fields.CASCADE
    )
    shift_id: int
    giver: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="handovers_given", on_delete=fields.CASCADE
    )
    giver_id: int
    recipient: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="handovers_received", on_delete=fields.CASCADE
    )
    recipient_id: int
    kind = fields.CharEnumField(HandoverKind, max_length=8)
    status = fields.CharEnumField(HandoverStatus, max_length=20, default=HandoverStatus.OFFERED)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)  # the shift's start, or a waitlist turn's end
    answered_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="handovers_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "shift_handovers"
        ordering = ["created_at", "id"]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_HANDOVER


class HoursStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class HoursSource(StrEnum):
    SHIFT = "shift"
    OFFSITE = "offsite"


class HoursRecord(Model):
    """Time a volunteer gave: from a shift (check-in/out or attendance) or logged for off-site
    work. Counts in totals once a coordinator approves it."""

    id = fields.IntField(primary_key=True)
    volunteer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="volunteer_hours", on_delete=fields.CASCADE
    )
    volunteer_id: int
    program: fields.ForeignKeyRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="volunteer_hours", on_delete=fields.CASCADE
    )
    program_id: int
    signup: fields.OneToOneNullableRelation[SignUp] = fields.OneToOneField(
        "models.SignUp", related_name="hours", null=True, on_delete=fields.SET_NULL
    )
    signup_id: int | None
    source = fields.CharEnumField(HoursSource, max_length=8)
    work_date = fields.DateField(db_index=True)  # local date, for monthly totals
    minutes = fields.IntField()
    description = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(HoursStatus, max_length=10, default=HoursStatus.PENDING)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="hours_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "volunteer_hours"
        ordering = ["-work_date", "-id"]


class HoursCorrection(Model):
    """One change to a volunteer's hours: who, when, from what to what."""

    id = fields.IntField(primary_key=True)
    record: fields.ForeignKeyRelation[HoursRecord] = fields.ForeignKeyField(
        "models.HoursRecord", related_name="corrections", on_delete=fields.CASCADE
    )
    record_id: int
    changed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="hours_corrections", null=True, on_delete=fields.SET_NULL
    )
    changed_by_id: int | None
    changed_at = fields.DatetimeField()
    from_minutes = fields.IntField()
    to_minutes = fields.IntField()
    note = fields.CharField(max_length=500, default="")

    class Meta:
        table = "volunteer_hours_corrections"
        ordering = ["changed_at", "id"]


class Certificate(Model):
    """A certificate of service: a volunteer's approved hours over a period, signed.

    ``content`` is frozen when it is issued and ``signature`` covers it, so ``/verify/<code>``
    can tell anyone whether the record is genuine and unchanged."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)  # OPS-2026-000123
    code = fields.CharField(max_length=64, unique=True)  # random, URL-safe, in the verify link
    volunteer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="certificates", on_delete=fields.CASCADE
    )
    volunteer_id: int
    issued_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="certificates_issued", null=True, on_delete=fields.SET_NULL
    )
    issued_by_id: int | None
    issued_at = fields.DatetimeField()
    period_start = fields.DateField()
    period_end = fields.DateField()
    program: fields.ForeignKeyNullableRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="certificates", null=True, on_delete=fields.SET_NULL
    )  # None: every program
    program_id: int | None
    locale = fields.CharField(max_length=16)
    content: fields.JSONField[dict[str, Any]] = fields.JSONField()
    signature = fields.CharField(max_length=64)  # HMAC-SHA256 hex of number, code and content

    class Meta:
        table = "shift_certificates"
        ordering = ["-issued_at", "-id"]


class AvailabilityBlock(Model):
    """A weekly stretch a volunteer can usually give: a weekday and wall-clock times in their
    zone (minutes since local midnight, see opsuite.wallclock; an end of 1440 is 24:00), so
    Tuesday 18:00 stays 18:00 across daylight-saving changes."""

    id = fields.IntField(primary_key=True)
    volunteer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="availability_blocks", on_delete=fields.CASCADE
    )
    volunteer_id: int
    weekday = fields.SmallIntField()  # 0 Monday .. 6 Sunday
    start_minute = fields.SmallIntField()
    end_minute = fields.SmallIntField()
    timezone = fields.CharField(max_length=64)

    class Meta:
        table = "volunteer_availability"
        ordering = ["weekday", "start_minute", "id"]


class Blackout(Model):
    """Days a volunteer cannot come, whatever their weekly availability: local dates (both
    included) in their zone, with an optional note for coordinators."""

    id = fields.IntField(primary_key=True)
    volunteer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="blackouts", on_delete=fields.CASCADE
    )
    volunteer_id: int
    first_day = fields.DateField()
    last_day = fields.DateField()
    timezone = fields.CharField(max_length=64)
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "volunteer_blackouts"
        ordering = ["first_day", "id"]


class ShiftInvitation(Model):
    """A volunteer a coordinator invited to a short shift, once per person and shift."""

    id = fields.IntField(primary_key=True)
    shift: fields.ForeignKeyRelation[Shift] = fields.ForeignKeyField(
        "models.Shift", related_name="invitations", on_delete=fields.CASCADE
    )
    shift_id: int
    volunteer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="shift_invitations", on_delete=fields.CASCADE
    )
    volunteer_id: int
    invited_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="shift_invitations_sent", null=True, on_delete=fields.SET_NULL
    )
    invited_by_id: int | None
    invited_at = fields.DatetimeField()

    class Meta:
        table = "shift_invitations"
        unique_together = (("shift", "volunteer"),)
        ordering = ["invited_at", "id"]
