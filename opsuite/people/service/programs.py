"""Programs: create, edit, (de)activate, and who may run or see each one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.support import LazyProxy
from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize, can, may_run_groups
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, NotFound
from opsuite.people.models import Program, ProgramAccess, ProgramRole
from opsuite.people.service.common import MAX_ID, _name_and_description, _save_changes, _set_active
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import lazy_gettext

ACCESS_LABELS: dict[ProgramAccess, LazyProxy] = {
    ProgramAccess.MANAGE: lazy_gettext("runs the program"),
    ProgramAccess.READ: lazy_gettext("read-only"),
}


@dataclass(frozen=True)
class ProgramSummary:
    program: Program
    people_count: int


@dataclass(frozen=True)
class ProgramDetail:
    program: Program
    roles: list[ProgramRole]  # with .user, those who run it first


async def _check_program_name(name: str, program_id: int | None = None) -> None:
    clash = Program.filter(name__iexact=name)
    if program_id is not None:
        clash = clash.exclude(id=program_id)
    if await clash.exists():
        raise FieldErrors({"name": _("There is already a program with this name.")})


async def create_program(
    actor: User, *, name: str, description: str = "", funder: str = ""
) -> Program:
    """A new program run by its creator (managers and admins).

    Raises PermissionDenied or FieldErrors."""
    await authorize(actor, Cap.MANAGE)
    values = _name_and_description(
        {"name": name, "description": description, "funder": funder}, ("funder",)
    )
    await _check_program_name(values["name"])
    try:
        async with in_transaction():
            program = await Program.create(**values, created_at=clock.now())
            await ProgramRole.create(program=program, user=actor, access=ProgramAccess.MANAGE)
            await record(actor, "people.program.created", program, name=program.name)
    except IntegrityError:
        raise FieldErrors({"name": _("There is already a program with this name.")}) from None
    return program


async def get_program(program_id: int) -> Program:
    """Raises NotFound."""
    program = await Program.get_or_none(id=program_id) if 0 < program_id <= MAX_ID else None
    if program is None:
        raise NotFound(_("There is no such program."))
    return program


async def update_program(actor: User, program: Program, **values: Any) -> Program:
    """Raises PermissionDenied, InvalidInput or FieldErrors."""
    await authorize(actor, Cap.MANAGE, program)
    values = _name_and_description(values, ("funder",))
    if "name" in values:
        await _check_program_name(values["name"], program.id)
    try:
        await _save_changes(actor, program, values, "people.program.updated")
    except IntegrityError:
        raise FieldErrors({"name": _("There is already a program with this name.")}) from None
    return program


async def deactivate_program(actor: User, program: Program) -> Program:
    """Close a program; its history and access list stay. Raises PermissionDenied."""
    return await _set_active(actor, program, False, "program")


async def reactivate_program(actor: User, program: Program) -> Program:
    """Raises PermissionDenied."""
    return await _set_active(actor, program, True, "program")


async def grant_program_access(
    actor: User, program: Program, person: User, *, access: ProgramAccess | str
) -> ProgramRole:
    """Let someone run a program ("manage", managers and admins only) or see it ("read", anyone).

    Raises PermissionDenied or FieldErrors."""
    await authorize(actor, Cap.MANAGE, program)
    try:
        level = ProgramAccess(access)
    except ValueError:
        raise FieldErrors({"access": _("Choose from the list.")}) from None
    if not person.is_active:
        raise FieldErrors({"user_id": _("%(name)s is deactivated.", name=person.name)})
    if level is ProgramAccess.MANAGE and not may_run_groups(person):
        raise FieldErrors(
            {"access": _("Only managers and administrators can run a program; give read-only.")}
        )
    async with in_transaction():
        role = await ProgramRole.get_or_none(program_id=program.id, user_id=person.id)
        if role is None:
            role = await ProgramRole.create(program=program, user=person, access=level)
        elif role.access != level:
            role.access = level
            await role.save(update_fields=["access"])
        else:
            return role
        await record(
            actor, "people.program.access_granted", program, user_id=person.id, access=str(level)
        )
    return role


async def revoke_program_access(actor: User, program: Program, person: User) -> None:
    """Raises PermissionDenied or NotFound (no access to take away)."""
    await authorize(actor, Cap.MANAGE, program)
    async with in_transaction():
        removed = await ProgramRole.filter(program_id=program.id, user_id=person.id).delete()
        if not removed:
            raise NotFound(_("%(name)s has no access to this program.", name=person.name))
        await record(actor, "people.program.access_revoked", program, user_id=person.id)


async def list_programs(
    viewer: User, *, include_inactive: bool = False, offset: int = 0, limit: int = 50
) -> tuple[list[ProgramSummary], int]:
    """A page of the programs ``viewer`` may see (all for staff and up, else those they were
    given access to), each with the number of people who have access, and the total."""
    programs = Program.all() if include_inactive else Program.filter(is_active=True)
    if not await can(viewer, Cap.STAFF):
        visible = await ProgramRole.filter(user_id=viewer.id).values_list("program_id", flat=True)
        programs = programs.filter(id__in=list(visible))
    total = await programs.count()
    rows = (
        await programs.annotate(people_count=Count("roles"))
        .order_by("name", "id")
        .offset(offset)
        .limit(limit)
    )
    # annotate() adds people_count to each row at runtime, which the Program model cannot declare.
    summaries = [ProgramSummary(p, int(p.people_count)) for p in rows]  # type: ignore[attr-defined]
    return summaries, total


async def get_program_detail(program: Program) -> ProgramDetail:
    roles = await ProgramRole.filter(program_id=program.id).select_related("user")
    roles.sort(key=lambda r: (r.access != ProgramAccess.MANAGE, r.user.name.lower(), r.user.id))
    return ProgramDetail(program, roles)
