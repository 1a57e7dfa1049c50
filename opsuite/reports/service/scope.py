"""What a viewer may report on: admins everything, managers the programs, teams and boards they
run, and anyone given read-only access to a program (a funder, a board member) that program's
volunteer reports and exports, without contact data. Asked of the one permission function (and
the tasks area's board levels)."""

from __future__ import annotations

from dataclasses import dataclass

from opsuite.auth.models import User
from opsuite.auth.permissions import (
    authorize,
    is_admin,
    role_allows,
    sees_contact_data,
)
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.people.access import may_report_on, programs_read_by
from opsuite.people.models import Program, ProgramAccess, ProgramRole, Team, TeamMember
from opsuite.tasks.access import Level, levels_for
from opsuite.tasks.models import Board
from opsuite.web.i18n import gettext as _


@dataclass(frozen=True)
class Scope:
    """The programs, teams and boards one viewer may see in reports."""

    programs: list[Program]
    teams: list[Team]
    boards: list[Board]
    # A program's read-only viewer: volunteer reports of their programs, no contact data.
    read_only: bool = False

    @property
    def contact_data(self) -> bool:
        """Whether email addresses and phone numbers may be shown."""
        return not self.read_only

    @property
    def program_ids(self) -> list[int]:
        return [p.id for p in self.programs]

    @property
    def team_ids(self) -> list[int]:
        return [t.id for t in self.teams]

    @property
    def board_ids(self) -> list[int]:
        return [b.id for b in self.boards]


async def scope_for(viewer: User) -> Scope:
    """Raises PermissionDenied unless the viewer is a manager, an admin or has read-only access
    to a program."""
    if not role_allows(viewer, Cap.MANAGE):
        read = await programs_read_by(viewer)
        if not read:
            await authorize(viewer, Cap.MANAGE)  # raises: nothing to report on
        programs = await Program.filter(id__in=read).order_by("name", "id")
        return Scope(list(programs), [], [], read_only=not sees_contact_data(viewer))
    if is_admin(viewer):
        programs = await Program.all().order_by("name", "id")
        teams = await Team.all().order_by("name", "id")
        boards = await Board.all().order_by("name", "id")
        return Scope(list(programs), list(teams), list(boards))
    program_ids = await ProgramRole.filter(
        user_id=viewer.id, access=ProgramAccess.MANAGE
    ).values_list("program_id", flat=True)
    team_ids = await TeamMember.filter(user_id=viewer.id, is_manager=True).values_list(
        "team_id", flat=True
    )
    programs = await Program.filter(id__in=list(program_ids)).order_by("name", "id")
    teams = await Team.filter(id__in=list(team_ids)).order_by("name", "id")
    candidates = await Board.all().order_by("name", "id")
    levels = await levels_for(viewer, candidates)
    boards = [b for b in candidates if levels.get(b.id, Level.NONE) >= Level.MANAGE]
    return Scope(list(programs), list(teams), boards)


async def program_in_scope(viewer: User, program_id: int) -> Program:
    """Raises InvalidInput (unknown) or PermissionDenied (neither run nor readable by the
    viewer)."""
    program = await Program.get_or_none(id=program_id)
    if program is None:
        raise InvalidInput(_("Choose from the list."), field="program")
    if not await may_report_on(viewer, program):
        await authorize(viewer, Cap.MANAGE, program)  # raises
    return program


async def team_in_scope(viewer: User, team_id: int) -> Team:
    """Raises InvalidInput (unknown) or PermissionDenied (not run by the viewer)."""
    team = await Team.get_or_none(id=team_id)
    if team is None:
        raise InvalidInput(_("Choose from the list."), field="team")
    await authorize(viewer, Cap.MANAGE, team)
    return team
