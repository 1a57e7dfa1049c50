"""Forms of the people area. HTML pages and the JSON API validate through the same fields.

Some choices depend on who is asking (the teams they run, the people not yet in a team), so
those forms are built by functions that take the choices.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from opsuite.auth.forms import locale_choices
from opsuite.auth.models import Role, User
from opsuite.auth.roles import ROLE_LABELS
from opsuite.people.models import Program, ProgramAccess, Team
from opsuite.people.service import ACCESS_LABELS, MAX_DESCRIPTION, teams_run_by
from opsuite.web.forms import Field
from opsuite.web.http import query_flag, query_id
from opsuite.web.i18n import lazy_gettext

L = lazy_gettext


def role_choices(roles: list[Role]) -> list[tuple[str, Any]]:
    return [(role.value, ROLE_LABELS[role]) for role in roles]


def access_choices() -> list[tuple[str, Any]]:
    return [(access.value, ACCESS_LABELS[access]) for access in ProgramAccess]


NAME = Field("name", L("Full name"), max_length=120)


def role_field(roles: list[Role]) -> Field:
    """``roles`` are those offered; the service still decides who may give which role."""
    return Field(
        "role",
        L("Role"),
        kind="select",
        choices=lambda: role_choices(roles),
        help=L("Only administrators may give the manager and administrator roles."),
    )


TIMEZONE = Field(
    "timezone",
    L("Time zone"),
    kind="tz",
    max_length=64,
    help=L("Where this person works; times are shown to them in this zone."),
)
LOCALE = Field("locale", L("Language"), kind="select", choices=locale_choices)


def person_fields(roles: list[Role]) -> tuple[Field, ...]:
    return (
        NAME,
        role_field(roles),
        TIMEZONE,
        LOCALE,
        Field("phone", L("Phone"), required=False, max_length=40),
        Field(
            "skills",
            L("Skills"),
            kind="list",
            required=False,
            max_length=500,
            help=L("Separate skills with commas, e.g. first aid, driving, Mandarin."),
        ),
    )


def invite_fields(roles: list[Role], team_choices: list[tuple[str, str]]) -> tuple[Field, ...]:
    """The invitation form; ``team_choices`` are the teams the inviter runs."""
    return (
        NAME,
        Field("email", L("Email"), kind="email", max_length=254),
        role_field(roles),
        TIMEZONE,
        LOCALE,
        Field(
            "team_id",
            L("Add to team"),
            kind="select",
            required=False,
            choices=lambda: team_choices,
        ),
    )


async def invite_fields_for(user: User, roles: list[Role]) -> tuple[Field, ...]:
    """The invitation form as ``user`` sees it: the teams offered are those they run."""
    teams = await teams_run_by(user)
    return invite_fields(roles, [(str(t.id), t.name) for t in teams])


def invite_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    """A valid invitation form as the arguments of ``invite_person``."""
    values = dict(cleaned)
    values["team_id"] = int(values["team_id"]) if values.get("team_id") else None
    return values


def person_initial(person: User) -> dict[str, Any]:
    """The edit form filled in with the person as they are (PATCH starts from it too)."""
    return {
        "name": person.name,
        "role": str(person.role),
        "timezone": person.timezone,
        "locale": person.locale,
        "phone": person.phone,
        "skills": list(person.skills),
    }


def list_filters(request: Request) -> dict[str, Any]:
    """The directory's filters from the query string (the API reads ``team_id`` instead)."""
    return {
        "query": request.query_params.get("q", "")[:100],
        "role": request.query_params.get("role", "").strip() or None,
        "team_id": query_id(request, "team"),
        "include_inactive": query_flag(request, "inactive"),
    }


TEAM = (
    Field("name", L("Team name"), max_length=120),
    Field(
        "description",
        L("Description"),
        kind="textarea",
        required=False,
        max_length=MAX_DESCRIPTION,
    ),
)


def team_initial(team: Team) -> dict[str, Any]:
    return {"name": team.name, "description": team.description}


PROGRAM = (
    Field("name", L("Program name"), max_length=120),
    Field(
        "description",
        L("Description"),
        kind="textarea",
        required=False,
        max_length=MAX_DESCRIPTION,
    ),
    Field(
        "funder",
        L("Funder"),
        required=False,
        max_length=120,
        help=L("Who pays for it, if anyone in particular."),
    ),
)


def program_initial(program: Program) -> dict[str, Any]:
    return {"name": program.name, "description": program.description, "funder": program.funder}


def member_fields(people_choices: list[tuple[str, str]]) -> tuple[Field, ...]:
    return (
        Field("user_id", L("Person"), kind="select", choices=lambda: people_choices),
        Field(
            "is_manager",
            L("Runs this team"),
            kind="bool",
            required=False,
            help=L("Team managers may edit the team and its members."),
        ),
    )


def access_fields(people_choices: list[tuple[str, str]]) -> tuple[Field, ...]:
    return (
        Field("user_id", L("Person"), kind="select", choices=lambda: people_choices),
        Field(
            "access",
            L("Access"),
            kind="select",
            choices=access_choices,
            help=L(
                "Read-only access lets anyone (a board member, a funder's liaison) see the "
                "program without changing it."
            ),
        ),
    )
