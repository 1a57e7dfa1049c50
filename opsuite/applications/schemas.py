"""JSON shapes of the applications API (for the OpenAPI document) and the functions that build
them; the request bodies are checked here before the service's own rules."""

from __future__ import annotations

from typing import Any

from opsuite.applications.models import (
    Application,
    ApplicationStatus,
    CheckRecord,
    FormVersion,
    GuardianConsent,
    QuestionKind,
    RequiredCheck,
)
from opsuite.applications.service import CheckState, Consent, Question
from opsuite.applications.service.versions import MAX_CONSENTS, MAX_QUESTIONS
from opsuite.errors import InvalidInput
from opsuite.web.i18n import gettext as _

STATUS = {"type": "string", "enum": [s.value for s in ApplicationStatus]}
GUARDIAN_AGE = {
    "type": ["integer", "null"],
    "minimum": 1,
    "maximum": 25,
    "description": "a guardian's consent is needed under this age (null: not needed)",
}
DAY = {"type": ["string", "null"], "format": "date"}
QUESTION = {
    "type": "object",
    "required": ["label", "kind"],
    "properties": {
        "key": {"type": "string", "description": "kept from an earlier version; new ones get one"},
        "label": {"type": "string", "maxLength": 300},
        "kind": {"type": "string", "enum": [k.value for k in QuestionKind]},
        "choices": {"type": "array", "items": {"type": "string", "maxLength": 100}},
        "required": {"type": "boolean", "default": True},
    },
}
CONSENT = {
    "type": "object",
    "required": ["title", "text"],
    "properties": {
        "key": {"type": "string"},
        "title": {"type": "string", "maxLength": 300},
        "text": {"type": "string", "maxLength": 10000},
    },
}
FORM = {
    "type": "object",
    "properties": {
        "program_id": {"type": "integer"},
        "requires_application": {"type": "boolean"},
        "guardian_age": GUARDIAN_AGE,
        "version": {"type": "integer", "description": "0: no form yet"},
        "questions": {"type": "array", "items": QUESTION},
        "consents": {"type": "array", "items": CONSENT},
    },
}
FORM_PUT = {
    "type": "object",
    "required": ["requires_application", "questions", "consents"],
    "properties": {
        "requires_application": {"type": "boolean"},
        "guardian_age": GUARDIAN_AGE,
        "questions": {"type": "array", "items": QUESTION, "maxItems": MAX_QUESTIONS},
        "consents": {"type": "array", "items": CONSENT, "maxItems": MAX_CONSENTS},
    },
    "additionalProperties": False,
}
APPLY = {
    "type": "object",
    "required": ["version", "answers", "consents"],
    "properties": {
        "version": {"type": "integer", "description": "the form version read (refused if old)"},
        "answers": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "question key -> answer (yes/no as yes or no, a date as YYYY-MM-DD)",
        },
        "consents": {"type": "array", "items": {"type": "string"}, "description": "keys accepted"},
        "birth_date": {
            "type": "string",
            "format": "date",
            "description": "asked when the program has a guardian age",
        },
        "guardian_name": {"type": "string", "maxLength": 120},
        "guardian_email": {"type": "string", "maxLength": 254},
        "guardian_phone": {"type": "string", "maxLength": 40},
    },
    "additionalProperties": False,
}
DECISION = {
    "type": "object",
    "required": ["decision"],
    "properties": {
        "decision": {"type": "string", "enum": ["approve", "more_info", "decline"]},
        "note": {"type": "string", "maxLength": 2000},
    },
    "additionalProperties": False,
}
APPLICATION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "program_id": {"type": "integer"},
        "volunteer": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
        "status": STATUS,
        "version": {"type": "integer"},
        "answers": {"type": "object", "additionalProperties": {"type": "string"}},
        "note": {"type": "string"},
        "submitted_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "decided_at": {"type": ["string", "null"], "format": "date-time"},
        "birth_date": DAY,
        "guardian": {
            "type": ["object", "null"],
            "description": "for a minor: the guardian named and the newest consent request",
            "properties": {
                "name": {"type": "string"},
                "email": {"type": "string"},
                "phone": {"type": "string"},
                "consent": {
                    "type": "string",
                    "enum": ["not_sent", "waiting", "consented", "declined"],
                },
                "answered_at": {"type": ["string", "null"], "format": "date-time"},
                "version": {"type": ["integer", "null"], "description": "form version consented"},
            },
        },
    },
}
CHECK = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "program_id": {"type": "integer"},
        "name": {"type": "string", "maxLength": 120},
        "expires": {"type": "boolean"},
    },
}
CHECK_POST = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "maxLength": 120}, "expires": {"type": "boolean"}},
    "additionalProperties": False,
}
CHECK_STATE = {
    "type": "object",
    "properties": {
        "check_id": {"type": "integer"},
        "name": {"type": "string"},
        "state": {"type": "string", "enum": ["missing", "expired", "soon", "valid"]},
        "done_on": DAY,
        "expires_on": DAY,
        "note": {"type": "string"},
    },
}
PERSON_CHECKS = {
    "type": "object",
    "properties": {
        "volunteer": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
        "checks": {"type": "array", "items": CHECK_STATE},
    },
}
CHECK_RECORDS = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": PERSON_CHECKS},
        "expiring": {
            "type": "array",
            "description": "records expired or expiring within 30 days, soonest first",
            "items": {
                "type": "object",
                "properties": {
                    "volunteer_id": {"type": "integer"},
                    "check_id": {"type": "integer"},
                    "expires_on": DAY,
                    "state": {"type": "string", "enum": ["expired", "soon"]},
                },
            },
        },
    },
}
RECORD_PUT = {
    "type": "object",
    "required": ["done_on"],
    "properties": {
        "done_on": {"type": "string", "format": "date"},
        "expires_on": DAY,
        "note": {"type": "string", "maxLength": 1000},
    },
    "additionalProperties": False,
}
GUARDIAN_REQUEST = {
    "type": "object",
    "properties": {
        "sent_at": {"type": "string", "format": "date-time"},
        "expires_at": {"type": "string", "format": "date-time"},
        "guardian_email": {"type": "string"},
    },
}


