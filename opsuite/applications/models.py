"""A program's application form (one row per version, never edited), whether the program takes
only approved volunteers, the applications, and the consents accepted with them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from opsuite.labels import LabelledEnum
from opsuite.web.i18n import gettext as _

if TYPE_CHECKING:
    from opsuite.auth.models import User
    from opsuite.people.models import Program


class QuestionKind(LabelledEnum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"
    DATE = "date"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "text": _("Text"),
            "choice": _("Choice from a list"),
            "yes_no": _("Yes or no"),
            "date": _("Date"),
        }


class ApplicationStatus(LabelledEnum):
    RECEIVED = "received"
    MORE_INFO = "more_info"
    APPROVED = "approved"
    DECLINED = "declined"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "received": _("Received, waiting for a decision"),
            "more_info": _("More information asked"),
            "approved": _("Approved"),
            "declined": _("Declined"),
        }


class Intake(Model):
    """How a program takes volunteers: ``requires_application`` means only those whose
    application was approved may sign up for its shifts."""

    id = fields.IntField(primary_key=True)
    program: fields.OneToOneRelation[Program] = fields.OneToOneField(
        "models.Program", related_name="intake", on_delete=fields.CASCADE
    )
    program_id: int
    requires_application = fields.BooleanField(default=False)
    current_version = fields.IntField(default=0)  # 0: no form yet
    # A volunteer under this age (on the day, in their zone) needs a guardian's emailed consent
    # before any sign-up; None: the program takes no minors' consent and asks no birth date.
    guardian_age = fields.SmallIntField(null=True)

    class Meta:
        table = "application_intakes"


class FormVersion(Model):
    """One version of a program's form. Editing the form adds a version, and applications keep
    the version they answered, so old answers keep their questions and consent texts."""

    id = fields.IntField(primary_key=True)
    program: fields.ForeignKeyRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="form_versions", on_delete=fields.CASCADE
    )
    program_id: int
    number = fields.IntField()
    # [{"key": "q1", "label": ..., "kind": QuestionKind, "choices": [...], "required": bool}]
    questions: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    # [{"key": "c1", "title": ..., "text": ...}]
    consents: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField()
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="form_versions", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None

    class Meta:
        table = "application_form_versions"
        unique_together = (("program", "number"),)
        ordering = ["program_id", "number"]


class Application(Model):
    """A volunteer's application to a program (one per person and program: answering again
    after a request for more information updates it)."""

    id = fields.IntField(primary_key=True)
    program: fields.ForeignKeyRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="applications", on_delete=fields.CASCADE
    )
    program_id: int
    volunteer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="applications", on_delete=fields.CASCADE
    )
    volunteer_id: int
    version: fields.ForeignKeyRelation[FormVersion] = fields.ForeignKeyField(
        "models.FormVersion", related_name="applications", on_delete=fields.RESTRICT
    )
    version_id: int
    status = fields.CharEnumField(ApplicationStatus, max_length=12, db_index=True)
    answers: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    submitted_at = fields.DatetimeField()  # the first time: the queue's order, time to approve
    updated_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="applications_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    note = fields.TextField(default="")  # the coordinator's words with the last decision
    birth_date = fields.DateField(null=True)  # asked when the program has a guardian age
    guardian_name = fields.CharField(max_length=120, default="")
    guardian_email = fields.CharField(max_length=254, default="")
    guardian_phone = fields.CharField(max_length=40, default="")

    class Meta:
        table = "applications"
        unique_together = (("program", "volunteer"),)
        ordering = ["submitted_at", "id"]


class ConsentRecord(Model):
    """Who accepted which consent of which form version, and when."""

    id = fields.IntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "models.Application", related_name="consents", on_delete=fields.CASCADE
    )
    application_id: int
    volunteer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="consents", on_delete=fields.CASCADE
    )
    volunteer_id: int
    version: fields.ForeignKeyRelation[FormVersion] = fields.ForeignKeyField(
        "models.FormVersion", related_name="consent_records", on_delete=fields.RESTRICT
    )
    version_id: int
    consent_key = fields.CharField(max_length=12)
    accepted_at = fields.DatetimeField()

    class Meta:
        table = "application_consents"
        ordering = ["accepted_at", "id"]


class GuardianAnswer(LabelledEnum):
    WAITING = "waiting"
    CONSENTED = "consented"
    DECLINED = "declined"

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {
            "waiting": _("Waiting for the guardian"),
            "consented": _("The guardian consented"),
            "declined": _("The guardian declined"),
        }


class GuardianConsent(Model):
    """One emailed request for a guardian's consent to a minor's application, and its answer.
    The link carries a signed token whose random part is stored hashed; answering (or sending
    a new request) uses it up. The newest row of an application is the one that counts."""

    id = fields.IntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "models.Application", related_name="guardian_consents", on_delete=fields.CASCADE
    )
    application_id: int
    nonce_digest = fields.CharField(max_length=64, unique=True)
    guardian_name = fields.CharField(max_length=120)
    guardian_email = fields.CharField(max_length=254)
    sent_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    answer = fields.CharEnumField(GuardianAnswer, max_length=10, default=GuardianAnswer.WAITING)
    answered_at = fields.DatetimeField(null=True)
    # The form version whose consent texts the guardian read and answered.
    version: fields.ForeignKeyNullableRelation[FormVersion] = fields.ForeignKeyField(
        "models.FormVersion", related_name="guardian_consents", null=True,
        on_delete=fields.RESTRICT,
    )  # fmt: skip
    version_id: int | None
    superseded = fields.BooleanField(default=False)  # a newer request was sent

    class Meta:
        table = "application_guardian_consents"
        ordering = ["sent_at", "id"]


class RequiredCheck(Model):
    """Something a program's volunteers must have on file before signing up ("Training done",
    "Background check on file"); ``expires`` asks the coordinator for an expiry date."""

    id = fields.IntField(primary_key=True)
    program: fields.ForeignKeyRelation[Program] = fields.ForeignKeyField(
        "models.Program", related_name="required_checks", on_delete=fields.CASCADE
    )
    program_id: int
    name = fields.CharField(max_length=120)
    expires = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "application_required_checks"
        unique_together = (("program", "name"),)
        ordering = ["program_id", "name", "id"]


class CheckRecord(Model):
    """A coordinator's record that a volunteer has a program's check: done on a day, valid
    through ``expires_on`` (inclusive) when the check expires."""

    id = fields.IntField(primary_key=True)
    required_check: fields.ForeignKeyRelation[RequiredCheck] = fields.ForeignKeyField(
        "models.RequiredCheck", related_name="records", on_delete=fields.CASCADE
    )
    required_check_id: int
    volunteer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="check_records", on_delete=fields.CASCADE
    )
    volunteer_id: int
    done_on = fields.DateField()
    expires_on = fields.DateField(null=True)
    note = fields.TextField(default="")
    recorded_at = fields.DatetimeField()
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="check_records_made", null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None

    class Meta:
        table = "application_check_records"
        unique_together = (("required_check", "volunteer"),)
        ordering = ["required_check_id", "volunteer_id"]
