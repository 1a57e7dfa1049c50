"""Board pages: the list of boards, a new board, a board's settings (columns, labels,
members) and its activity log. The board itself is drawn by tasks.board_page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.auth.permissions import role_allows
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.people.models import Program, Team
from opsuite.people.service import active_people_choices
from opsuite.tasks import activity_text, boards, events, forms, queries
from opsuite.tasks.access import Level, require
from opsuite.tasks.models import Board
from opsuite.tasks.pages import tasks
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import pager, path_id, see_other, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


async def _board_form_fields(user: User, board: Board | None = None) -> Any:
    teams, programs = await boards.owner_choices(user)
    team_choices = [(str(t.id), t.name) for t in teams]
    program_choices = [(str(p.id), p.name) for p in programs]
    if board is not None:
        # Keep the board's current team and program selectable even if the editor runs neither.
        team = await Team.get_or_none(id=board.team_id) if board.team_id else None
        if team is not None and team.id not in {t.id for t in teams}:
            team_choices.append((str(team.id), team.name))
        program = await Program.get_or_none(id=board.program_id) if board.program_id else None
        if program is not None and program.id not in {p.id for p in programs}:
            program_choices.append((str(program.id), program.name))
    return forms.board_fields(team_choices, program_choices)


async def board_list(request: Request) -> Response:
    user = viewer(request)
    offset, limit = page_params(request)
    rows = await queries.visible_boards(user)
    return render(
        request,
        "tasks/boards.html",
        {
            "boards": rows[offset : offset + limit],
            "can_create": role_allows(user, Cap.MANAGE),
            **pager(len(rows), offset, limit),
        },
    )


async def board_new(request: Request) -> Response:
    user = viewer(request)
    fields = await _board_form_fields(user)
    if request.method == "GET":
        form = Form.blank(fields, {"visibility": "members"})
        return render(request, "tasks/board_form.html", {"form": form, "board": None})
    form = Form.bind(fields, await request.form())
    if form.is_valid:
        try:
            board = await boards.create_board(user, **forms.board_values(form.cleaned))
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("The board “%(name)s” is ready.", name=board.name)
            return flash(request, see_other(f"/boards/{board.id}"), message, "success")
    return render(request, "tasks/board_form.html", {"form": form, "board": None}, status=400)


async def board_detail(request: Request) -> Response:
    return await tasks.board_page(request, path_id(request))


async def _settings_page(
    request: Request, board: Board, *, status: int = 200, **forms_in: Any
) -> Response:
    user = viewer(request)
    level = await require(user, board, Level.MANAGE)
    people = await active_people_choices()
    context: dict[str, Any] = {
        "board": board,
        "level": level,
        "columns": await boards.columns_of(board),
        "labels": await boards.labels_of(board),
        "members": await boards.board_members(board),
        "form": forms_in.get("form")
        or Form.blank(
            await _board_form_fields(user, board),
            {
                "name": board.name,
                "description": board.description,
                "team_id": str(board.team_id or ""),
                "program_id": str(board.program_id or ""),
                "visibility": str(board.visibility),
            },
        ),
        "column_form": forms_in.get("column_form") or Form.blank(forms.column_fields()),
        "label_form": forms_in.get("label_form") or Form.blank(forms.LABEL, {"color": "#3366cc"}),
        "member_form": forms_in.get("member_form") or Form.blank(forms.member_fields(people)),
        "column_errors": forms_in.get("column_errors"),
    }
    return render(request, "tasks/board_settings.html", context, status=status)


async def board_settings(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    if request.method == "GET":
        return await _settings_page(request, board)
    await require(user, board, Level.MANAGE)
    form = Form.bind(await _board_form_fields(user, board), await request.form())
    if form.is_valid:
        try:
            await boards.update_board(user, board, **forms.board_values(form.cleaned))
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            url = f"/boards/{board.id}/settings"
            return flash(request, see_other(url), _("The board is saved."), "success")
    return await _settings_page(request, board, status=400, form=form)


def _wip(form: Form) -> int | None:
    value = form.cleaned.get("wip_limit")
    return int(value) if value is not None else None


async def column_add(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    await require(user, board, Level.MANAGE)
    form = Form.bind(forms.column_fields(), await request.form())
    if form.is_valid:
        try:
            await boards.add_column(
                user,
                board,
                name=form.cleaned["name"],
                wip_limit=_wip(form),
                is_done=form.cleaned["is_done"],
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            url = f"/boards/{board.id}/settings"
            return flash(request, see_other(url), _("The column is added."), "success")
    return await _settings_page(request, board, status=400, column_form=form)


async def column_edit(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    column = await boards.get_column(board, path_id(request, "column_id"))
    await require(user, board, Level.MANAGE)
    data = await request.form()
    url = f"/boards/{board.id}/settings"
    if data.get("action") == "delete":
        await boards.delete_column(user, column)
        return flash(request, see_other(url), _("The column is deleted."), "success")
    form = Form.bind(forms.column_fields(), data)
    position = column.position + {"left": -1, "right": 1}.get(str(data.get("action", "")), 0)
    if form.is_valid:
        try:
            await boards.update_column(
                user,
                column,
                name=form.cleaned["name"],
                wip_limit=_wip(form),
                is_done=form.cleaned["is_done"],
                position=max(0, position),
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return flash(request, see_other(url), _("The column is saved."), "success")
    errors = {column.id: form}
    return await _settings_page(request, board, status=400, column_errors=errors)


async def label_add(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    form = Form.bind(forms.LABEL, await request.form())
    if form.is_valid:
        try:
            await boards.add_label(user, board, **form.cleaned)
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            url = f"/boards/{board.id}/settings"
            return flash(request, see_other(url), _("The label is added."), "success")
    return await _settings_page(request, board, status=400, label_form=form)


async def member_add(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    await require(user, board, Level.MANAGE)
    form = Form.bind(forms.member_fields(await active_people_choices()), await request.form())
    if form.is_valid:
        person = await User.get_or_none(id=int(form.cleaned["user_id"]))
        if person is None:
            raise InvalidInput(_("Choose from the list."), field="user_id")
        await boards.add_member(user, board, person, is_manager=form.cleaned["is_manager"])
        message = _("%(name)s is on the board.", name=person.name)
        return flash(request, see_other(f"/boards/{board.id}/settings"), message, "success")
    return await _settings_page(request, board, status=400, member_form=form)


async def member_remove(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    person = await User.get_or_none(id=path_id(request, "user_id"))
    if person is None:
        raise InvalidInput(_("Choose from the list."), field="user_id")
    await boards.remove_member(user, board, person)
    message = _("%(name)s is no longer on the board.", name=person.name)
    return flash(request, see_other(f"/boards/{board.id}/settings"), message, "success")


async def board_activity(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    await require(user, board, Level.VIEW)
    offset, limit = page_params(request)
    rows, total = await events.board_events(board.id, offset=offset, limit=limit)
    return render(
        request,
        "tasks/activity.html",
        {
            "board": board,
            "events": rows,
            "describe_event": activity_text.describe,
            "total": total,
            "page": offset // limit + 1,
            "pages": max(1, -(-total // limit)),
        },
    )


def routes() -> list[BaseRoute]:
    get_post, post = ("GET", "POST"), ("POST",)
    signed_in = Cap.SIGNED_IN
    return [
        page("/boards", board_list, cap=signed_in, name="tasks:boards"),
        page("/boards/new", board_new, cap=Cap.MANAGE, name="tasks:board_new", methods=get_post),
        page("/boards/{id}", board_detail, cap=signed_in, name="tasks:board"),
        page(
            "/boards/{id}/settings",
            board_settings,
            cap=signed_in,
            name="tasks:board_settings",
            methods=get_post,
        ),
        page(
            "/boards/{id}/columns", column_add, cap=signed_in, name="tasks:column_add", methods=post
        ),
        page(
            "/boards/{id}/columns/{column_id}",
            column_edit,
            cap=signed_in,
            name="tasks:column_edit",
            methods=post,
        ),
        page("/boards/{id}/labels", label_add, cap=signed_in, name="tasks:label_add", methods=post),
        page(
            "/boards/{id}/members", member_add, cap=signed_in, name="tasks:member_add", methods=post
        ),
        page(
            "/boards/{id}/members/{user_id}/remove",
            member_remove,
            cap=signed_in,
            name="tasks:member_remove",
            methods=post,
        ),
        page("/boards/{id}/activity", board_activity, cap=signed_in, name="tasks:board_activity"),
    ]
