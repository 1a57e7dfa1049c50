"""What the team and program operations share: id and length limits, name and description checks,
saving changes and (de)activating with an activity entry."""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.transactions import in_transaction

from opsuite.audit.service import record
from opsuite.auth import service as auth
from opsuite.auth.models import User
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.people.models import Program, Team
from opsuite.web.i18n import gettext as _

MAX_DESCRIPTION = 2000
MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database we support


def _name_and_description(values: dict[str, Any], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    unknown = sorted(set(values) - {"name", "description", *extra})
    if unknown:
        raise InvalidInput(_("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])
    errors: dict[str, str] = {}
    if "name" in values and (message := auth.name_error(values["name"])):
        errors["name"] = message
    for key, limit in (("description", MAX_DESCRIPTION), *((k, 120) for k in extra)):
        if key in values and not (isinstance(values[key], str) and len(values[key]) <= limit):
            errors[key] = _("At most %(n)s characters, please.", n=limit)
    if errors:
        raise FieldErrors(errors)
    return {k: v.strip() for k, v in values.items()}


GroupT = TypeVar("GroupT", Team, Program)


async def _save_changes(actor: User, group: GroupT, values: dict[str, Any], action: str) -> None:
    """Save what differs on a team or program and record which fields changed."""
    changed = sorted(k for k, v in values.items() if getattr(group, k) != v)
    if not changed:
        return
    for key in changed:
        setattr(group, key, values[key])
    async with in_transaction():
        await group.save(update_fields=changed)
        await record(actor, action, group, fields=changed)


async def _set_active(actor: User, group: GroupT, active: bool, area: str) -> GroupT:
    """Deactivate or reactivate a team or program (``area`` is "team" or "program")."""
    await authorize(actor, Cap.MANAGE, group)
    if group.is_active == active:
        return group
    async with in_transaction():
        group.is_active = active
        await group.save(update_fields=["is_active"])
        verb = "reactivated" if active else "deactivated"
        await record(actor, f"people.{area}.{verb}", group)
    return group
