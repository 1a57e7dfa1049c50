"""The tasks JSON API under /api/v1: boards, columns, tasks (CRUD, move, assign, comment,
checklist) and activity. Each handler calls the same service function as the pages."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.tasks import boards, events, forms, queries, schemas, service
from opsuite.tasks.access import Level, require
from opsuite.tasks.json_input import (
    board_values,
    fields_of,
    flag,
    ids,
    only,
    task_input,
    text,
    whole_number,
)
from opsuite.tasks.models import Comment, Task
from opsuite.web.api import (
    UPDATED_SINCE_PARAM,
    form_data_from_json,
    json_body,
    page_params,
    paginated,
    sort_doc,
    sort_param,
    typed_body,
    updated_since,
)
from opsuite.web.forms import Form
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api


async def _card_json(task: Task, timezone: str) -> dict[str, Any]:
    [card] = await queries.cards_for([task], timezone)
    return schemas.task_json(card)


# --- boards and columns -------------------------------------------------------------------------


async def api_boards(request: Request) -> Response:
    user = viewer(request)
    if request.method == "POST":
        await authorize(user, Cap.MANAGE)
        board = await boards.create_board(user, **board_values(await json_body(request)))
        return JSONResponse(
            schemas.board_json(board, await boards.columns_of(board), []), status_code=201
        )
    offset, limit = page_params(request)
    rows = await queries.visible_boards(user)
    return paginated(
        [schemas.board_json(b) for b in rows[offset : offset + limit]], len(rows), offset, limit
    )


async def api_board(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    if request.method == "PATCH":
        board = await boards.update_board(
            user, board, **board_values(await json_body(request), board)
        )
    await require(user, board, Level.VIEW)
    return JSONResponse(
        schemas.board_json(board, await boards.columns_of(board), await boards.labels_of(board))
    )


async def api_labels(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    await require(user, board, Level.MANAGE)
    body = await typed_body(request, schemas.LabelInput)
    form = Form.bind(forms.LABEL, form_data_from_json(forms.LABEL, body, {"color": "#888888"}))
    form.raise_if_invalid()
    label = await boards.add_label(user, board, **form.cleaned)
    return JSONResponse(schemas.label_json(label), status_code=201)


async def api_members(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    await require(user, board, Level.MANAGE)
    body = await typed_body(request, schemas.MemberInput)
    person = await User.get_or_none(id=body["user_id"]) if 0 < body["user_id"] < 2**31 else None
    if person is None:
        raise InvalidInput(_("Choose from the list."), field="user_id")
    is_manager = body.get("is_manager", False)
    member = await boards.add_member(user, board, person, is_manager=is_manager)
    return JSONResponse(schemas.member_json(member, person), status_code=201)


async def api_member(request: Request) -> Response:
    board = await boards.get_board(path_id(request))
    person = await User.get_or_none(id=path_id(request, "user_id"))
    if person is None:
        raise InvalidInput(_("Choose from the list."), field="user_id")
    await boards.remove_member(viewer(request), board, person)
    return JSONResponse({"deleted": True})


async def api_columns(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    body = await json_body(request)
    only(body, {"name", "wip_limit", "is_done"})
    column = await boards.add_column(
        user,
        board,
        name=text(body, "name"),
        wip_limit=whole_number(body, "wip_limit"),
        is_done=flag(body, "is_done"),
    )
    return JSONResponse(schemas.column_json(column), status_code=201)


async def api_column(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    await require(user, board, Level.MANAGE)
    column = await boards.get_column(board, path_id(request, "column_id"))
    if request.method == "DELETE":
        await boards.delete_column(user, column)
        return JSONResponse({"deleted": True})
    body = await json_body(request)
    only(body, fields_of(schemas.COLUMN_REQUEST))
    column = await boards.update_column(
        user,
        column,
        name=text(body, "name", column.name),
        wip_limit=whole_number(body, "wip_limit") if "wip_limit" in body else column.wip_limit,
        is_done=flag(body, "is_done") if "is_done" in body else column.is_done,
        position=whole_number(body, "position"),
    )
    return JSONResponse(schemas.column_json(column))


async def api_board_activity(request: Request) -> Response:
    user = viewer(request)
    board = await boards.get_board(path_id(request))
    await require(user, board, Level.VIEW)
    offset, limit = page_params(request)
    rows, total = await events.board_events(board.id, offset=offset, limit=limit)
    return paginated([schemas.event_json(e) for e in rows], total, offset, limit)


# --- tasks --------------------------------------------------------------------------------------


async def api_board_tasks(request: Request) -> Response:
    user, settings = viewer(request), settings_of(request)
    board = await boards.get_board(path_id(request))
    if request.method == "POST":
        body = await json_body(request)
        only(body, fields_of(schemas.TASK_REQUEST) - {"version"})
        task = await service.create_task(
            user,
            board,
            await task_input(body, None, timezone=user.timezone),
            column_id=whole_number(body, "column_id"),
            assignee_ids=ids(body, "assignee_ids"),
            settings=settings,
        )
        return JSONResponse(await _card_json(task, user.timezone), status_code=201)
    await require(user, board, Level.VIEW)
    offset, limit = page_params(request)
    filters = forms.list_filters(request)
    filters = queries.TaskFilters(
        **{
            **filters.__dict__,
            "board_id": board.id,
            "updated_since": updated_since(request),
            "sort": sort_param(request, tuple(queries.ORDERS)),
        }
    )
    cards, total = await queries.list_tasks(user, filters, offset=offset, limit=limit)
    return paginated([schemas.task_json(c) for c in cards], total, offset, limit)


async def api_task(request: Request) -> Response:
    user, settings = viewer(request), settings_of(request)
    task, _board, _level = await service.task_for(user, path_id(request), Level.VIEW)
    if request.method == "DELETE":
        await service.delete_task(user, task.id)
        return JSONResponse({"deleted": True})
    if request.method == "PATCH":
        body = await json_body(request)
        only(body, fields_of(schemas.TASK_REQUEST) - {"column_id", "assignee_ids"})
        version = whole_number(body, "version")
        if version is None:
            raise InvalidInput(_("Send the version you edited."), field="version")
        body.pop("version")
        try:
            task = await service.update_task(
                user,
                task.id,
                await task_input(body, task, timezone=user.timezone),
                version=version,
                settings=settings,
            )
        except service.TaskConflict as exc:
            return JSONResponse(
                {
                    "error": exc.message,
                    "field": "version",
                    "current": await _card_json(exc.current, user.timezone),
                },
                status_code=409,
            )
    return JSONResponse(await _card_json(task, user.timezone))


async def api_move(request: Request) -> Response:
    user = viewer(request)
    body = await json_body(request)
    only(body, {"column_id", "position", "override", "version"})
    column_id = whole_number(body, "column_id")
    if column_id is None:
        raise InvalidInput(_("Choose a column."), field="column_id")
    version = whole_number(body, "version")
    if version is None:
        raise InvalidInput(_("Send the version of the task you saw."), field="version")
    try:
        moved = await service.move_task(
            user,
            path_id(request),
            column_id=column_id,
            position=whole_number(body, "position"),
            override=flag(body, "override"),
            version=version,
            settings=settings_of(request),
        )
    except service.TaskMoved as exc:
        return JSONResponse(schemas.moved_conflict_json(exc), status_code=409)
    return JSONResponse(schemas.move_answer(moved))


async def api_assignees(request: Request) -> Response:
    user = viewer(request)
    task_id = path_id(request)
    await service.get_task(task_id)
    body = await json_body(request)
    only(body, {"user_ids"})
    people = await service.set_assignees(
        user, task_id, ids(body, "user_ids"), settings=settings_of(request)
    )
    return JSONResponse({"assignees": [{"id": p.id, "name": p.name} for p in people]})


async def api_comments(request: Request) -> Response:
    user = viewer(request)
    task, _board, _level = await service.task_for(user, path_id(request), Level.VIEW)
    if request.method == "POST":
        body = await json_body(request)
        only(body, {"body"})
        comment = await service.add_comment(
            user, task.id, text(body, "body"), settings=settings_of(request)
        )
        await comment.fetch_related("author")
        return JSONResponse(schemas.comment_json(comment), status_code=201)
    offset, limit = page_params(request)
    query = Comment.filter(task_id=task.id)
    total = await query.count()
    rows = await query.offset(offset).limit(limit).prefetch_related("author")
    return paginated([schemas.comment_json(c) for c in rows], total, offset, limit)


async def api_checklist(request: Request) -> Response:
    user = viewer(request)
    task_id = path_id(request)
    await service.get_task(task_id)
    body = await json_body(request)
    only(body, {"text"})
    item = await service.add_checklist_item(user, task_id, text(body, "text"))
    return JSONResponse(schemas.checklist_json(item), status_code=201)


async def api_checklist_item(request: Request) -> Response:
    user = viewer(request)
    task_id, item_id = path_id(request), path_id(request, "item_id")
    await service.get_task(task_id)
    body = await json_body(request)
    only(body, {"is_done"})
    item = await service.set_checklist_item(user, task_id, item_id, done=flag(body, "is_done"))
    return JSONResponse(schemas.checklist_json(item))


async def api_links(request: Request) -> Response:
    user = viewer(request)
    task_id = path_id(request)
    await service.get_task(task_id)
    body = await json_body(request)
    only(body, fields_of(schemas.LINK_REQUEST))
    link = await service.add_link(user, task_id, url=text(body, "url"), title=text(body, "title"))
    return JSONResponse(schemas.link_json(link), status_code=201)


async def api_link(request: Request) -> Response:
    user = viewer(request)
    task_id = path_id(request)
    await service.remove_link(user, task_id, path_id(request, "link_id"))
    return JSONResponse({"deleted": True})


async def api_label(request: Request) -> Response:
    user = viewer(request)
    task_id = path_id(request)
    await service.remove_label(user, task_id, path_id(request, "label_id"))
    task, _board, _level = await service.task_for(user, task_id, Level.VIEW)
    return JSONResponse(await _card_json(task, user.timezone))


async def api_task_activity(request: Request) -> Response:
    user = viewer(request)
    task, _board, _level = await service.task_for(user, path_id(request), Level.VIEW)
    offset, limit = page_params(request)
    rows, total = await events.task_events_page(task.id, offset=offset, limit=limit)
    return paginated([schemas.event_json(e) for e in rows], total, offset, limit)


async def api_mine(request: Request) -> Response:
    user = viewer(request)
    offset, limit = page_params(request)
    cards = await queries.my_tasks(user)
    page = cards[offset : offset + limit]
    return paginated([schemas.task_json(c) for c in page], len(cards), offset, limit)


def routes() -> list[BaseRoute]:
    signed_in = Cap.SIGNED_IN
    return [
        api(
            "/api/v1/boards",
            api_boards,
            cap=signed_in,
            name="api:boards",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "Boards you can see; POST creates one (managers and up)",
                request=schemas.BOARD_REQUEST,
                response=schemas.BOARD,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/boards/{id}",
            api_board,
            cap=signed_in,
            name="api:board",
            methods=("GET", "PATCH"),
            doc=ApiDoc(
                "One board with its columns and labels; PATCH edits it (board managers)",
                request=schemas.BOARD_REQUEST,
                response=schemas.BOARD,
            ),
        ),
        api(
            "/api/v1/boards/{id}/labels",
            api_labels,
            cap=signed_in,
            name="api:board_labels",
            methods=("POST",),
            doc=ApiDoc(
                "Add a label to the board (board managers)",
                request=schemas.LabelInput,
                response=schemas.LabelJson,
            ),
        ),
        api(
            "/api/v1/boards/{id}/members",
            api_members,
            cap=signed_in,
            name="api:board_members",
            methods=("POST",),
            doc=ApiDoc(
                "Put someone on the board, or change whether they manage it (board managers)",
                request=schemas.MemberInput,
                response=schemas.MemberJson,
            ),
        ),
        api(
            "/api/v1/boards/{id}/members/{user_id}",
            api_member,
            cap=signed_in,
            name="api:board_member",
            methods=("DELETE",),
            doc=ApiDoc(
                "Take someone off the board; 409 for its last manager", response=schemas.Deleted
            ),
        ),
        api(
            "/api/v1/boards/{id}/columns",
            api_columns,
            cap=signed_in,
            name="api:board_columns",
            methods=("POST",),
            doc=ApiDoc(
                "Add a column (board managers)",
                request=schemas.COLUMN_REQUEST,
                response=schemas.COLUMN,
            ),
        ),
        api(
            "/api/v1/boards/{id}/columns/{column_id}",
            api_column,
            cap=signed_in,
            name="api:board_column",
            methods=("PATCH", "DELETE"),
            doc=ApiDoc(
                "Rename, limit, mark done or move a column; DELETE removes an empty one",
                request=schemas.COLUMN_REQUEST,
                response=schemas.COLUMN,
            ),
        ),
        api(
            "/api/v1/boards/{id}/tasks",
            api_board_tasks,
            cap=signed_in,
            name="api:board_tasks",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "A board's tasks (filters as on /tasks); POST creates a task",
                request=schemas.TASK_REQUEST,
                response=schemas.TASK,
                params=(
                    {"name": "assignee", "in": "query", "schema": {"type": "integer"}},
                    {"name": "label", "in": "query", "schema": {"type": "string"}},
                    {"name": "due", "in": "query", "schema": {"type": "string"}},
                    {"name": "overdue", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "status", "in": "query", "schema": {"enum": ["open", "done", "all"]}},
                    {"name": "program", "in": "query", "schema": {"type": "integer"}},
                    UPDATED_SINCE_PARAM,
                    sort_doc(tuple(queries.ORDERS)),
                ),
                paginated=True,
            ),
        ),
        api(
            "/api/v1/boards/{id}/activity",
            api_board_activity,
            cap=signed_in,
            name="api:board_activity",
            doc=ApiDoc(
                "The board's activity log, newest first", response=schemas.EVENT, paginated=True
            ),
        ),
        api(
            "/api/v1/tasks/mine",
            api_mine,
            cap=signed_in,
            name="api:tasks_mine",
            doc=ApiDoc(
                "My open tasks, overdue first, a page at a time",
                response=schemas.TASK,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/tasks/{id}",
            api_task,
            cap=signed_in,
            name="api:task",
            methods=("GET", "PATCH", "DELETE"),
            doc=ApiDoc(
                "One task; PATCH needs the version edited (409 with the current task if "
                "someone saved meanwhile); DELETE for board managers or the author",
                request=schemas.TASK_REQUEST,
                response=schemas.TASK,
            ),
        ),
        api(
            "/api/v1/tasks/{id}/move",
            api_move,
            cap=signed_in,
            name="api:task_move",
            methods=("POST",),
            doc=ApiDoc(
                "Move a task to a column and position, sending the version seen (409 with "
                "where it is now if someone moved or changed it meanwhile; 409 past a WIP "
                "limit unless a manager overrides)",
                request=schemas.MOVE_REQUEST,
                response=schemas.MOVED,
            ),
        ),
        api(
            "/api/v1/tasks/{id}/assignees",
            api_assignees,
            cap=signed_in,
            name="api:task_assignees",
            methods=("PUT",),
            doc=ApiDoc(
                "Set the task's assignees (they are told by email)",
                request=schemas.ASSIGNEES_REQUEST,
                response=schemas.ASSIGNEES,
            ),
        ),
        api(
            "/api/v1/tasks/{id}/comments",
            api_comments,
            cap=signed_in,
            name="api:task_comments",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "A task's comments; POST adds one (@mentions are told)",
                request=schemas.COMMENT_REQUEST,
                response=schemas.COMMENT,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/tasks/{id}/checklist",
            api_checklist,
            cap=signed_in,
            name="api:task_checklist",
            methods=("POST",),
            doc=ApiDoc(
                "Add a checklist item",
                request=schemas.CHECKLIST_REQUEST,
                response=schemas.CHECKLIST_ITEM,
            ),
        ),
        api(
            "/api/v1/tasks/{id}/checklist/{item_id}",
            api_checklist_item,
            cap=signed_in,
            name="api:task_checklist_item",
            methods=("PATCH",),
            doc=ApiDoc(
                "Tick or untick a checklist item",
                request=schemas.CHECKLIST_REQUEST,
                response=schemas.CHECKLIST_ITEM,
            ),
        ),
        api(
            "/api/v1/tasks/{id}/links",
            api_links,
            cap=signed_in,
            name="api:task_links",
            methods=("POST",),
            doc=ApiDoc(
                "Add a link (http or https) to a document kept elsewhere",
                request=schemas.LINK_REQUEST,
                response=schemas.LINK,
            ),
        ),
        api(
            "/api/v1/tasks/{id}/links/{link_id}",
            api_link,
            cap=signed_in,
            name="api:task_link",
            methods=("DELETE",),
            doc=ApiDoc("Remove a link from the task", response=schemas.DELETED),
        ),
        api(
            "/api/v1/tasks/{id}/labels/{label_id}",
            api_label,
            cap=signed_in,
            name="api:task_label",
            methods=("DELETE",),
            doc=ApiDoc(
                "Take a label off the task (the label stays on the board); answers the task, "
                "with a new version",
                response=schemas.TASK,
            ),
        ),
        api(
            "/api/v1/tasks/{id}/activity",
            api_task_activity,
            cap=signed_in,
            name="api:task_activity",
            doc=ApiDoc(
                "The task's activity log, newest first, a page at a time",
                response=schemas.EVENT,
                paginated=True,
            ),
        ),
    ]
