"""Task pages: new, detail (checklist, links, comments, activity), edit with conflict
handling, move (plain form, up/down buttons, and drag and drop from tasks.js posting to the
same address), "My tasks", the filtered list and the managers' overview."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.tasks import activity_text, boards, events, forms, queries, schemas, service
from opsuite.tasks.access import Level, require
from opsuite.tasks.models import Attachment, Board, ChecklistItem, Comment, Task, TaskLabel
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.errors import wants_json
from opsuite.web.forms import Form
from opsuite.web.http import (
    pager,
    path_id,
    query_id,
    safe_next,
    see_other,
    settings_of,
    viewer,
)
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


def _task_url(task: Task | int) -> str:
    return f"/tasks/{task if isinstance(task, int) else task.id}"


async def _task_fields(board: Board, *, creating: bool) -> Any:
    columns = [(str(c.id), c.name) for c in await boards.columns_of(board)]
    labels = [(str(label.id), label.name) for label in await boards.labels_of(board)]
    people = [(str(p.id), p.name) for p in await boards.people_on_board(board)] if creating else []
    return forms.task_fields(columns=columns, labels=labels, people=people, creating=creating)


async def task_new(request: Request) -> Response:
    user, settings = viewer(request), settings_of(request)
    board = await boards.get_board(path_id(request))
    level = await require(user, board, Level.EDIT)
    fields = await _task_fields(board, creating=True)
    context: dict[str, Any] = {"board": board, "level": level, "Level": Level}
    if request.method == "GET":
        initial = {**forms.NEW_TASK_INITIAL, "column_id": request.query_params.get("column", "")}
        form = Form.blank(fields, initial)
        return render(request, "tasks/task_new.html", {**context, "form": form})
    form = Form.bind(fields, await request.form())
    if form.is_valid:
        try:
            data = forms.task_input(form.cleaned, user.timezone)
            task = await service.create_task(
                user,
                board,
                data,
                column_id=int(form.cleaned["column_id"]),
                assignee_ids=tuple(int(i) for i in form.cleaned["assignee_ids"]),
                settings=settings,
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("The task “%(title)s” is on the board.", title=task.title)
            return flash(request, see_other(f"/boards/{board.id}"), message, "success")
    return render(request, "tasks/task_new.html", {**context, "form": form}, status=400)


async def _task_page(
    request: Request, task_id: int, *, status: int = 200, **forms_in: Any
) -> Response:
    user = viewer(request)
    task, board, level = await service.task_for(user, task_id, Level.VIEW)
    [card] = await queries.cards_for([task], user.timezone)
    people = await boards.people_on_board(board)
    repeat = service.repeat_of(task)
    context = {
        "task": task,
        "card": card,
        "board": board,
        "level": level,
        "Level": Level,
        "column": await task.column,
        "columns": await boards.columns_of(board),
        "checklist": await ChecklistItem.filter(task_id=task.id),
        "links": await Attachment.filter(task_id=task.id),
        "repeat": repeat,
        "repeat_text": forms.repeat_words(repeat),
        "previous": await Task.get_or_none(id=task.previous_id) if task.previous_id else None,
        "following": await Task.get_or_none(previous_id=task.id),
        "comments": await Comment.filter(task_id=task.id).prefetch_related("author"),
        "events": await events.task_events(task.id),
        "describe_event": activity_text.describe,
        "people": people,
        "assignee_ids": {u.id for u in card.assignees},
        "priority_labels": forms.priority_labels(),
        "comment_form": forms_in.get("comment_form") or Form.blank(forms.COMMENT),
        "checklist_form": forms_in.get("checklist_form") or Form.blank(forms.CHECKLIST),
        "link_form": forms_in.get("link_form") or Form.blank(forms.LINK),
        "assign_error": forms_in.get("assign_error"),
        "move_error": forms_in.get("move_error"),
    }
    return render(request, "tasks/task.html", context, status=status)


async def task_detail(request: Request) -> Response:
    return await _task_page(request, path_id(request))


async def task_edit(request: Request) -> Response:
    user, settings = viewer(request), settings_of(request)
    task, board, _level = await service.task_for(user, path_id(request), Level.EDIT)
    fields = await _task_fields(board, creating=False)
    label_ids = await TaskLabel.filter(task_id=task.id).values_list("label_id", flat=True)
    context: dict[str, Any] = {"task": task, "board": board, "current": None}
    if request.method == "GET":
        form = Form.blank(fields, forms.task_initial(task, list(label_ids), user.timezone))  # type: ignore[arg-type]
        return render(
            request, "tasks/task_edit.html", {**context, "form": form, "version": task.version}
        )
    data = await request.form()
    form = Form.bind(fields, data)
    version_raw = str(data.get("version", ""))
    if not version_raw.isdigit():
        raise InvalidInput(
            _("The form is missing its version; open the task again."), field="version"
        )
    version = int(version_raw)
    if form.is_valid:
        try:
            task_data = forms.task_input(form.cleaned, user.timezone, task=task)
            await service.update_task(user, task.id, task_data, version=version, settings=settings)
        except service.TaskConflict as exc:
            current = exc.current
            current_labels = await TaskLabel.filter(task_id=current.id).prefetch_related("label")
            form.add_error("version", exc.message)
            context.update(
                current=current,
                current_labels=[tl.label.name for tl in current_labels],
                current_repeat=forms.repeat_words(service.repeat_of(current)),
                priority_labels=forms.priority_labels(),
            )
            # Saving again now means "I have seen the other version": it carries the new one.
            return render(
                request,
                "tasks/task_edit.html",
                {**context, "form": form, "version": current.version},
                status=409,
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return flash(request, see_other(_task_url(task)), _("The task is saved."), "success")
    return render(
        request, "tasks/task_edit.html", {**context, "form": form, "version": version}, status=400
    )


def _whole_number_field(data: Any, name: str) -> int | None:
    """A form field holding a count or a place (a version, a 0-based index, a 1-based
    position): a whole number from 0, or None when blank. Not an id parser (that is
    web.forms.parse_id, which refuses 0); the column field reads it too, as it always has."""
    raw = str(data.get(name, "")).strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise InvalidInput(_("Enter a whole number."), field=name)
    return int(raw)


async def board_page(
    request: Request, board_id: int, *, moved: str = "", status: int = 200
) -> Response:
    """The board; ``moved`` says why a move was refused (someone else moved the task)."""
    user = viewer(request)
    board = await boards.get_board(board_id)
    level = await require(user, board, Level.VIEW)
    opened = query_id(request, "column") if request.method == "GET" else None
    view = await queries.board_view(board, level, user.timezone, opened=opened)
    context = {"view": view, "board": board, "Level": Level, "moved": moved}
    return render(request, "tasks/board.html", context, status=status)


async def task_move(request: Request) -> Response:
    """The "Move to" form, the up/down buttons and drag and drop all post here. A position
    is 1-based on the form (what people count) and 0-based for scripts (``index``)."""
    user, settings = viewer(request), settings_of(request)
    task_id = path_id(request)
    data = await request.form()
    direction = str(data.get("direction", ""))
    version = _whole_number_field(data, "version")
    if version is None:
        raise InvalidInput(
            _("The form is missing the task's version; open the board again."), field="version"
        )
    try:
        if direction in ("up", "down"):
            moved = await service.move_step(
                user, task_id, up=direction == "up", version=version, settings=settings
            )
        else:
            column_id = _whole_number_field(data, "column_id")
            if column_id is None:
                raise InvalidInput(_("Choose a column."), field="column_id")
            index = _whole_number_field(data, "index")
            position = _whole_number_field(data, "position")
            if index is None and position is not None:
                index = max(0, position - 1)
            moved = await service.move_task(
                user,
                task_id,
                column_id=column_id,
                position=index,
                override=data.get("override") == "1",
                version=version,
                settings=settings,
            )
    except service.TaskMoved as exc:
        if wants_json(request):
            return JSONResponse(schemas.moved_conflict_json(exc), status_code=409)
        return await board_page(request, exc.current.board_id, moved=exc.message, status=409)
    except service.WipLimitReached as exc:
        if wants_json(request):
            raise
        task, board, level = await service.task_for(user, task_id, Level.VIEW)
        return render(
            request,
            "tasks/wip_warning.html",
            {
                "task": task,
                "board": board,
                "message": exc.message,
                "can_override": level >= Level.MANAGE,
                "column_id": exc.column.id,
                "index": str(data.get("index", "")),
                "position": str(data.get("position", "")),
                "version": version,
                "back": str(data.get("next", "")) or f"/boards/{board.id}",
            },
            status=409,
        )
    if wants_json(request):
        counts = await queries.column_counts(moved.task.board_id)
        answer = schemas.move_answer(moved)
        return JSONResponse({**answer, "counts": counts})
    message = _(
        "“%(title)s” is now in %(column)s.", title=moved.task.title, column=moved.column.name
    )
    if moved.over_limit:
        message += " " + _("The column is over its limit.")
    if moved.following is not None:
        message += " " + _("It repeats: the next one is at the bottom of the first column.")
    target = safe_next(str(data.get("next", "")), f"/boards/{moved.task.board_id}")
    return flash(request, see_other(target), message, "warning" if moved.over_limit else "success")


async def task_assign(request: Request) -> Response:
    user = viewer(request)
    task_id = path_id(request)
    data = await request.form()
    raw = data.getlist("assignee_ids")
    if not all(isinstance(v, str) and v.isdigit() and len(v) < 10 for v in raw):
        raise InvalidInput(_("Choose people from the list."), field="assignee_ids")
    try:
        await service.set_assignees(
            user, task_id, tuple(int(str(v)) for v in raw), settings=settings_of(request)
        )
    except FieldErrors as exc:
        return await _task_page(request, task_id, status=400, assign_error=exc.message)
    return flash(request, see_other(_task_url(task_id)), _("Assignees saved."), "success")


async def task_comment(request: Request) -> Response:
    user = viewer(request)
    task_id = path_id(request)
    form = Form.bind(forms.COMMENT, await request.form())
    if form.is_valid:
        try:
            await service.add_comment(
                user, task_id, form.cleaned["body"], settings=settings_of(request)
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return see_other(_task_url(task_id) + "#comments")
    return await _task_page(request, task_id, status=400, comment_form=form)


async def checklist_add(request: Request) -> Response:
    user = viewer(request)
    task_id = path_id(request)
    form = Form.bind(forms.CHECKLIST, await request.form())
    if form.is_valid:
        try:
            await service.add_checklist_item(user, task_id, form.cleaned["text"])
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return see_other(_task_url(task_id) + "#checklist")
    return await _task_page(request, task_id, status=400, checklist_form=form)


async def checklist_toggle(request: Request) -> Response:
    user = viewer(request)
    task_id, item_id = path_id(request), path_id(request, "item_id")
    data = await request.form()
    if data.get("action") == "delete":
        await service.delete_checklist_item(user, task_id, item_id)
    else:
        await service.set_checklist_item(user, task_id, item_id, done=data.get("done") == "1")
    return see_other(_task_url(task_id) + "#checklist")


async def link_add(request: Request) -> Response:
    user = viewer(request)
    task_id = path_id(request)
    form = Form.bind(forms.LINK, await request.form())
    if form.is_valid:
        try:
            await service.add_link(user, task_id, **form.cleaned)
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            return see_other(_task_url(task_id) + "#links")
    return await _task_page(request, task_id, status=400, link_form=form)


async def link_remove(request: Request) -> Response:
    task_id = path_id(request)
    await service.remove_link(viewer(request), task_id, path_id(request, "link_id"))
    return flash(request, see_other(_task_url(task_id) + "#links"), _("Link removed."), "success")


async def label_remove(request: Request) -> Response:
    task_id = path_id(request)
    await service.remove_label(viewer(request), task_id, path_id(request, "label_id"))
    return flash(request, see_other(_task_url(task_id)), _("Label removed."), "success")


async def repeat_stop(request: Request) -> Response:
    task = await service.stop_repeat(viewer(request), path_id(request))
    message = _("“%(title)s” no longer repeats.", title=task.title)
    return flash(request, see_other(_task_url(task)), message, "success")


async def task_delete(request: Request) -> Response:
    user = viewer(request)
    task = await service.get_task(path_id(request))
    await service.delete_task(user, task.id)
    message = _("The task “%(title)s” is deleted.", title=task.title)
    return flash(request, see_other(f"/boards/{task.board_id}"), message, "success")


async def my_tasks(request: Request) -> Response:
    user = viewer(request)
    offset, limit = page_params(request)
    cards = await queries.my_tasks(user)
    page_of = cards[offset : offset + limit]
    return render(
        request, "tasks/mine.html", {"cards": page_of, **pager(len(cards), offset, limit)}
    )


async def task_list(request: Request) -> Response:
    user = viewer(request)
    filters = forms.list_filters(request)
    offset, limit = page_params(request)
    cards, total = await queries.list_tasks(user, filters, offset=offset, limit=limit)
    visible = await queries.visible_boards(user)
    programs = {b.program_id: b.program for b in visible if b.program_id}
    people = (
        await User.filter(
            is_active=True, task_assignments__task__board_id__in=[b.id for b in visible] or [0]
        )
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "tasks/list.html",
        {
            "cards": cards,
            "filters": filters,
            "boards": visible,
            "programs": list(programs.values()),
            "people": people,
            **pager(total, offset, limit),
        },
    )


async def overview(request: Request) -> Response:
    offset, limit = page_params(request)
    result = await queries.overview(viewer(request))
    context = {
        "overview": result,
        "people": result.people[offset : offset + limit],
        **pager(len(result.people), offset, limit),
    }
    return render(request, "tasks/overview.html", context)


def routes() -> list[BaseRoute]:
    get_post, post = ("GET", "POST"), ("POST",)
    signed_in = Cap.SIGNED_IN
    return [
        page("/tasks/mine", my_tasks, cap=signed_in, name="tasks:mine"),
        page("/tasks/overview", overview, cap=Cap.MANAGE, name="tasks:overview"),
        page("/tasks", task_list, cap=signed_in, name="tasks:list"),
        page("/boards/{id}/tasks/new", task_new, cap=signed_in, name="tasks:new", methods=get_post),
        page("/tasks/{id}", task_detail, cap=signed_in, name="tasks:detail"),
        page("/tasks/{id}/edit", task_edit, cap=signed_in, name="tasks:edit", methods=get_post),
        page("/tasks/{id}/move", task_move, cap=signed_in, name="tasks:move", methods=post),
        page("/tasks/{id}/assign", task_assign, cap=signed_in, name="tasks:assign", methods=post),
        page(
            "/tasks/{id}/comments", task_comment, cap=signed_in, name="tasks:comment", methods=post
        ),
        page(
            "/tasks/{id}/checklist",
            checklist_add,
            cap=signed_in,
            name="tasks:checklist_add",
            methods=post,
        ),
        page(
            "/tasks/{id}/checklist/{item_id}",
            checklist_toggle,
            cap=signed_in,
            name="tasks:checklist_item",
            methods=post,
        ),
        page("/tasks/{id}/links", link_add, cap=signed_in, name="tasks:link_add", methods=post),
        page(
            "/tasks/{id}/links/{link_id}/remove",
            link_remove,
            cap=signed_in,
            name="tasks:link_remove",
            methods=post,
        ),
        page(
            "/tasks/{id}/labels/{label_id}/remove",
            label_remove,
            cap=signed_in,
            name="tasks:label_remove",
            methods=post,
        ),
        page(
            "/tasks/{id}/repeat/stop",
            repeat_stop,
            cap=signed_in,
            name="tasks:repeat_stop",
            methods=post,
        ),
        page("/tasks/{id}/delete", task_delete, cap=signed_in, name="tasks:delete", methods=post),
    ]
