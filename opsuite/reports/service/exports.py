"""Exports of people, shifts, sign-ups, hours, meetings and tasks as CSV or JSON.

Rows are read a batch at a time by id (keyset pagination), so an export of any size streams
with bounded memory. Admins (and the `opsuite export` command) get everything; a manager gets
what belongs to the programs, teams and boards they run; a program's read-only viewer (a funder)
gets that program's shifts, sign-ups and hours with names but without email addresses or phone
numbers (docs/reports.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

from tortoise.expressions import Q
from tortoise.models import Model

from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin
from opsuite.errors import NotFound, PermissionDenied
from opsuite.meetings.access import visible_meetings
from opsuite.meetings.models import Meeting
from opsuite.people.models import TeamMember
from opsuite.reports.service.scope import Scope, scope_for
from opsuite.reports.service.tabular import csv_stream, json_array_stream
from opsuite.shifts.models import HoursRecord, Shift, SignUp
from opsuite.tasks.models import Task
from opsuite.web.i18n import gettext as _

BATCH = 1000
# Columns that reach someone; left out for a program's read-only viewers.
CONTACT_COLUMNS = frozenset({"email", "phone"})
# What a program's read-only viewer may export: rows that belong to a program.
PROGRAM_DATASETS = ("shifts", "signups", "hours")


@dataclass(frozen=True)
class Dataset:
    name: str
    model: type[Model]
    # (column in the file, Tortoise values() path)
    columns: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        """What the exports page calls this dataset."""
        return {
            "people": _("People"),
            "shifts": _("Shifts"),
            "signups": _("Sign-ups"),
            "hours": _("Volunteer hours"),
            "meetings": _("Meetings"),
            "tasks": _("Tasks"),
        }[self.name]

    @property
    def keys(self) -> list[str]:
        return [key for key, _path in self.columns]

    @property
    def paths(self) -> list[str]:
        return [path for _key, path in self.columns]


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "people",
            User,
            (
                ("id", "id"),
                ("email", "email"),
                ("name", "name"),
                ("role", "role"),
                ("timezone", "timezone"),
                ("locale", "locale"),
                ("phone", "phone"),
                ("skills", "skills"),
                ("is_active", "is_active"),
                ("created_at", "created_at"),
                ("last_login_at", "last_login_at"),
            ),
        ),
        Dataset(
            "shifts",
            Shift,
            (
                ("id", "id"),
                ("program", "opportunity__program__name"),
                ("opportunity", "opportunity__title"),
                ("starts_at", "starts_at"),
                ("ends_at", "ends_at"),
                ("timezone", "timezone"),
                ("capacity", "capacity"),
                ("location", "location"),
                ("status", "status"),
                ("notes", "notes"),
            ),
        ),
        Dataset(
            "signups",
            SignUp,
            (
                ("id", "id"),
                ("shift_id", "shift_id"),
                ("opportunity", "shift__opportunity__title"),
                ("shift_starts_at", "shift__starts_at"),
                ("volunteer_id", "volunteer_id"),
                ("volunteer", "volunteer__name"),
                ("email", "volunteer__email"),
                ("status", "status"),
                ("attendance", "attendance"),
                ("checked_in_at", "checked_in_at"),
                ("checked_out_at", "checked_out_at"),
                ("created_at", "created_at"),
            ),
        ),
        Dataset(
            "hours",
            HoursRecord,
            (
                ("id", "id"),
                ("volunteer_id", "volunteer_id"),
                ("volunteer", "volunteer__name"),
                ("program", "program__name"),
                ("source", "source"),
                ("work_date", "work_date"),
                ("minutes", "minutes"),
                ("status", "status"),
                ("description", "description"),
                ("decided_at", "decided_at"),
            ),
        ),
        Dataset(
            "meetings",
            Meeting,
            (
                ("id", "id"),
                ("title", "title"),
                ("organizer", "organizer__name"),
                ("team", "team__name"),
                ("program", "program__name"),
                ("timezone", "timezone"),
                ("starts_at", "starts_at"),
                ("ends_at", "ends_at"),
                ("rrule", "rrule"),
                ("mode", "mode"),
                ("location", "location"),
                ("status", "status"),
            ),
        ),
        Dataset(
            "tasks",
            Task,
            (
                ("id", "id"),
                ("board", "board__name"),
                ("column", "column__name"),
                ("title", "title"),
                ("priority", "priority"),
                ("due_date", "due_date"),
                ("due_at", "due_at"),
                ("created_at", "created_at"),
                ("completed_at", "completed_at"),
            ),
        ),
    )
}


def datasets_for(scope: Scope) -> list[Dataset]:
    """The datasets a viewer with this scope may export."""
    if scope.read_only:
        return [DATASETS[name] for name in PROGRAM_DATASETS]
    return list(DATASETS.values())


def without_contact_data(dataset: Dataset) -> Dataset:
    columns = tuple((k, p) for k, p in dataset.columns if k not in CONTACT_COLUMNS)
    return replace(dataset, columns=columns)


def get_dataset(name: str) -> Dataset:
    """Raises NotFound for an unknown dataset name."""
    if name not in DATASETS:
        raise NotFound(_("There is nothing at this address. Check the link."))
    return DATASETS[name]


async def visible_filter(viewer: User | None, dataset: Dataset) -> Q:
    """Which rows ``viewer`` may export (None: the operator at the command line, everything).

    Raises PermissionDenied for anyone below manager."""
    if viewer is None:
        return Q()
    scope = await scope_for(viewer)
    if dataset not in datasets_for(scope):
        raise PermissionDenied(_("You do not have permission to do that."))
    if is_admin(viewer):
        return Q()
    programs, teams, boards = scope.program_ids, scope.team_ids, scope.board_ids
    if dataset.name == "people":
        ids = await TeamMember.filter(team_id__in=teams).values_list("user_id", flat=True)
        return Q(id__in=[*ids, viewer.id])
    if dataset.name == "shifts":
        return Q(opportunity__program_id__in=programs)
    if dataset.name == "signups":
        return Q(shift__opportunity__program_id__in=programs)
    if dataset.name == "hours":
        return Q(program_id__in=programs)
    if dataset.name == "meetings":
        mine = Q(team_id__in=teams) | Q(program_id__in=programs) | Q(organizer_id=viewer.id)
        return mine & await visible_meetings(viewer)  # never a meeting they may not see
    return Q(board_id__in=boards)


async def _visible(viewer: User | None, dataset: Dataset) -> tuple[Dataset, Q]:
    """The columns and rows ``viewer`` may export. Raises PermissionDenied."""
    visible = await visible_filter(viewer, dataset)
    if viewer is not None and (await scope_for(viewer)).read_only:
        dataset = without_contact_data(dataset)
    return dataset, visible


async def batches(
    dataset: Dataset, visible: Q, *, size: int = BATCH
) -> AsyncIterator[list[list[Any]]]:
    """The dataset's rows in id order, ``size`` at a time."""
    last = 0
    while True:
        rows = (
            await dataset.model.filter(visible, id__gt=last)
            .order_by("id")
            .limit(size)
            .values_list(*dataset.paths)
        )
        if not rows:
            return
        yield [list(row) for row in rows]
        last = rows[-1][0]
        if len(rows) < size:
            return


async def export_csv(
    viewer: User | None, dataset: Dataset, *, bom: bool = False
) -> AsyncIterator[bytes]:
    """The dataset as CSV bytes, streamed. Raises PermissionDenied (before the first byte)."""
    dataset, visible = await _visible(viewer, dataset)
    return csv_stream(dataset.keys, batches(dataset, visible), bom=bom)


async def export_json(viewer: User | None, dataset: Dataset) -> AsyncIterator[bytes]:
    """The dataset as a JSON array, streamed. Raises PermissionDenied (before the first byte)."""
    dataset, visible = await _visible(viewer, dataset)
    return json_array_stream(dataset.keys, batches(dataset, visible))
