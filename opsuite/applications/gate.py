"""What a person still needs before signing up for a program's shifts, as far as applying goes:
an approved application (when the program asks for one), a guardian's consent (for a minor,
when the program asks for one) and the program's required checks, each valid today.
Shifts asks through its eligibility hook (``opsuite.shifts.eligibility``, filled by
``app.wire_peers``), so neither area imports the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from opsuite import clock
from opsuite.applications.models import Application, ApplicationStatus, GuardianAnswer, Intake
from opsuite.applications.service.checks import list_checks, states_for
from opsuite.applications.service.guardians import is_minor, latest_request
from opsuite.web.i18n import format_date
from opsuite.web.i18n import gettext as _

if TYPE_CHECKING:
    from opsuite.auth.models import User


@dataclass(frozen=True)
class Requirement:
    message: str
    link: str
    link_label: str


async def missing_for(user: User | None, program_id: int) -> list[Requirement]:
    """Nothing for a program that takes everyone; otherwise what stands between this person
    (None: someone not signed in) and a sign-up."""
    intake = await Intake.get_or_none(program_id=program_id)
    application = None
    if user is not None:
        application = await Application.get_or_none(program_id=program_id, volunteer_id=user.id)
    if intake is not None and intake.requires_application:
        missing = _application_missing(application, program_id)
        if missing:
            return missing
    found: list[Requirement] = []
    if intake is not None and application is not None and user is not None:
        found += await _guardian_missing(intake, application, user)
    found += await _checks_missing(user, program_id)
    return found


def _application_missing(application: Application | None, program_id: int) -> list[Requirement]:
    link = f"/programs/{program_id}/apply"
    if application is None:
        message = _("This program takes volunteers whose application was approved.")
        return [Requirement(message, link, _("Apply to this program to sign up"))]
    if application.status == ApplicationStatus.APPROVED:
        return []
    if application.status == ApplicationStatus.RECEIVED:
        message = _("Your application is waiting for a coordinator's decision.")
        return [Requirement(message, link, _("See your application"))]
    if application.status == ApplicationStatus.MORE_INFO:
        message = _("The coordinator asked for more information about your application.")
        return [Requirement(message, link, _("Answer and send it again"))]
    message = _("Your application to this program was declined.")
    return [Requirement(message, link, _("See your application"))]


async def _guardian_missing(
    intake: Intake, application: Application, user: User
) -> list[Requirement]:
    if not is_minor(intake, application.birth_date, clock.today_in(user.timezone)):
        return []
    link = f"/programs/{application.program_id}/apply#guardian"
    last = await latest_request(application.id)
    if last is not None and last.answer == GuardianAnswer.CONSENTED:
        return []
    if last is not None and last.answer == GuardianAnswer.DECLINED:
        message = _("Your guardian declined to consent to your volunteering in this program.")
        return [Requirement(message, link, _("Ask your guardian again"))]
    message = _("Waiting for your guardian's consent.")
    return [Requirement(message, link, _("Send the email to your guardian again"))]


async def _checks_missing(user: User | None, program_id: int) -> list[Requirement]:
    link = f"/programs/{program_id}/apply#checks"
    if user is None:
        checks = await list_checks(program_id)
        if not checks:
            return []
        names = ", ".join(c.name for c in checks)
        message = _("This program needs checks on file before a sign-up: %(names)s.", names=names)
        return [Requirement(message, f"/login?next=/programs/{program_id}/apply",
                            _("Log in to see yours"))]  # fmt: skip
    found = []
    for state in await states_for(user, program_id):
        if state.state == "missing":
            message = _("Required check missing: %(name)s.", name=state.check.name)
        elif state.state == "expired" and state.record is not None:
            message = _("Your check “%(name)s” expired on %(day)s.", name=state.check.name,
                        day=format_date(state.record.expires_on))  # fmt: skip
        else:
            continue
        found.append(Requirement(message, link, _("Ask the coordinator of this program")))
    return found
