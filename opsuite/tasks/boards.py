"""Boards and what belongs to them: columns, labels and members (the board managers' side)."""

from __future__ import annotations

from typing import cast

from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import can, is_admin
from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, InvalidInput, NotFound
from opsuite.people.models import Program, Team
from opsuite.tasks.access import Level, people_with_access, require
from opsuite.tasks.events import log_event
from opsuite.tasks.models import Board, BoardMember, Column, Label, Task, Visibility
from opsuite.web.i18n import gettext as _
from opsuite.web.text import line_problem, text_problem

MAX_COLUMNS = 20
MAX_LABELS = 50
MAX_WIP = 1000
HEX_DIGITS = set("0123456789abcdefABCDEF")


async def get_board(board_id: int) -> Board:
    """Raises NotFound."""
    board = await Board.get_or_none(id=board_id)
    if board is None:
        raise NotFound(_("There is no such board."))
    return board


async def get_column(board: Board, column_id: int) -> Column:
    """A column of this board. Raises InvalidInput for another board's column."""
    column = await Column.get_or_none(id=column_id)
    if column is None or column.board_id != board.id:
        raise InvalidInput(_("Choose one of this board's columns."), field="column_id")
    return column


def default_columns() -> list[tuple[str, bool]]:
    return [(_("To do"), False), (_("Doing"), False), (_("Review"), False), (_("Done"), True)]


