"""What a person still needs before signing up for a program's shifts, as far as applying goes.
Shifts asks through its eligibility hook (``opsuite.shifts.eligibility``, filled by
``app.wire_peers``), so neither area imports the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from opsuite.applications.models import Application, ApplicationStatus, Intake
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
    (None: someone not signed in) and an approved application."""
    intake = await Intake.get_or_none(program_id=program_id)
    if intake is None or not intake.requires_application:
        return []
    link = f"/programs/{program_id}/apply"
    application = None
    if user is not None:
        application = await Application.get_or_none(program_id=program_id, volunteer_id=user.id)
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
