"""Minors: a program may need a guardian's consent for volunteers under an age. The applicant
gives a birth date, and when under that age on the day (in their zone), a guardian's name and
email; the guardian is emailed a link to read the program's consent texts and consent or
decline. Until the newest request is consented, the minor cannot sign up (``gate``).

The link carries ``<request id>.<expiry>.<nonce>.<signature>``: an HMAC-SHA256 with the secret
key over the other three, and the nonce is stored only hashed. A changed token fails the
signature; an answered or replaced request, or one past its expiry, is refused before
anything is written."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.applications.models import (
    Application,
    FormVersion,
    GuardianAnswer,
    GuardianConsent,
    Intake,
)
from opsuite.applications.service.versions import current_form
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import Conflict, InvalidInput, NotFound, OpsuiteError
from opsuite.notify.service import enqueue_email
from opsuite.people.models import Program
from opsuite.settings import Settings, secret_key
from opsuite.tokens import digest, new_token
from opsuite.web.forms import EMAIL_RE, has_control_character
from opsuite.web.i18n import gettext as _

LINK_LASTS = timedelta(days=14)
RESEND_AFTER = timedelta(minutes=5)  # one email a guardian at a time, not a flood
MAX_NAME, MAX_EMAIL, MAX_PHONE = 120, 254, 40


class LinkUsedError(OpsuiteError):
    """The guardian's link was answered already, replaced by a newer one, or has expired."""

    status = 410


@dataclass(frozen=True)
class Minor:
    """What the application form asks when the program has a guardian age."""

    birth_date: date | None
    guardian_name: str = ""
    guardian_email: str = ""
    guardian_phone: str = ""


def age_on(birth: date, day: date) -> int:
    """Whole years from ``birth`` to ``day``. Someone born on 29 February turns a year older
    on 1 March in a year without one (the day after 28 February)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_minor(intake: Intake, birth: date | None, day: date) -> bool:
    """Whether someone born on ``birth`` needs a guardian's consent for this program on
    ``day``."""
    limit: int | None = intake.guardian_age
    if limit is None or birth is None:
        return False
    return age_on(birth, day) < limit


def check_minor(intake: Intake, minor: Minor | None, volunteer: User) -> dict[str, str]:
    """Field errors of the birth date and guardian's details (keyed as the form names them)."""
    if intake.guardian_age is None:
        return {}
    errors: dict[str, str] = {}
    today = clock.today_in(volunteer.timezone)
    birth = minor.birth_date if minor else None
    if birth is None:
        errors["birth_date"] = _("Enter your birth date like 2010-03-09.")
        return errors
    if birth > today:
        errors["birth_date"] = _("A birth date cannot be in the future.")
        return errors
    if minor is None or not is_minor(intake, birth, today):
        return errors
    for name, value, limit in (
        ("guardian_name", minor.guardian_name, MAX_NAME),
        ("guardian_email", minor.guardian_email, MAX_EMAIL),
        ("guardian_phone", minor.guardian_phone, MAX_PHONE),
    ):
        if has_control_character(value):
            errors[name] = _("This contained a control character (such as a NUL byte); remove it.")
        elif len(value) > limit:
            errors[name] = _("At most %(n)s characters, please (you typed %(typed)s).", n=limit,
                             typed=len(value))  # fmt: skip
        elif not value.strip() and name != "guardian_phone":
            errors[name] = _("Under %(age)s, a parent or guardian must consent: this is needed.",
                             age=intake.guardian_age)  # fmt: skip
    email = minor.guardian_email.strip()
    if "guardian_email" not in errors and not EMAIL_RE.match(email):
        errors["guardian_email"] = _("Enter an email address like name@example.org.")
    elif email.lower() == volunteer.email.lower():
        errors["guardian_email"] = _("Enter your parent's or guardian's own email address.")
    return errors


def _signature(settings: Settings, request_id: int, expires: int, nonce: str) -> str:
    message = f"guardian-consent:{request_id}:{expires}:{nonce}".encode()
    return hmac.new(secret_key(settings).encode(), message, hashlib.sha256).hexdigest()[:32]


def consent_path(settings: Settings, row: GuardianConsent, nonce: str) -> str:
    expires = int(row.expires_at.timestamp())
    signature = _signature(settings, row.id, expires, nonce)
    return f"/guardian-consent/{row.id}.{expires}.{nonce}.{signature}"


async def needs_consent(application: Application) -> bool:
    """Whether this application waits for (or was refused) a guardian's consent today."""
    intake = await Intake.get_or_none(program_id=application.program_id)
    if intake is None:
        return False
    volunteer = await User.get(id=application.volunteer_id)
    return is_minor(intake, application.birth_date, clock.today_in(volunteer.timezone))


async def latest_request(application_id: int) -> GuardianConsent | None:
    return (
        await GuardianConsent.filter(application_id=application_id, superseded=False)
        .order_by("-sent_at", "-id")
        .first()
    )


async def ask_guardian(application: Application, *, settings: Settings) -> GuardianConsent:
    """Email the application's guardian a new consent link (an earlier one stops working), in
    the volunteer's language. Raises Conflict (no guardian needed, consented already, or a
    link sent moments ago)."""
    if not await needs_consent(application) or not application.guardian_email:
        raise Conflict(_("No guardian's consent is needed for this application."))
    last = await latest_request(application.id)
    if last is not None and last.answer == GuardianAnswer.CONSENTED:
        raise Conflict(_("Your guardian has consented already."))
    if last is not None and clock.now() - last.sent_at < RESEND_AFTER:
        raise Conflict(_("An email went to your guardian a moment ago; ask them to look for it."))
    return await send_request(application, settings=settings)


