"""What hangs on a task: comments, checklist items, links and labels."""

from __future__ import annotations

from urllib.parse import urlsplit

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.auth.models import User
from opsuite.errors import FieldErrors, NotFound
from opsuite.settings import Settings
from opsuite.tasks import notifications
from opsuite.tasks.access import Level
from opsuite.tasks.events import log_event
from opsuite.tasks.models import Attachment, ChecklistItem, Comment, Task, TaskLabel
from opsuite.tasks.service.core import MAX_CHECKLIST, MAX_COMMENT, task_for, too_long
from opsuite.web.i18n import gettext as _
from opsuite.web.text import has_control, line_problem, text_problem


async def add_comment(actor: User, task_id: int, body: str, *, settings: Settings) -> Comment:
    """Comment on a task; assignees, the author and anyone @mentioned (by name or by the part
    of their email before the @) hear of it. Raises PermissionDenied, FieldErrors."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    body = body.strip()
    if not body:
        raise FieldErrors({"body": _("Write something first.")})
    if len(body) > MAX_COMMENT:
        raise FieldErrors({"body": too_long(MAX_COMMENT, len(body))})
    if problem := text_problem(body):
        raise FieldErrors({"body": problem})
    comment = await Comment.create(task=task, author=actor, body=body, created_at=clock.now())
    await log_event(board.id, actor, "comment.added", task, comment=comment.id)
    await notifications.commented(task, board, comment, actor, settings=settings)
    return comment


async def add_checklist_item(actor: User, task_id: int, text: str) -> ChecklistItem:
    """Raises PermissionDenied, FieldErrors."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    text = text.strip()
    if not text:
        raise FieldErrors({"text": _("This field is required.")})
    if len(text) > 200:
        raise FieldErrors({"text": too_long(200, len(text))})
    if problem := line_problem(text):
        raise FieldErrors({"text": problem})
    count = await ChecklistItem.filter(task_id=task.id).count()
    if count >= MAX_CHECKLIST:
        raise FieldErrors({"text": _("A checklist has at most %(n)s items.", n=MAX_CHECKLIST)})
    item = await ChecklistItem.create(task=task, text=text, position=count)
    await log_event(board.id, actor, "checklist.added", task, text=text)
    return item


async def _checklist_item(task: Task, item_id: int) -> ChecklistItem:
    item = await ChecklistItem.get_or_none(id=item_id, task_id=task.id)
    if item is None:
        raise NotFound(_("That checklist item is gone."))
    return item


async def set_checklist_item(
    actor: User, task_id: int, item_id: int, *, done: bool
) -> ChecklistItem:
    """Tick or untick an item. Raises NotFound, PermissionDenied."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    item = await _checklist_item(task, item_id)
    if item.is_done != done:
        item.is_done, item.done_at = done, clock.now() if done else None
        await item.save(update_fields=["is_done", "done_at"])
        action = "checklist.done" if done else "checklist.undone"
        await log_event(board.id, actor, action, task, text=item.text)
    return item


async def delete_checklist_item(actor: User, task_id: int, item_id: int) -> None:
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    item = await _checklist_item(task, item_id)
    await item.delete()
    await log_event(board.id, actor, "checklist.removed", task, text=item.text)


def check_link(url: str) -> str | None:
    """Why ``url`` is not an acceptable link, or None."""
    if len(url) > 1000:
        return too_long(1000, len(url))
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return _("Give a web address starting with http:// or https://.")
    if any(ch.isspace() for ch in url) or has_control(url):
        return _("A web address has no spaces, line breaks or control characters.")
    return None


async def add_link(actor: User, task_id: int, *, url: str, title: str = "") -> Attachment:
    """Attach a link (http or https only). Raises PermissionDenied, FieldErrors."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    url, title = url.strip(), title.strip()
    problem = check_link(url)
    errors = {"url": problem} if problem else {}
    if len(title) > 200:
        errors["title"] = too_long(200, len(title))
    elif problem := line_problem(title):
        errors["title"] = problem
    if errors:
        raise FieldErrors(errors)
    link = await Attachment.create(
        task=task, url=url, title=title, added_by=actor, added_at=clock.now()
    )
    await log_event(board.id, actor, "link.added", task, url=url)
    return link


async def remove_link(actor: User, task_id: int, link_id: int) -> None:
    """Raises NotFound, PermissionDenied."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    link = await Attachment.get_or_none(id=link_id, task_id=task.id)
    if link is None:
        raise NotFound(_("That link is gone."))
    await link.delete()
    await log_event(board.id, actor, "link.removed", task, url=link.url)


async def remove_label(actor: User, task_id: int, label_id: int) -> None:
    """Take one label off a task. Makes a new version (labels are part of the edit form, so an
    edit opened before would otherwise put it back unseen). Raises NotFound, PermissionDenied."""
    task, board, _level = await task_for(actor, task_id, Level.EDIT)
    tag = await TaskLabel.get_or_none(task_id=task.id, label_id=label_id).select_related("label")
    if tag is None:
        raise NotFound(_("That label is not on this task (any more)."))
    async with in_transaction():
        await tag.delete()
        await Task.filter(id=task.id).update(version=F("version") + 1, updated_at=clock.now())
        await log_event(board.id, actor, "label.removed", task, name=tag.label.name)
