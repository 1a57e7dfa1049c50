"""A volunteer applies to a program: answers to the current form's questions, each consent
accepted (recorded with the version and the time), in one transaction."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.applications.models import Application, ApplicationStatus, ConsentRecord, FormVersion
from opsuite.applications.service.guardians import Minor, check_minor, is_minor, send_request
from opsuite.applications.service.versions import (
    Question,
    consents_of,
    current_form,
    intake_of,
    questions_of,
)
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, FieldErrors, NotFound
from opsuite.people.models import Program
from opsuite.settings import Settings
from opsuite.web.forms import has_control_character, parse_date
from opsuite.web.i18n import gettext as _

MAX_ANSWER = 2000
YES_NO = ("yes", "no")


def check_answer(question: Question, raw: str) -> tuple[str, str | None]:
    """The answer as stored (a date as 2026-03-09, yes/no as "yes"/"no"), or a message."""
    text = raw.strip()
    if has_control_character(text, multiline=question.kind == "text"):
        return text, _("This contained a control character (such as a NUL byte); remove it.")
    if not text:
        return "", _("This field is required.") if question.required else None
    if len(text) > MAX_ANSWER:
        return text, _("At most %(n)s characters, please (you typed %(typed)s).", n=MAX_ANSWER,
                       typed=len(text))  # fmt: skip
    if question.kind == "choice" and text not in question.choices:
        return text, _("Choose from the list.")
    if question.kind == "yes_no" and text not in YES_NO:
        return text, _("Answer yes or no.")
    if question.kind == "date":
        day = parse_date(text)
        if day is None:
            return text, _("Enter a date like 2026-03-09.")
        text = day.isoformat()
    return text, None


def answer_field(question: Question) -> str:
    return f"q_{question.key}"


def consent_field(key: str) -> str:
    return f"c_{key}"


def check_version(form: FormVersion, version: int) -> None:
    """Raises Conflict unless ``version`` (the one the volunteer read) is ``form``'s, the
    current one: answers and consents belong to the questions and texts they were given for."""
    if version != form.number:
        raise Conflict(
            _("The application form changed since you opened it: read it again and send it."),
            field="version",
        )


async def find_application(user: User | None, program_id: int) -> Application | None:
    if user is None:
        return None
    return await Application.get_or_none(program_id=program_id, volunteer_id=user.id)


async def apply(
    volunteer: User,
    program: Program,
    *,
    version: int,
    answers: Mapping[str, str],
    consents: Collection[str],
    minor: Minor | None = None,
    settings: Settings | None = None,
) -> Application:
    """Send (or, after a request for more information, send again) an application with
    the answers (by question key) and the consents accepted (by key) of form ``version``.
    When the program has a guardian age, ``minor`` gives the birth date (and, under that age,
    the guardian, who is then emailed a consent link: ``settings`` is needed for it).

    Raises NotFound (closed program), Conflict (no form, the form changed since it was read,
    already approved or declined) or FieldErrors (keyed by ``answer_field``/``consent_field``).
    Nothing is saved when it raises."""
    if not program.is_active:
        raise NotFound(_("This program is closed; it takes no applications."))
    form = await current_form(program.id)
    if form is None:
        raise Conflict(_("This program takes no applications yet."))
    check_version(form, version)
    stored, errors = _check_all(form, answers, consents)
    intake = await intake_of(program.id)
    errors.update(check_minor(intake, minor, volunteer))
    # A first application, or one naming another guardian, emails the guardian; sending it again
    # with the same guardian keeps the link already sent (the apply page offers to resend).
    minor_now = minor is not None and is_minor(
        intake, minor.birth_date, clock.today_in(volunteer.timezone)
    )
    if minor_now and settings is None:
        raise Conflict(_("A guardian's consent is needed, and no email can be sent now."))
    if errors:
        raise FieldErrors(errors)
    now = clock.now()
    details = _minor_fields(minor if intake.guardian_age is not None else None, minor_now)
    async with in_transaction():
        existing = await Application.select_for_update().get_or_none(
            program_id=program.id, volunteer_id=volunteer.id
        )
        if existing is not None and existing.status == ApplicationStatus.APPROVED:
            raise Conflict(_("Your application to this program is already approved."))
        if existing is not None and existing.status == ApplicationStatus.DECLINED:
            raise Conflict(_("Your application was declined; ask the coordinator about it."))
        previous_guardian = existing.guardian_email if existing is not None else None
        if existing is None:
            application = await Application.create(
                program=program,
                volunteer=volunteer,
                version=form,
                status=ApplicationStatus.RECEIVED,
                answers=stored,
                submitted_at=now,
                updated_at=now,
                **details,
            )
        else:
            application = existing
            application.version_id = form.id
            application.answers = stored
            application.status = ApplicationStatus.RECEIVED
            application.updated_at = now
            application.update_from_dict(details)
            await application.save()
        await ConsentRecord.bulk_create(
            [
                ConsentRecord(
                    application=application,
                    volunteer=volunteer,
                    version=form,
                    consent_key=c.key,
                    accepted_at=now,
                )
                for c in consents_of(form)
            ]
        )
    code = "received" if existing is None else "updated"
    await record(volunteer, f"applications.application.{code}", application, program_id=program.id)
    if minor_now and settings is not None and previous_guardian != application.guardian_email:
        await send_request(application, settings=settings)
    return application


def application_errors(
    form: FormVersion, answers: Mapping[str, str], consents: Collection[str]
) -> dict[str, str]:
    """What ``apply`` would refuse in these answers and consents, by field (empty: none)."""
    return _check_all(form, answers, consents)[1]


def _minor_fields(minor: Minor | None, minor_now: bool) -> dict[str, Any]:
    return {
        "birth_date": minor.birth_date if minor else None,
        "guardian_name": minor.guardian_name.strip() if minor and minor_now else "",
        "guardian_email": minor.guardian_email.strip().lower() if minor and minor_now else "",
        "guardian_phone": minor.guardian_phone.strip() if minor and minor_now else "",
    }


def _check_all(
    form: FormVersion, answers: Mapping[str, str], consents: Collection[str]
) -> tuple[dict[str, str], dict[str, str]]:
    stored: dict[str, str] = {}
    errors: dict[str, str] = {}
    for question in questions_of(form):
        value, message = check_answer(question, answers.get(question.key, ""))
        if message:
            errors[answer_field(question)] = message
        elif value:
            stored[question.key] = value
    for consent in consents_of(form):
        if consent.key not in consents:
            errors[consent_field(consent.key)] = _("Accept this to apply.")
    return stored, errors
