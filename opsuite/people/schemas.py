"""JSON shapes of the people API (for the OpenAPI document) and the functions that build them."""

from __future__ import annotations

from typing import Any

from opsuite.auth.models import Role
from opsuite.auth.schemas import USER_SCHEMA, user_json
from opsuite.people.models import ProgramAccess
from opsuite.people.service import (
    PersonDetail,
    ProgramDetail,
    ProgramSummary,
    TeamDetail,
    TeamSummary,
)

TIMEZONE = {"type": "string", "description": "IANA time zone, e.g. Asia/Shanghai"}
LOCALE = {"type": "string", "enum": ["en", "zh_Hans"]}
ROLE = {"type": "string", "enum": [r.value for r in Role]}
ACCESS = {"type": "string", "enum": [a.value for a in ProgramAccess]}
SKILLS = {"type": "array", "items": {"type": "string", "maxLength": 60}, "maxItems": 30}

INVITE_REQUEST = {
    "type": "object",
    "required": ["email", "name", "role", "timezone", "locale"],
    "properties": {
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "name": {"type": "string", "maxLength": 120},
        "role": ROLE,
        "timezone": TIMEZONE,
        "locale": LOCALE,
        "team_id": {"type": "integer", "description": "a team the inviter runs"},
    },
    "additionalProperties": False,
}
PERSON_PATCH = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 120},
        "role": ROLE,
        "timezone": TIMEZONE,
        "locale": LOCALE,
        "phone": {"type": "string", "maxLength": 40},
        "skills": SKILLS,
        "is_active": {"type": "boolean", "description": "false deactivates, true reactivates"},
    },
    "additionalProperties": False,
}
PERSON = {
    "type": "object",
    "required": [*USER_SCHEMA["required"]],
    "properties": {
        **USER_SCHEMA["properties"],
        "invitation_pending": {"type": "boolean"},
        "teams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "is_manager": {"type": "boolean"},
                },
            },
        },
        "programs": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "access": ACCESS,
                },
            },
        },
    },
}

TEAM_WRITE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 120},
        "description": {"type": "string", "maxLength": 2000},
    },
    "additionalProperties": False,
}
TEAM_CREATE = {**TEAM_WRITE, "required": ["name"]}
TEAM_PATCH = {
    **TEAM_WRITE,
    "properties": {**TEAM_WRITE["properties"], "is_active": {"type": "boolean"}},
}
TEAM = {
    "type": "object",
    "required": ["id", "name", "description", "is_active"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "is_active": {"type": "boolean"},
        "member_count": {"type": "integer"},
        "members": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"user": USER_SCHEMA, "is_manager": {"type": "boolean"}},
            },
        },
    },
}

PROGRAM_WRITE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 120},
        "description": {"type": "string", "maxLength": 2000},
        "funder": {"type": "string", "maxLength": 120},
    },
    "additionalProperties": False,
}
PROGRAM_CREATE = {**PROGRAM_WRITE, "required": ["name"]}
PROGRAM_PATCH = {
    **PROGRAM_WRITE,
    "properties": {**PROGRAM_WRITE["properties"], "is_active": {"type": "boolean"}},
}
PROGRAM = {
    "type": "object",
    "required": ["id", "name", "description", "funder", "is_active"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "funder": {"type": "string"},
        "is_active": {"type": "boolean"},
        "people_count": {"type": "integer"},
        "access": {
            "type": "array",
            "items": {"type": "object", "properties": {"user": USER_SCHEMA, "access": ACCESS}},
        },
    },
}


def person_json(detail: PersonDetail, *, private: bool) -> dict[str, Any]:
    person = detail.person
    return {
        **user_json(person, private=private),
        "invitation_pending": person.is_active and not person.password_hash,
        "teams": [
            {"id": m.team.id, "name": m.team.name, "is_manager": m.is_manager}
            for m in detail.memberships
        ],
        "programs": [
            {"id": r.program.id, "name": r.program.name, "access": str(r.access)}
            for r in detail.program_roles
        ],
    }


def team_json(detail: TeamDetail, *, private: bool) -> dict[str, Any]:
    team = detail.team
    return {
        **team_summary_json(TeamSummary(team, len(detail.members))),
        "members": [
            {"user": user_json(m.user, private=private), "is_manager": m.is_manager}
            for m in detail.members
        ],
    }


def team_summary_json(summary: TeamSummary) -> dict[str, Any]:
    team = summary.team
    return {
        "id": team.id,
        "name": team.name,
        "description": team.description,
        "is_active": team.is_active,
        "member_count": summary.member_count,
    }


def program_summary_json(summary: ProgramSummary) -> dict[str, Any]:
    program = summary.program
    return {
        "id": program.id,
        "name": program.name,
        "description": program.description,
        "funder": program.funder,
        "is_active": program.is_active,
        "people_count": summary.people_count,
    }


def program_json(detail: ProgramDetail, *, private: bool) -> dict[str, Any]:
    return {
        **program_summary_json(ProgramSummary(detail.program, len(detail.roles))),
        "access": [
            {"user": user_json(r.user, private=private), "access": str(r.access)}
            for r in detail.roles
        ],
    }
