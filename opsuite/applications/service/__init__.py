"""Applying to a program: the form's versions (``versions``), applying (``applying``) and the
coordinators' decisions (``decisions``)."""

from opsuite.applications.service.applying import (
    answer_field,
    application_errors,
    apply,
    check_answer,
    check_version,
    consent_field,
    find_application,
)
from opsuite.applications.service.decisions import (
    DECISIONS,
    WAITING,
    authorize_see,
    decide,
    get_application,
    list_own,
    list_queue,
    may_decide,
)
from opsuite.applications.service.versions import (
    Consent,
    Question,
    consents_of,
    current_form,
    intake_of,
    questions_of,
    save_form,
)

__all__ = [
    "DECISIONS",
    "WAITING",
    "Consent",
    "Question",
    "answer_field",
    "application_errors",
    "apply",
    "authorize_see",
    "check_answer",
    "check_version",
    "consent_field",
    "consents_of",
    "current_form",
    "decide",
    "find_application",
    "get_application",
    "intake_of",
    "list_own",
    "list_queue",
    "may_decide",
    "questions_of",
    "save_form",
]
