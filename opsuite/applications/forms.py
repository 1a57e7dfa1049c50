"""The applicant's form (built from a form version's questions and consents) and the managers'
form editor (rows of questions and consents), as web.forms fields."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from opsuite.applications.models import FormVersion, Intake, QuestionKind
from opsuite.applications.service import (
    Consent,
    Minor,
    Question,
    answer_field,
    check_answer,
    consent_field,
    consents_of,
    questions_of,
)
from opsuite.applications.service.versions import MAX_CONSENTS, MAX_GUARDIAN_AGE, MAX_QUESTIONS
from opsuite.errors import FieldErrors
from opsuite.web.forms import Field, parse_date, parse_id
from opsuite.web.i18n import format_date, pgettext
from opsuite.web.i18n import lazy_gettext as L

BLANK_QUESTIONS = 3
BLANK_CONSENTS = 1


def _yes_no() -> list[tuple[str, str]]:
    return [("yes", pgettext("answer", "Yes")), ("no", pgettext("answer", "No"))]


def _answer(question: Question) -> Field:
    kinds = {"text": "textarea", "choice": "select", "yes_no": "select", "date": "date"}
    choices: Any = None
    if question.kind == QuestionKind.CHOICE:
        choices = lambda: [(c, c) for c in question.choices]  # noqa: E731  (a field's callable)
    elif question.kind == QuestionKind.YES_NO:
        choices = _yes_no
    return Field(
        answer_field(question),
        question.label,
        kind=kinds[str(question.kind)],
        required=question.required,
        max_length=2000,
        choices=choices,
        help=L("YYYY-MM-DD") if question.kind == QuestionKind.DATE else "",
        validate=lambda value: check_answer(question, str(value))[1],
    )


BIRTH_YEARS = 1900  # the earliest birth date taken


def _birth_date(value: object) -> str | None:
    if parse_date(str(value), first_year=BIRTH_YEARS) is None:
        return str(L("Enter your birth date like 2010-03-09."))
    return None


def minor_fields(intake: Intake) -> tuple[Field, ...]:
    """The birth date and the guardian's details, asked when the program has a guardian age
    (the service decides whether the guardian's are needed)."""
    if intake.guardian_age is None:
        return ()
    help_text = L("Under %(age)s, a parent or guardian must consent before your first shift.")
    return (
        Field("birth_date", L("Your birth date"), kind="date", max_length=10,
              help=L("YYYY-MM-DD"), validate=_birth_date),
        Field("guardian_name", L("Parent's or guardian's name"), required=False, max_length=120,
              help=help_text % {"age": intake.guardian_age}),
        Field("guardian_email", L("Parent's or guardian's email"), kind="email", required=False,
              max_length=254, help=L("They get an email with a link to consent.")),
        Field("guardian_phone", L("Parent's or guardian's phone (optional)"), required=False,
              max_length=40),
    )  # fmt: skip


def application_fields(version: FormVersion, intake: Intake | None = None) -> tuple[Field, ...]:
    answers = [_answer(q) for q in questions_of(version)]
    consents = [
        Field(consent_field(c.key), L("I accept: %(title)s") % {"title": c.title}, kind="bool")
        for c in consents_of(version)
    ]
    return (*answers, *(minor_fields(intake) if intake else ()), *consents)


def minor_from(intake: Intake, values: Mapping[str, Any]) -> Minor | None:
    if intake.guardian_age is None:
        return None
    return Minor(
        birth_date=parse_date(str(values.get("birth_date", "")), first_year=BIRTH_YEARS),
        guardian_name=str(values.get("guardian_name", "")),
        guardian_email=str(values.get("guardian_email", "")),
        guardian_phone=str(values.get("guardian_phone", "")),
    )


def answers_from(version: FormVersion, values: Mapping[str, Any]) -> dict[str, str]:
    return {q.key: str(values.get(answer_field(q), "")) for q in questions_of(version)}


def consents_from(version: FormVersion, values: Mapping[str, Any]) -> list[str]:
    return [c.key for c in consents_of(version) if values.get(consent_field(c.key))]


def answers_shown(version: FormVersion, answers: Mapping[str, str]) -> list[tuple[Question, str]]:
    """Each question of the version an application answered, with its answer in words."""
    shown = []
    for q in questions_of(version):
        answer = answers.get(q.key, "")
        if answer and q.kind == QuestionKind.YES_NO:
            answer = dict(_yes_no()).get(answer, answer)
        elif answer and q.kind == QuestionKind.DATE:
            answer = format_date(date.fromisoformat(answer))
        shown.append((q, answer))
    return shown


def application_initial(version: FormVersion, application: Any | None) -> dict[str, Any]:
    answers = application.answers if application else {}
    initial: dict[str, Any] = {
        answer_field(q): answers.get(q.key, "") for q in questions_of(version)
    }
    if application is not None:
        birth = application.birth_date
        initial.update(
            birth_date=birth.isoformat() if birth else "",
            guardian_name=application.guardian_name,
            guardian_email=application.guardian_email,
            guardian_phone=application.guardian_phone,
        )
    return initial


# --- the managers' editor ----------------------------------------------------------------------


def row_counts(data: Mapping[str, Any]) -> tuple[int, int]:
    """How many question and consent rows the posted editor had (bounded)."""
    questions = parse_id(data.get("question_rows", "")) or 0
    consents = parse_id(data.get("consent_rows", "")) or 0
    return min(questions, MAX_QUESTIONS + BLANK_QUESTIONS), min(consents, MAX_CONSENTS + 1)


def editor_fields(questions: int, consents: int) -> tuple[Field, ...]:
    fields = [
        Field(
            "requires_application",
            L("Only volunteers whose application is approved may sign up for shifts"),
            kind="bool",
        ),
        Field(
            "guardian_age",
            L("Guardian's consent needed under the age of"),
            kind="int",
            required=False,
            help=L("Leave empty if not needed. When set, the application asks for a birth date."),
            validate=lambda v: (
                None
                if 1 <= v <= MAX_GUARDIAN_AGE
                else str(
                    L("Enter an age from 1 to %(n)s, or leave it empty.") % {"n": MAX_GUARDIAN_AGE}
                )
            ),
        ),
    ]
    for i in range(questions):
        fields += [
            Field(f"q{i}_key", "", required=False, max_length=12),
            Field(f"q{i}_label", L("Question"), required=False, max_length=300),
            Field(f"q{i}_kind", L("Kind of answer"), kind="select", choices=QuestionKind.choices),
            Field(
                f"q{i}_choices",
                L("Options (one a line, for a choice)"),
                kind="textarea",
                required=False,
                max_length=3000,
            ),
            Field(f"q{i}_required", L("An answer is required"), kind="bool"),
        ]
    for i in range(consents):
        fields += [
            Field(f"c{i}_key", "", required=False, max_length=12),
            Field(f"c{i}_title", L("Consent or waiver"), required=False, max_length=300),
            Field(f"c{i}_text", L("Its text"), kind="textarea", required=False, max_length=10000),
        ]
    return tuple(fields)


def editor_initial(intake: Intake, version: FormVersion | None) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "requires_application": intake.requires_application,
        "guardian_age": "" if intake.guardian_age is None else str(intake.guardian_age),
    }
    questions = questions_of(version)
    for i in range(len(questions) + BLANK_QUESTIONS):
        q = questions[i] if i < len(questions) else None
        initial[f"q{i}_kind"] = str(q.kind) if q else "text"
        initial[f"q{i}_required"] = q.required if q else True
        if q:
            initial.update({f"q{i}_key": q.key, f"q{i}_label": q.label})
            initial[f"q{i}_choices"] = "\n".join(q.choices)
    for i, c in enumerate(consents_of(version)):
        initial.update({f"c{i}_key": c.key, f"c{i}_title": c.title, f"c{i}_text": c.text})
    return initial