def form_json(
    program_id: int, requires: bool, version: FormVersion | None, guardian_age: int | None = None
) -> dict[str, Any]:
    return {
        "program_id": program_id,
        "requires_application": requires,
        "guardian_age": guardian_age,
        "version": version.number if version else 0,
        "questions": version.questions if version else [],
        "consents": version.consents if version else [],
    }


def _guardian_json(
    application: Application, request: GuardianConsent | None, numbers: dict[int, int]
) -> dict[str, Any] | None:
    if not application.guardian_email:
        return None
    answered = request.answered_at if request else None
    return {
        "name": application.guardian_name,
        "email": application.guardian_email,
        "phone": application.guardian_phone,
        "consent": str(request.answer) if request else "not_sent",
        "answered_at": answered.isoformat() if answered else None,
        "version": numbers.get(request.version_id) if request and request.version_id else None,
    }


def application_json(
    application: Application,
    *,
    version_number: int,
    guardian: GuardianConsent | None = None,
    numbers: dict[int, int] | None = None,
) -> dict[str, Any]:
    """``guardian``: the newest consent request; ``numbers``: form version ids to numbers."""
    decided = application.decided_at
    birth = application.birth_date
    return {
        "id": application.id,
        "program_id": application.program_id,
        "volunteer": {"id": application.volunteer_id, "name": application.volunteer.name},
        "status": str(application.status),
        "version": version_number,
        "answers": application.answers,
        "note": application.note,
        "submitted_at": application.submitted_at.isoformat(),
        "updated_at": application.updated_at.isoformat(),
        "decided_at": decided.isoformat() if decided else None,
        "birth_date": birth.isoformat() if birth else None,
        "guardian": _guardian_json(application, guardian, numbers or {}),
    }


