"""A program's application form: its versions (editing adds one, old ones stay as they were)
and whether the program takes only approved volunteers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.applications.models import FormVersion, Intake, QuestionKind
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import FieldErrors
from opsuite.people.models import Program
from opsuite.web.forms import has_control_character
from opsuite.web.i18n import gettext as _

MAX_QUESTIONS = 30
MAX_CONSENTS = 10
MAX_CHOICES = 20
MAX_LABEL = 300
MAX_CHOICE = 100
MAX_CONSENT_TEXT = 10_000
MAX_GUARDIAN_AGE = 25


@dataclass(frozen=True)
class Question:
    key: str  # "q1", "q2"...: kept across versions so answers line up
    label: str
    kind: QuestionKind
    choices: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Consent:
    key: str  # "c1", "c2"...
    title: str
    text: str


def questions_of(version: FormVersion | None) -> list[Question]:
    if version is None:
        return []
    return [
        Question(
            key=q["key"],
            label=q["label"],
            kind=QuestionKind(q["kind"]),
            choices=tuple(q.get("choices", ())),
            required=bool(q.get("required", True)),
        )
        for q in version.questions
    ]


def consents_of(version: FormVersion | None) -> list[Consent]:
    if version is None:
        return []
    return [Consent(c["key"], c["title"], c["text"]) for c in version.consents]


async def intake_of(program_id: int) -> Intake:
    """The program's intake settings; a program never set up takes everyone (not saved)."""
    found = await Intake.get_or_none(program_id=program_id)
    return found or Intake(program_id=program_id, requires_application=False, current_version=0)


async def current_form(program_id: int) -> FormVersion | None:
    intake = await Intake.get_or_none(program_id=program_id)
    if intake is None or not intake.current_version:
        return None
    return await FormVersion.get_or_none(program_id=program_id, number=intake.current_version)


def check_text(errors: dict[str, str], name: str, text: str, limit: int, *, lines: bool) -> None:
    """Puts a message in ``errors[name]`` for a control character or text past ``limit``."""
    if has_control_character(text, multiline=lines):
        errors[name] = _("This contained a control character (such as a NUL byte); remove it.")
    elif len(text) > limit:
        errors[name] = _("At most %(n)s characters, please (you typed %(typed)s).", n=limit,
                         typed=len(text))  # fmt: skip


def _check_questions(questions: Sequence[Question], errors: dict[str, str]) -> None:
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = _("At most %(n)s questions.", n=MAX_QUESTIONS)
    for index, q in enumerate(questions):
        name = f"q{index}"
        if not q.label.strip():
            errors[f"{name}_label"] = _("This field is required.")
        check_text(errors, f"{name}_label", q.label, MAX_LABEL, lines=False)
        if q.kind == QuestionKind.CHOICE:
            if len(q.choices) < 2:
                errors[f"{name}_choices"] = _("A choice needs at least two options.")
            elif len(q.choices) > MAX_CHOICES or len(set(q.choices)) != len(q.choices):
                errors[f"{name}_choices"] = _("At most %(n)s options, each once.", n=MAX_CHOICES)
            for choice in q.choices:
                check_text(errors, f"{name}_choices", choice, MAX_CHOICE, lines=False)


def _check_consents(consents: Sequence[Consent], errors: dict[str, str]) -> None:
    if len(consents) > MAX_CONSENTS:
        errors["consents"] = _("At most %(n)s consents.", n=MAX_CONSENTS)
    for index, c in enumerate(consents):
        if not c.title.strip():
            errors[f"c{index}_title"] = _("This field is required.")
        if not c.text.strip():
            errors[f"c{index}_text"] = _("This field is required.")
        check_text(errors, f"c{index}_title", c.title, MAX_LABEL, lines=False)
        check_text(errors, f"c{index}_text", c.text, MAX_CONSENT_TEXT, lines=True)


def _with_keys(items: Sequence[Any], prefix: str, taken: list[str]) -> list[dict[str, Any]]:
    """Items as stored: each keeps its key if it had one, a new one follows the highest."""
    used = {int(k[1:]) for k in taken if k[:1] == prefix and k[1:].isdigit()}
    next_number = max(used, default=0) + 1
    out: list[dict[str, Any]] = []
    for item in items:
        data = asdict(item)
        if data["key"] not in taken or any(o["key"] == data["key"] for o in out):
            data["key"] = f"{prefix}{next_number}"
            next_number += 1
        if "kind" in data:
            data["kind"] = str(data["kind"])
            data["choices"] = list(data["choices"]) if data["kind"] == "choice" else []
        out.append(data)
    return out


async def save_form(
    actor: User,
    program: Program,
    *,
    requires_application: bool,
    questions: Sequence[Question],
    consents: Sequence[Consent],
    guardian_age: int | None = None,
) -> Intake:
    """Save the program's form: a changed list of questions or consents becomes a new version
    (applications keep the one they answered). Raises PermissionDenied or FieldErrors."""
    await authorize(actor, Cap.MANAGE, program)
    errors: dict[str, str] = {}
    _check_questions(questions, errors)
    _check_consents(consents, errors)
    if requires_application and not questions and not consents:
        errors["requires_application"] = _(
            "Add at least one question or consent before asking volunteers to apply."
        )
    if guardian_age is not None and not 1 <= guardian_age <= MAX_GUARDIAN_AGE:
        errors["guardian_age"] = _("Enter an age from 1 to %(n)s, or leave it empty.",
                                   n=MAX_GUARDIAN_AGE)  # fmt: skip
    elif guardian_age is not None and not requires_application:
        errors["guardian_age"] = _(
            "The birth date is asked on the application: require an application too."
        )
    if errors:
        raise FieldErrors(errors)
    async with in_transaction():
        intake = await Intake.select_for_update().get_or_none(program_id=program.id)
        if intake is None:
            intake = await Intake.create(program=program)
        current = await current_form(program.id)
        every_key = [
            k for v in await FormVersion.filter(program_id=program.id)
            for k in [*(q["key"] for q in v.questions), *(c["key"] for c in v.consents)]
        ]  # fmt: skip
        stored_questions = _with_keys(questions, "q", every_key)
        stored_consents = _with_keys(consents, "c", every_key)
        changed = current is None or (current.questions, current.consents) != (
            stored_questions,
            stored_consents,
        )
        if changed and (stored_questions or stored_consents or current is not None):
            version = await FormVersion.create(
                program=program,
                number=intake.current_version + 1,
                questions=stored_questions,
                consents=stored_consents,
                created_at=clock.now(),
                created_by=actor,
            )
            intake.current_version = version.number
        intake.requires_application = requires_application
        intake.guardian_age = guardian_age
        await intake.save()
    await record(
        actor,
        "applications.form.saved",
        program,
        version=intake.current_version,
        requires_application=requires_application,
        guardian_age=guardian_age,
    )
    return intake