async def _check_owner(actor: User, team_id: int | None, program_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if team_id is not None:
        team = await Team.get_or_none(id=team_id)
        if team is None or not await can(actor, Cap.MANAGE, team):
            errors["team_id"] = _("Choose a team you run.")
    if program_id is not None:
        program = await Program.get_or_none(id=program_id)
        if program is None or not await can(actor, Cap.MANAGE, program):
            errors["program_id"] = _("Choose a program you run.")
    return errors


async def create_board(
    actor: User,
    *,
    name: str,
    description: str = "",
    team_id: int | None = None,
    program_id: int | None = None,
    visibility: str = Visibility.MEMBERS,
) -> Board:
    """A new board with the usual four columns; its creator manages it. Raises FieldErrors."""
    errors = await _check_owner(actor, team_id, program_id)
    if visibility not in {v.value for v in Visibility}:
        errors["visibility"] = _("Choose from the list.")
    _check_text(errors, name=name, description=description)
    if errors:
        raise FieldErrors(errors)
    async with in_transaction():
        board = await Board.create(
            name=name,
            description=description,
            team_id=team_id,
            program_id=program_id,
            visibility=visibility,
            created_by=actor,
            created_at=clock.now(),
        )
        await BoardMember.create(board=board, user=actor, is_manager=True)
        await Column.bulk_create(
            [
                Column(board=board, name=title, position=n, is_done=done)
                for n, (title, done) in enumerate(default_columns())
            ]
        )
        await log_event(board.id, actor, "board.created", name=name)
    await record(actor, "tasks.board.created", board, name=name)
    return board


async def update_board(
    actor: User,
    board: Board,
    *,
    name: str,
    description: str,
    team_id: int | None,
    program_id: int | None,
    visibility: str,
) -> Board:
    """Raises PermissionDenied, FieldErrors."""
    await require(actor, board, Level.MANAGE)
    errors: dict[str, str] = {}
    if team_id != board.team_id or program_id != board.program_id:
        errors = await _check_owner(
            actor,
            team_id if team_id != board.team_id else None,
            program_id if program_id != board.program_id else None,
        )
    if visibility not in {v.value for v in Visibility}:
        errors["visibility"] = _("Choose from the list.")
    _check_text(errors, name=name, description=description)
    if errors:
        raise FieldErrors(errors)
    board.name, board.description, board.visibility = name, description, Visibility(visibility)
    board.team_id, board.program_id = team_id, program_id
    await board.save()
    await log_event(board.id, actor, "board.updated", name=name)
    return board


async def set_board_archived(actor: User, board: Board, *, archived: bool) -> None:
    await require(actor, board, Level.MANAGE)
    board.is_archived = archived
    await board.save(update_fields=["is_archived"])
    await log_event(board.id, actor, "board.archived" if archived else "board.restored")
    await record(actor, "tasks.board." + ("archived" if archived else "restored"), board)


# --- members ------------------------------------------------------------------------------------


async def add_member(actor: User, board: Board, person: User, *, is_manager: bool) -> BoardMember:
    """Add someone to the board (or change whether they manage it). Raises PermissionDenied,
    InvalidInput."""
    await require(actor, board, Level.MANAGE)
    if not person.is_active:
        raise InvalidInput(
            _("%(name)s's account is deactivated.", name=person.name), field="user_id"
        )
    member, _created = await BoardMember.update_or_create(
        board_id=board.id, user_id=person.id, defaults={"is_manager": is_manager}
    )
    await log_event(board.id, actor, "member.added", person=person.name, manager=is_manager)
    await record(actor, "tasks.board.member_added", board, person=person.id, manager=is_manager)
    return member


async def remove_member(actor: User, board: Board, person: User) -> None:
    """Raises PermissionDenied, Conflict (the last manager cannot leave)."""
    await require(actor, board, Level.MANAGE)
    member = await BoardMember.get_or_none(board_id=board.id, user_id=person.id)
    if member is None:
        raise NotFound(_("%(name)s is not a member of this board.", name=person.name))
    if (
        member.is_manager
        and not await BoardMember.filter(
            board_id=board.id, is_manager=True, user_id__not=person.id
        ).exists()
    ):
        raise Conflict(_("A board needs at least one manager; make someone else one first."))
    await member.delete()
    await log_event(board.id, actor, "member.removed", person=person.name)
    await record(actor, "tasks.board.member_removed", board, person=person.id)


async def board_members(board: Board) -> list[BoardMember]:
    return await BoardMember.filter(board_id=board.id).prefetch_related("user")


async def people_on_board(board: Board, at_least: Level = Level.EDIT) -> list[User]:
    """Everyone with at least this level on the board among its members, its team and its
    program, by name (assignees need EDIT; @mentions reach VIEW)."""
    candidates = await User.filter(is_active=True).filter(id__in=await _candidate_ids(board))
    levels = await people_with_access(board, candidates)
    return sorted((u for u in candidates if levels[u.id] >= at_least), key=lambda u: u.name.lower())


async def _candidate_ids(board: Board) -> list[int]:
    from opsuite.people.models import ProgramRole, TeamMember

    queries = [BoardMember.filter(board_id=board.id).values_list("user_id", flat=True)]
    if board.team_id:
        queries.append(TeamMember.filter(team_id=board.team_id).values_list("user_id", flat=True))
    if board.program_id:
        queries.append(
            ProgramRole.filter(program_id=board.program_id).values_list("user_id", flat=True)
        )
    ids: set[int] = set()
    for query in queries:
        ids |= set(cast(list[int], await query))
    return list(ids) or [0]


def _check_text(errors: dict[str, str], *, name: str, description: str = "") -> None:
    if problem := line_problem(name):
        errors["name"] = problem
    if problem := text_problem(description):
        errors["description"] = problem


# --- columns ------------------------------------------------------------------------------------


def _check_column(name: str, wip_limit: int | None) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("This field is required.")
    elif len(name) > 60:
        errors["name"] = _(
            "At most %(n)s characters, please (you typed %(typed)s).", n=60, typed=len(name)
        )
    else:
        _check_text(errors, name=name)
    if wip_limit is not None and not 1 <= wip_limit <= MAX_WIP:
        errors["wip_limit"] = _(
            "A limit must be between 1 and %(n)s, or empty for none.", n=MAX_WIP
        )
    if errors:
        raise FieldErrors(errors)


async def add_column(
    actor: User, board: Board, *, name: str, wip_limit: int | None = None, is_done: bool = False
) -> Column:
    """A new column at the right end. Raises PermissionDenied, FieldErrors."""
    await require(actor, board, Level.MANAGE)
    _check_column(name, wip_limit)
    async with in_transaction():
        await Board.filter(id=board.id).select_for_update().first()
        count = await Column.filter(board_id=board.id).count()
        if count >= MAX_COLUMNS:
            raise FieldErrors({"name": _("A board has at most %(n)s columns.", n=MAX_COLUMNS)})
        column = await Column.create(
            board=board, name=name.strip(), position=count, wip_limit=wip_limit, is_done=is_done
        )
        await log_event(board.id, actor, "column.added", name=column.name)
    return column


async def update_column(
    actor: User,
    column: Column,
    *,
    name: str,
    wip_limit: int | None,
    is_done: bool,
    position: int | None = None,
) -> Column:
    """Rename, limit, mark as done, or move a column. Raises PermissionDenied, FieldErrors."""
    board = await get_board(column.board_id)
    await require(actor, board, Level.MANAGE)
    _check_column(name, wip_limit)
    async with in_transaction():
        await Board.filter(id=board.id).select_for_update().first()
        column.name, column.wip_limit, column.is_done = name.strip(), wip_limit, is_done
        await column.save(update_fields=["name", "wip_limit", "is_done"])
        if position is not None:
            columns = [c for c in await Column.filter(board_id=board.id) if c.id != column.id]
            columns.insert(max(0, min(position, len(columns))), column)
            for n, c in enumerate(columns):
                if c.position != n:
                    await Column.filter(id=c.id).update(position=n)
        await log_event(board.id, actor, "column.updated", name=column.name, wip=wip_limit)
    return column


async def delete_column(actor: User, column: Column) -> None:
    """Only an empty column can go. Raises PermissionDenied, Conflict."""
    board = await get_board(column.board_id)
    await require(actor, board, Level.MANAGE)
    async with in_transaction():
        await Board.filter(id=board.id).select_for_update().first()
        if await Task.filter(column_id=column.id).exists():
            raise Conflict(
                _("Move the tasks out of “%(name)s” before deleting it.", name=column.name)
            )
        if await Column.filter(board_id=board.id).count() <= 1:
            raise Conflict(_("A board needs at least one column."))
        await column.delete()
        for n, c in enumerate(await Column.filter(board_id=board.id)):
            if c.position != n:
                await Column.filter(id=c.id).update(position=n)
        await log_event(board.id, actor, "column.deleted", name=column.name)


async def columns_of(board: Board) -> list[Column]:
    return await Column.filter(board_id=board.id)


# --- labels -------------------------------------------------------------------------------------


async def add_label(actor: User, board: Board, *, name: str, color: str = "#888888") -> Label:
    """Raises PermissionDenied, FieldErrors (a name already used on this board, a bad colour)."""
    await require(actor, board, Level.MANAGE)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 40:
        errors["name"] = _(
            "At most %(n)s characters, please (you typed %(typed)s).", n=40, typed=len(name)
        )
    elif problem := line_problem(name):
        errors["name"] = problem
    elif await Label.filter(board_id=board.id, name=name).exists():
        errors["name"] = _("This board already has a label with that name.")
    elif await Label.filter(board_id=board.id).count() >= MAX_LABELS:
        errors["name"] = _("A board has at most %(n)s labels.", n=MAX_LABELS)
    if not (len(color) == 7 and color[0] == "#" and set(color[1:]) <= HEX_DIGITS):
        errors["color"] = _("Give a colour like #3366cc.")
    if errors:
        raise FieldErrors(errors)
    label = await Label.create(board=board, name=name, color=color.lower())
    await log_event(board.id, actor, "label.added", name=name)
    return label


async def labels_of(board: Board) -> list[Label]:
    return await Label.filter(board_id=board.id)


async def owner_choices(actor: User) -> tuple[list[Team], list[Program]]:
    """The teams and programs ``actor`` may put a board under (those they run)."""
    from opsuite.people.models import ProgramAccess
    from opsuite.people.service import teams_run_by

    teams = await teams_run_by(actor)
    programs = Program.filter(is_active=True)
    if not is_admin(actor):
        programs = programs.filter(roles__user_id=actor.id, roles__access=ProgramAccess.MANAGE)
    return teams, list(await programs.order_by("name"))