def check_json(check: RequiredCheck) -> dict[str, Any]:
    return {
        "id": check.id,
        "program_id": check.program_id,
        "name": check.name,
        "expires": check.expires,
    }


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def state_json(state: CheckState) -> dict[str, Any]:
    found: CheckRecord | None = state.record
    return {
        "check_id": state.check.id,
        "name": state.check.name,
        "state": state.state,
        "done_on": _day(found.done_on) if found else None,
        "expires_on": _day(found.expires_on) if found else None,
        "note": found.note if found else "",
    }


def person_checks_json(person: Any, states: list[CheckState]) -> dict[str, Any]:
    return {
        "volunteer": {"id": person.id, "name": person.name},
        "checks": [state_json(s) for s in states],
    }


def _text(item: dict[str, Any], name: str, field: str) -> str:
    value = item.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput(_("Expected text."), field=field)
    return value


def _items(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    items = body.get(name)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InvalidInput(_("Expected a list of objects."), field=name)
    return items


def form_from_json(body: dict[str, Any]) -> tuple[bool, list[Question], list[Consent]]:
    """The PUT body as the service takes it. Raises InvalidInput naming the field at fault."""
    requires = body.get("requires_application")
    if not isinstance(requires, bool):
        raise InvalidInput(_("Expected true or false."), field="requires_application")
    questions = []
    for i, item in enumerate(_items(body, "questions")):
        kind = item.get("kind")
        if kind not in {k.value for k in QuestionKind}:
            raise InvalidInput(_("Choose from the list."), field=f"q{i}_kind")
        choices = item.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            raise InvalidInput(_("Expected a list of strings."), field=f"q{i}_choices")
        required = item.get("required", True)
        if not isinstance(required, bool):
            raise InvalidInput(_("Expected true or false."), field=f"q{i}_required")
        questions.append(
            Question(
                key=_text(item, "key", f"q{i}_key"),
                label=_text(item, "label", f"q{i}_label").strip(),
                kind=QuestionKind(kind),
                choices=tuple(c.strip() for c in choices),
                required=required,
            )
        )
    consents = [
        Consent(
            _text(item, "key", f"c{i}_key"),
            _text(item, "title", f"c{i}_title").strip(),
            _text(item, "text", f"c{i}_text").strip(),
        )
        for i, item in enumerate(_items(body, "consents"))
    ]
    return requires, questions, consents


MINOR_FIELDS = ("birth_date", "guardian_name", "guardian_email", "guardian_phone")


def minor_from_json(body: dict[str, Any]) -> dict[str, str]:
    """The birth date and guardian's details as text (the page's form fields take them)."""
    out = {}
    for name in MINOR_FIELDS:
        value = body.get(name, "")
        if not isinstance(value, str):
            raise InvalidInput(_("Expected text."), field=name)
        out[name] = value
    return out


def guardian_age_from_json(body: dict[str, Any]) -> int | None:
    age = body.get("guardian_age")
    if age is not None and (not isinstance(age, int) or isinstance(age, bool)):
        raise InvalidInput(_("Enter a whole number."), field="guardian_age")
    return age


def application_from_json(body: dict[str, Any]) -> tuple[int, dict[str, str], list[str]]:
    unknown = sorted(set(body) - {"version", "answers", "consents", *MINOR_FIELDS})
    if unknown:
        raise InvalidInput(_("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 0 < version < 2**31:
        raise InvalidInput(_("Enter a whole number."), field="version")
    answers = body.get("answers", {})
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        raise InvalidInput(_("Expected text for each answer."), field="answers")
    consents = body.get("consents", [])
    if not isinstance(consents, list) or not all(isinstance(c, str) for c in consents):
        raise InvalidInput(_("Expected a list of strings."), field="consents")
    return version, answers, consents
