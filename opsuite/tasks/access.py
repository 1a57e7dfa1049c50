"""Who may do what on a board. One place decides, from four facts: the person's role, their
board membership, their team membership and their program role.

- view: read the board, its tasks and activity;
- edit: create, move and edit tasks, comment, tick checklists, take a task;
- manage: change columns, labels and members, assign anyone, override WIP limits, delete tasks.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from tortoise.expressions import Q

from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin, role_allows
from opsuite.caps import Cap
from opsuite.errors import PermissionDenied
from opsuite.people.models import ProgramAccess, ProgramRole, TeamMember
from opsuite.tasks.models import Board, BoardMember, Visibility
from opsuite.web.i18n import gettext as _


class Level(IntEnum):
    NONE = 0
    VIEW = 1
    EDIT = 2
    MANAGE = 3


def _level(
    user: User,
    board: Board,
    member: BoardMember | None,
    team: TeamMember | None,
    program: ProgramRole | None,
) -> Level:
    if not user.is_active:
        return Level.NONE
    if is_admin(user):
        return Level.MANAGE
    is_manager = role_allows(user, Cap.MANAGE)
    level = Level.NONE
    if board.visibility == Visibility.STAFF and role_allows(user, Cap.STAFF):
        level = Level.VIEW
    if member is not None:
        level = max(level, Level.MANAGE if member.is_manager else Level.EDIT)
    if team is not None:
        level = max(level, Level.MANAGE if team.is_manager and is_manager else Level.EDIT)
    if program is not None:
        runs = program.access == ProgramAccess.MANAGE and is_manager
        level = max(level, Level.MANAGE if runs else Level.VIEW)
    return level


async def levels_for(user: User, boards: Iterable[Board]) -> dict[int, Level]:
    """Each board's level for ``user``, in at most three queries however many boards."""
    boards = list(boards)
    if not boards:
        return {}
    if not user.is_active or is_admin(user):
        return {b.id: _level(user, b, None, None, None) for b in boards}
    members = {
        m.board_id: m
        for m in await BoardMember.filter(user_id=user.id, board_id__in=[b.id for b in boards])
    }
    team_ids = {b.team_id for b in boards if b.team_id}
    teams = (
        {t.team_id: t for t in await TeamMember.filter(user_id=user.id, team_id__in=team_ids)}
        if team_ids
        else {}
    )
    program_ids = {b.program_id for b in boards if b.program_id}
    programs = (
        {
            p.program_id: p
            for p in await ProgramRole.filter(user_id=user.id, program_id__in=program_ids)
        }
        if program_ids
        else {}
    )
    return {
        b.id: _level(
            user,
            b,
            members.get(b.id),
            teams.get(b.team_id) if b.team_id else None,
            programs.get(b.program_id) if b.program_id else None,
        )
        for b in boards
    }


async def level_for(user: User, board: Board) -> Level:
    return (await levels_for(user, [board]))[board.id]


async def require(user: User, board: Board, needed: Level) -> Level:
    """The user's level on the board. Raises PermissionDenied when it is below ``needed``."""
    level = await level_for(user, board)
    if level < needed:
        if level == Level.NONE:
            raise PermissionDenied(_("You do not have access to this board."))
        if needed == Level.EDIT:
            raise PermissionDenied(_("You may read this board but not change it."))
        raise PermissionDenied(_("Only the board's managers may do that."))
    return level


async def visible_board_filter(user: User) -> Q:
    """A filter on Board matching the boards ``user`` may at least view."""
    if is_admin(user):
        return Q(id__gt=0)
    board_ids = await BoardMember.filter(user_id=user.id).values_list("board_id", flat=True)
    team_ids = await TeamMember.filter(user_id=user.id).values_list("team_id", flat=True)
    program_ids = await ProgramRole.filter(user_id=user.id).values_list("program_id", flat=True)
    condition = (
        Q(id__in=list(board_ids) or [0])
        | Q(team_id__in=list(team_ids) or [0])
        | Q(program_id__in=list(program_ids) or [0])
    )
    if role_allows(user, Cap.STAFF):
        condition |= Q(visibility=Visibility.STAFF)
    return condition


async def people_with_access(board: Board, users: Iterable[User]) -> dict[int, Level]:
    """The level of each of ``users`` on ``board`` (three queries however many people)."""
    users = list(users)
    if not users:
        return {}
    ids = [u.id for u in users]
    members = {m.user_id: m for m in await BoardMember.filter(board_id=board.id, user_id__in=ids)}
    teams = (
        {t.user_id: t for t in await TeamMember.filter(team_id=board.team_id, user_id__in=ids)}
        if board.team_id
        else {}
    )
    programs = (
        {
            p.user_id: p
            for p in await ProgramRole.filter(program_id=board.program_id, user_id__in=ids)
        }
        if board.program_id
        else {}
    )
    return {
        u.id: _level(u, board, members.get(u.id), teams.get(u.id), programs.get(u.id))
        for u in users
    }