def editor_values(
    cleaned: Mapping[str, Any], questions: int, consents: int
) -> tuple[list[Question], list[Consent], list[int], list[int]]:
    """The questions and consents filled in (blank rows dropped), and which row each came from
    (to put the service's errors back on the right row: ``errors_on_rows``)."""
    out_q, rows_q, out_c, rows_c = [], [], [], []
    for i in range(questions):
        label = str(cleaned.get(f"q{i}_label", "")).strip()
        if not label:
            continue
        choices = str(cleaned.get(f"q{i}_choices", "")).splitlines()
        out_q.append(
            Question(
                key=str(cleaned.get(f"q{i}_key", "")),
                label=label,
                kind=QuestionKind(cleaned.get(f"q{i}_kind") or "text"),
                choices=tuple(c.strip() for c in choices if c.strip()),
                required=bool(cleaned.get(f"q{i}_required")),
            )
        )
        rows_q.append(i)
    for i in range(consents):
        title = str(cleaned.get(f"c{i}_title", "")).strip()
        text = str(cleaned.get(f"c{i}_text", "")).strip()
        if not title and not text:
            continue
        out_c.append(Consent(str(cleaned.get(f"c{i}_key", "")), title, text))
        rows_c.append(i)
    return out_q, out_c, rows_q, rows_c


def errors_on_rows(error: FieldErrors, rows_q: list[int], rows_c: list[int]) -> FieldErrors:
    moved = {}
    for name, message in error.errors.items():
        prefix, _sep, rest = name.partition("_")
        if prefix[:1] in "qc" and prefix[1:].isdigit() and rest:
            rows = rows_q if prefix[0] == "q" else rows_c
            name = f"{prefix[0]}{rows[int(prefix[1:])]}_{rest}"
        moved[name] = message
    return FieldErrors(moved)


# --- required checks ---------------------------------------------------------------------------


def _a_date(value: object) -> str | None:
    return None if parse_date(str(value)) else str(L("Enter a date like 2026-03-09."))


def check_fields() -> tuple[Field, ...]:
    return (
        Field("name", L("Check"), max_length=120,
              help=L("For example: Training done, Background check on file.")),
        Field("expires", L("It expires (the coordinator records until when it is valid)"),
              kind="bool"),
    )  # fmt: skip


def record_fields() -> tuple[Field, ...]:
    return (
        Field("done_on", L("Done on"), kind="date", max_length=10, help=L("YYYY-MM-DD"),
              validate=_a_date),
        Field("expires_on", L("Valid through"), kind="date", required=False, max_length=10,
              help=L("The last day it counts; empty for a check that does not expire."),
              validate=_a_date),
        Field("note", L("Note"), kind="textarea", required=False, max_length=1000),
    )  # fmt: skip


def record_values(form_values: Mapping[str, Any]) -> dict[str, Any]:
    """The record form's values as the service takes them (a blank or bad date: None)."""
    return {
        "done_on": parse_date(str(form_values.get("done_on", ""))),
        "expires_on": parse_date(str(form_values.get("expires_on", ""))),
        "note": str(form_values.get("note", "")),
    }