async def send_request(application: Application, *, settings: Settings) -> GuardianConsent:
    """A new request to the guardian the application names, replacing any earlier one (its
    link stops working), and its email in the volunteer's language."""
    now = clock.now()
    nonce = new_token()
    async with in_transaction():
        await GuardianConsent.filter(application_id=application.id, superseded=False).update(
            superseded=True
        )
        row = await GuardianConsent.create(
            application_id=application.id,
            nonce_digest=digest(nonce),
            guardian_name=application.guardian_name,
            guardian_email=application.guardian_email,
            sent_at=now,
            expires_at=now + LINK_LASTS,
        )
    program = await Program.get(id=application.program_id)
    volunteer = await User.get(id=application.volunteer_id)
    await enqueue_email(
        kind="guardian_consent",
        to=row.guardian_email,
        locale=volunteer.locale,
        context={
            "program": program,
            "volunteer": volunteer,
            "guardian_name": row.guardian_name,
            "link": consent_path(settings, row, nonce),
            "expires_at": row.expires_at,
        },
        dedupe_key=f"guardian-consent:{row.id}",
        settings=settings,
        timezone=volunteer.timezone,
    )
    await record(volunteer, "applications.guardian.asked", application, program_id=program.id,
                 request_id=row.id)  # fmt: skip
    return row


async def resend_for(volunteer: User, program: Program, *, settings: Settings) -> GuardianConsent:
    """The minor asks for the guardian's email again. Raises NotFound (no application) or
    Conflict."""
    application = await Application.get_or_none(program_id=program.id, volunteer_id=volunteer.id)
    if application is None:
        raise NotFound(_("You have not applied to this program."))
    return await ask_guardian(application, settings=settings)


def _parse(token: str) -> tuple[int, int, str, str]:
    parts = token.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
        raise InvalidInput(_("This consent link is not complete or was changed; use the link "
                             "in the email as it is, or ask for a new one."))  # fmt: skip
    if len(parts[0]) > 10 or len(parts[1]) > 12:
        raise InvalidInput(_("This consent link is not complete or was changed; use the link "
                             "in the email as it is, or ask for a new one."))  # fmt: skip
    return int(parts[0]), int(parts[1]), parts[2], parts[3]


async def open_request(token: str, *, settings: Settings) -> GuardianConsent:
    """The request a guardian's link names, still open. Raises InvalidInput (changed or cut
    short) or LinkUsedError (answered, replaced or expired)."""
    request_id, expires, nonce, signature = _parse(token)
    if not hmac.compare_digest(_signature(settings, request_id, expires, nonce), signature):
        raise InvalidInput(_("This consent link is not complete or was changed; use the link "
                             "in the email as it is, or ask for a new one."))  # fmt: skip
    row = await GuardianConsent.get_or_none(id=request_id).prefetch_related(
        "application", "application__program", "application__volunteer"
    )
    if row is None or row.nonce_digest != digest(nonce):
        raise InvalidInput(_("This consent link is not complete or was changed; use the link "
                             "in the email as it is, or ask for a new one."))  # fmt: skip
    _refuse_closed(row)
    return row


def _refuse_closed(row: GuardianConsent) -> None:
    if row.answer != GuardianAnswer.WAITING:
        raise LinkUsedError(_("This link was used already: the answer is recorded."))
    if row.superseded:
        raise LinkUsedError(_("A newer email replaced this link; use the newest one."))
    if row.expires_at <= clock.now():
        raise LinkUsedError(_("This link has expired; ask the volunteer to send a new one."))


async def answer_request(
    token: str, *, consent: bool, version: int, settings: Settings
) -> GuardianConsent:
    """The guardian consents (or declines) on the form version whose texts they read. Raises
    InvalidInput, LinkUsedError or Conflict (the consent texts changed since the page was
    opened); nothing is saved when it raises."""
    row = await open_request(token, settings=settings)
    program = row.application.program
    form: FormVersion | None = await current_form(program.id)
    if form is None or form.number != version:
        raise Conflict(_("The consent text changed since you opened this page; read it again "
                         "and answer."), field="version")  # fmt: skip
    async with in_transaction():
        fresh = await GuardianConsent.select_for_update().get(id=row.id)
        _refuse_closed(fresh)
        fresh.answer = GuardianAnswer.CONSENTED if consent else GuardianAnswer.DECLINED
        fresh.answered_at = clock.now()
        fresh.version = form
        await fresh.save(update_fields=["answer", "answered_at", "version_id"])
    await record(
        None,
        f"applications.guardian.{fresh.answer}",
        row.application,
        program_id=program.id,
        guardian=fresh.guardian_name,
        guardian_email=fresh.guardian_email,
        version=form.number,
    )
    await fresh.fetch_related("application__volunteer", "application__program")
    return fresh


@dataclass(frozen=True)
class GuardianStatus:
    """Where an application stands with its guardian, for the applicant's page."""

    needed: bool  # under the program's age today
    request: GuardianConsent | None  # the newest request, if one was sent


async def guardian_status(application: Application | None) -> GuardianStatus | None:
    """None for no application, or a program that asks no guardian."""
    if application is None or application.birth_date is None:
        return None
    return GuardianStatus(await needs_consent(application), await latest_request(application.id))
