"""Read models for the pages: a whole board in a fixed number of queries, "My tasks", the
filtered list and the managers' overview."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple, cast
from zoneinfo import ZoneInfo

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count

from opsuite import clock
from opsuite.auth.models import User
from opsuite.tasks.access import Level, levels_for, visible_board_filter
from opsuite.tasks.models import (
    Board,
    BoardMember,
    ChecklistItem,
    Column,
    Comment,
    Label,
    Task,
    TaskAssignee,
    TaskLabel,
)
from opsuite.web.i18n import gettext as _


class Assignee(NamedTuple):
    """Who a card names: a board reads a hundred of them, so not whole User models."""

    id: int
    name: str


@dataclass
class Card:
    task: Task
    assignees: list[Assignee] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    checklist_done: int = 0
    checklist_total: int = 0
    comments: int = 0
    overdue: bool = False
    next_id: int | None = None  # a repeating task's next instance, once it is made


# A long column shows its first cards and a link to the rest: a board of thousands of tasks
# would otherwise be megabytes of HTML that nobody scrolls through.
COLUMN_CARDS = 25


@dataclass
class ColumnView:
    column: Column
    cards: list[Card]  # the first COLUMN_CARDS, or all of them when the column is opened
    total: int = 0  # every task in the column

    def __post_init__(self) -> None:
        self.total = max(self.total, len(self.cards))

    @property
    def hidden(self) -> int:
        return self.total - len(self.cards)

    @property
    def over_limit(self) -> bool:
        limit = self.column.wip_limit
        return limit is not None and self.total > limit

    @property
    def at_limit(self) -> bool:
        limit = self.column.wip_limit
        return limit is not None and self.total >= limit


@dataclass(frozen=True)
class BoardView:
    board: Board
    level: Level
    columns: list[ColumnView]
    labels: list[Label]
    members: list[BoardMember]


def today_in(timezone: str) -> date:
    return clock.now().astimezone(ZoneInfo(timezone)).date()


def is_overdue(task: Task, timezone: str) -> bool:
    if task.completed_at is not None:
        return False
    if task.due_at is not None:
        return task.due_at < clock.now()
    return task.due_date is not None and task.due_date < today_in(timezone)


def due_instant(task: Task, timezone: str) -> datetime | None:
    """When a task is due, for sorting: an all-day date ends at midnight in ``timezone``."""
    if task.due_at is not None:
        return task.due_at
    if task.due_date is None:
        return None
    end = datetime.combine(task.due_date + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))
    return end.astimezone(UTC)


async def cards_for(tasks: list[Task], timezone: str) -> list[Card]:
    """Cards with assignees, labels, checklist and comment counts and the next instance of
    repeating tasks: five queries in all."""
    ids = [t.id for t in tasks]
    cards = {t.id: Card(t, overdue=is_overdue(t, timezone)) for t in tasks}
    if not ids:
        return []
    for task_id, user_id, name in await TaskAssignee.filter(task_id__in=ids).values_list(
        "task_id", "user_id", "user__name"
    ):
        cards[cast(int, task_id)].assignees.append(Assignee(cast(int, user_id), str(name)))
    for tag in await TaskLabel.filter(task_id__in=ids).select_related("label"):
        cards[tag.task_id].labels.append(tag.label)
    for task_id, done in await ChecklistItem.filter(task_id__in=ids).values_list(
        "task_id", "is_done"
    ):
        card = cards[cast(int, task_id)]
        card.checklist_total += 1
        card.checklist_done += 1 if done else 0
    counts = (
        await Comment.filter(task_id__in=ids)
        .annotate(n=Count("id"))
        .group_by("task_id")
        .values_list("task_id", "n")
    )
    for task_id, n in counts:
        cards[cast(int, task_id)].comments = cast(int, n)
    for previous_id, next_id in await Task.filter(previous_id__in=ids).values_list(
        "previous_id", "id"
    ):
        cards[cast(int, previous_id)].next_id = cast(int, next_id)
    for card in cards.values():
        card.assignees.sort(key=lambda u: u.name.lower())
        card.labels.sort(key=lambda label: label.name.lower())
    return [cards[i] for i in ids]


async def board_view(
    board: Board, level: Level, timezone: str, *, opened: int | None = None
) -> BoardView:
    """Everything the board page shows, in the same number of queries for 10 or 1,000 tasks.
    Each column shows its first COLUMN_CARDS cards, except the ``opened`` one (all of them)."""
    columns = await Column.filter(board_id=board.id)
    order = ("column_id", "position", "id")
    # Every task's place (two small columns), then whole rows only for the cards shown.
    places = await Task.filter(board_id=board.id).order_by(*order).values_list("id", "column_id")
    in_column: dict[int, list[int]] = defaultdict(list)
    for task_id, column_id in places:
        in_column[int(column_id)].append(int(task_id))
    shown = [
        task_id
        for column_id, found in in_column.items()
        for task_id in (found if column_id == opened else found[:COLUMN_CARDS])
    ]
    tasks = await Task.filter(id__in=shown).order_by(*order) if shown else []
    by_column: dict[int, list[Card]] = defaultdict(list)
    for card in await cards_for(tasks, timezone):
        by_column[card.task.column_id].append(card)
    labels = await Label.filter(board_id=board.id)
    members = await BoardMember.filter(board_id=board.id).select_related("user")
    members.sort(key=lambda m: m.user.name.lower())
    views = [ColumnView(c, by_column[c.id], len(in_column[c.id])) for c in columns]
    return BoardView(board, level, views, labels, members)


async def column_counts(board_id: int) -> list[dict[str, object]]:
    """Each column's count as its header shows it ("3" or "3 of 5"), for the board's script
    to put right after a drag: two queries."""
    columns = await Column.filter(board_id=board_id)
    rows = (
        await Task.filter(board_id=board_id)
        .annotate(n=Count("id"))
        .group_by("column_id")
        .values_list("column_id", "n")
    )
    counts = {int(column_id): int(n) for column_id, n in rows}
    out: list[dict[str, object]] = []
    for column in columns:
        n, limit = counts.get(column.id, 0), column.wip_limit
        text = str(n) if limit is None else _("%(count)s of %(limit)s", count=n, limit=limit)
        out.append(
            {"column_id": column.id, "text": text, "over_limit": limit is not None and n > limit}
        )
    return out


async def visible_boards(user: User, *, include_archived: bool = False) -> list[Board]:
    query = Board.filter(await visible_board_filter(user))
    if not include_archived:
        query = query.filter(is_archived=False)
    return await query.prefetch_related("team", "program")


@dataclass(frozen=True)
class TaskFilters:
    board_id: int | None = None
    assignee_id: int | None = None
    label: str = ""
    due_before: date | None = None
    overdue: bool = False
    program_id: int | None = None
    status: str = "open"  # open, done or all
    updated_since: datetime | None = None  # the API's ?updated_since=
    sort: str = "due"  # or "updated" / "-updated" (the API's ?sort=), see ORDERS


# How a list of tasks can be ordered: by when they are due (the pages), or by their last change
# (a client syncing with ?updated_since=); each ends on the id, so pages never overlap.
ORDERS = {
    "due": ("due_date", "due_at", "id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


async def list_tasks(
    user: User, filters: TaskFilters, *, offset: int, limit: int
) -> tuple[list[Card], int]:
    """Tasks on boards ``user`` may see, filtered; overdue and soonest due first."""
    query = Task.filter(board__is_archived=False).filter(
        board_id__in=Subquery(Board.filter(await visible_board_filter(user)).values("id"))
    )
    if filters.board_id:
        query = query.filter(board_id=filters.board_id)
    if filters.program_id:
        query = query.filter(board__program_id=filters.program_id)
    if filters.assignee_id:
        query = query.filter(assignees__user_id=filters.assignee_id)
    if filters.label:
        query = query.filter(task_labels__label__name__iexact=filters.label)
    if filters.status == "open":
        query = query.filter(completed_at__isnull=True)
    elif filters.status == "done":
        query = query.filter(completed_at__isnull=False)
    today = today_in(user.timezone)
    if filters.due_before:
        end = datetime.combine(filters.due_before, time(0), tzinfo=ZoneInfo(user.timezone))
        query = query.filter(Q(due_date__lt=filters.due_before) | Q(due_at__lt=end))
    if filters.overdue:
        query = query.filter(completed_at__isnull=True).filter(
            Q(due_date__lt=today) | Q(due_at__lt=clock.now())
        )
    if filters.updated_since:
        query = query.filter(updated_at__gte=filters.updated_since)
    query = query.distinct()
    total = await query.count()
    tasks = (
        await query.order_by(*ORDERS[filters.sort])
        .offset(offset)
        .limit(limit)
        .prefetch_related("board", "column")
    )
    return await cards_for(list(tasks), user.timezone), total


async def my_tasks(user: User) -> list[Card]:
    """Open tasks assigned to ``user`` on boards they can still see: overdue first, then by
    when they are due in the user's zone, then those without a date."""
    tasks = (
        await Task.filter(assignees__user_id=user.id, completed_at__isnull=True)
        .filter(board__is_archived=False)
        .prefetch_related("board", "column")
    )
    levels = await levels_for(user, {t.board_id: t.board for t in tasks}.values())
    tasks = [t for t in tasks if levels.get(t.board_id, Level.NONE) >= Level.VIEW]
    cards = await cards_for(tasks, user.timezone)
    far = datetime.max.replace(tzinfo=UTC)
    cards.sort(
        key=lambda c: (
            not c.overdue,
            due_instant(c.task, user.timezone) or far,
            c.task.board.name.lower(),
            c.task.position,
            c.task.id,  # unique last, so the API's pages never overlap
        )
    )
    return cards


