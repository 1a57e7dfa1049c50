"""Builders for application forms and applications, made through the applications service."""

from __future__ import annotations

from opsuite.applications.models import Application, QuestionKind
from opsuite.applications.service import Consent, Question, apply, save_form
from opsuite.auth.models import User
from opsuite.people.models import Program, ProgramAccess, ProgramRole

QUESTIONS = (
    Question("", "Why do you want to help?", QuestionKind.TEXT),
    Question("", "Preferred day", QuestionKind.CHOICE, choices=("Saturday", "Sunday")),
    Question("", "Have you volunteered before?", QuestionKind.YES_NO),
    Question("", "First day you can start", QuestionKind.DATE, required=False),
)
CONSENTS = (Consent("", "Photo consent", "We may take photos at events."),)
ANSWERS = {"q1": "I like sorting.", "q2": "Sunday", "q3": "no", "q4": "2026-03-14"}


async def require_applications(
    program: Program,
    *,
    questions: tuple[Question, ...] = QUESTIONS,
    consents: tuple[Consent, ...] = CONSENTS,
    required: bool = True,
    guardian_age: int | None = None,
) -> None:
    """Give ``program`` a form (by one of its managers) that volunteers must have approved."""
    role = await ProgramRole.filter(program_id=program.id, access=ProgramAccess.MANAGE).first()
    assert role is not None
    manager = await User.get(id=role.user_id)
    await save_form(
        manager,
        program,
        requires_application=required,
        questions=questions,
        consents=consents,
        guardian_age=guardian_age,
    )


async def make_application(volunteer: User, program: Program, version: int = 1) -> Application:
    return await apply(volunteer, program, version=version, answers=ANSWERS, consents=["c1"])
