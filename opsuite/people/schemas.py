"""JSON shapes of the people API (for the OpenAPI document) and the functions that build them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from opsuite.auth.models import Role
from opsuite.auth.schemas import UserJson, user_json
from opsuite.people.models import ProgramAccess
from opsuite.people.service import (
    PersonDetail,
    ProgramDetail,
    ProgramSummary,
    TeamDetail,
    TeamSummary,
)
from opsuite.web.typed import EmailText, Flag, RequestBody, ResponseBody, absent

# the directory's ?role= filter (a query parameter; bodies are the models below)
ROLE = {"type": "string", "enum": [r.value for r in Role]}


class InviteRequest(RequestBody):
    email: Annotated[EmailText, Field(max_length=254)]
    name: Annotated[str, Field(max_length=120)]
    role: Role
    timezone: str = Field(description="IANA time zone, e.g. Asia/Shanghai")
    locale: Literal["en", "zh_Hans"]
    team_id: int | None = Field(None, description="a team the inviter runs")


class PersonTeam(ResponseBody):
    id: int = absent()
    name: str = absent()
    is_manager: bool = absent()


class PersonProgram(ResponseBody):
    id: int = absent()
    name: str = absent()
    access: ProgramAccess = absent()


class Person(UserJson):
    invitation_pending: bool = absent()
    teams: list[PersonTeam] = absent()
    programs: list[PersonProgram] = absent()


class PersonPatch(RequestBody):
    name: Annotated[str, Field(max_length=120)] = absent()
    role: Role = absent()
    timezone: str = absent(description="IANA time zone, e.g. Asia/Shanghai")
    locale: Literal["en", "zh_Hans"] = absent()
    phone: Annotated[str, Field(max_length=40)] = absent()
    skills: Annotated[list[Annotated[str, Field(max_length=60)]], Field(max_length=30)] = absent()
    is_active: Flag = absent(description="false deactivates, true reactivates")


class MemberRequest(RequestBody):
    user_id: int = Field(description="an active person")
    is_manager: Flag = absent(description="runs the team (managers and administrators only)")


class AccessRequest(RequestBody):
    user_id: int = Field(description="an active person")
    access: ProgramAccess = Field(
        description="manage: runs the program (managers and administrators only); "
        "read: sees it without changing it"
    )


class TeamCreate(RequestBody):
    name: Annotated[str, Field(max_length=120)]
    description: Annotated[str, Field(max_length=2000)] = absent()


class TeamMember(ResponseBody):
    user: UserJson = absent()
    is_manager: bool = absent()


class Team(ResponseBody):
    id: int
    name: str
    description: str
    is_active: bool
    member_count: int = absent()
    members: list[TeamMember] = absent()


class TeamPatch(RequestBody):
    name: Annotated[str, Field(max_length=120)] = absent()
    description: Annotated[str, Field(max_length=2000)] = absent()
    is_active: Flag = absent()


class ProgramCreate(RequestBody):
    name: Annotated[str, Field(max_length=120)]
    description: Annotated[str, Field(max_length=2000)] = absent()
    funder: Annotated[str, Field(max_length=120)] = absent()


class ProgramAccessEntry(ResponseBody):
    user: UserJson = absent()
    access: ProgramAccess = absent()


class Program(ResponseBody):
    id: int
    name: str
    description: str
    funder: str
    is_active: bool
    people_count: int = absent()
    access: list[ProgramAccessEntry] = absent()


class ProgramPatch(RequestBody):
    name: Annotated[str, Field(max_length=120)] = absent()
    description: Annotated[str, Field(max_length=2000)] = absent()
    funder: Annotated[str, Field(max_length=120)] = absent()
    is_active: Flag = absent()


TEAM_WRITE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 120},
        "description": {"type": "string", "maxLength": 2000},
    },
    "additionalProperties": False,
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