@dataclass
class PersonLoad:
    person: User
    open: int = 0
    overdue: int = 0
    done_this_week: int = 0


@dataclass(frozen=True)
class Overview:
    boards: list[Board]
    people: list[PersonLoad]
    unassigned_open: int
    week_start: date


async def overview(user: User) -> Overview:
    """Open, overdue and done-this-week per person across the boards ``user`` manages
    (week from Monday in the manager's zone)."""
    boards = await visible_boards(user)
    levels = await levels_for(user, boards)
    managed = [b for b in boards if levels[b.id] >= Level.MANAGE]
    ids = [b.id for b in managed] or [0]
    today = today_in(user.timezone)
    monday = today - timedelta(days=today.weekday())
    week_start = datetime.combine(monday, time(0), tzinfo=ZoneInfo(user.timezone))
    links = await TaskAssignee.filter(task__board_id__in=ids).select_related("task", "user")
    load: dict[int, PersonLoad] = {}
    for link in links:
        row = load.setdefault(link.user_id, PersonLoad(link.user))
        task = link.task
        if task.completed_at is None:
            row.open += 1
            row.overdue += 1 if is_overdue(task, link.user.timezone) else 0
        elif task.completed_at >= week_start:
            row.done_this_week += 1
    unassigned = (
        await Task.filter(board_id__in=ids, completed_at__isnull=True)
        .exclude(id__in=Subquery(TaskAssignee.filter(task__board_id__in=ids).values("task_id")))
        .count()
    )
    people = sorted(
        load.values(), key=lambda r: (-r.overdue, -r.open, r.person.name.lower(), r.person.id)
    )
    return Overview(managed, people, unassigned, monday)
