"""The people directory: profiles and roles, invitations, deactivating and reactivating.

Every write checks who may do it (the one permission function plus the role rules below) and
leaves an activity entry. Nobody is ever deleted: people, teams and programs are deactivated.

Role rules (decided in opsuite.auth.permissions, see docs/security.md): admins may do anything
except deactivate themselves. Managers may invite staff and volunteers, and edit, deactivate and
reactivate the staff and volunteers of the teams and programs they run (and edit their own
profile), but only admins may give or take away the manager and admin roles, or act on a manager
or an admin. Nobody changes their own role or deactivates themself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from opsuite.audit.service import record
from opsuite.auth import service as auth
from opsuite.auth.models import Role, Session, User
from opsuite.auth.permissions import assignable_roles, authorize, can, role_change_refusal
from opsuite.auth.roles import ROLE_LABELS
from opsuite.caps import Cap
from opsuite.errors import Conflict, FieldErrors, InvalidInput, NotFound, PermissionDenied
from opsuite.notify.service import enqueue_email
from opsuite.people.models import ProgramRole, Team, TeamMember
from opsuite.people.service.common import MAX_ID
from opsuite.settings import Settings
from opsuite.web.i18n import gettext as _

PERSON_FIELDS = ("role", *auth.PROFILE_FIELDS)
MAX_SKILLS = auth.MAX_SKILLS
MAX_SKILL_LENGTH = auth.MAX_SKILL_LENGTH


@dataclass(frozen=True)
class PersonDetail:
    person: User
    memberships: list[TeamMember]  # with .team
    program_roles: list[ProgramRole]  # with .program


# --- role rules -----------------------------------------------------------------------------


async def can_edit_person(actor: User | None, person: User) -> bool:
    return await can(actor, Cap.MANAGE, person)


async def can_deactivate_person(actor: User | None, person: User) -> bool:
    return actor is not None and actor.id != person.id and await can_edit_person(actor, person)


async def authorize_edit(actor: User, person: User) -> None:
    """Raises PermissionDenied unless ``actor`` may change ``person``'s account."""
    if not await can_edit_person(actor, person):
        raise PermissionDenied(
            _(
                "You may change only the staff and volunteers of the teams and programs you run;"
                " an administrator changes managers and administrators."
            )
        )


def _parse_role(value: Any) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


# --- people -----------------------------------------------------------------------------------


def _profile_errors(values: dict[str, Any]) -> dict[str, str]:
    """The rules of one's own profile (auth.service.profile_errors), and a role from the list."""
    errors = auth.profile_errors(values)
    if "role" in values and _parse_role(values["role"]) is None:
        errors["role"] = _("Choose from the list.")
    return errors


async def list_people(
    viewer: User,
    *,
    query: str = "",
    role: str | None = None,
    team_id: int | None = None,
    include_inactive: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[User], int]:
    """A page of the directory (staff and up) and the total. Raises InvalidInput for a bad role."""
    await authorize(viewer, Cap.STAFF)
    people = User.all()
    if not include_inactive:
        people = people.filter(is_active=True)
    query = query.strip()[:100]
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    if role:
        if _parse_role(role) is None:
            raise InvalidInput(_("Choose a role from the list."), field="role")
        people = people.filter(role=role)
    if team_id is not None:
        people = people.filter(team_memberships__team_id=team_id)
    total = await people.count()
    rows = (
        await people.order_by("name", "id")
        .offset(offset)
        .limit(limit)
        .prefetch_related("team_memberships__team")
    )
    return list(rows), total


async def get_person(person_id: int) -> User:
    """Raises NotFound."""
    person = await User.get_or_none(id=person_id) if 0 < person_id <= MAX_ID else None
    if person is None:
        raise NotFound(_("There is no such person."))
    return person


async def get_person_detail(person: User) -> PersonDetail:
    memberships = await TeamMember.filter(user_id=person.id).select_related("team")
    roles = await ProgramRole.filter(user_id=person.id).select_related("program")
    return PersonDetail(
        person,
        sorted(memberships, key=lambda m: m.team.name.lower()),
        sorted(roles, key=lambda r: r.program.name.lower()),
    )


async def update_person(actor: User, person: User, **values: Any) -> User:
    """Change someone's profile or role (and, with ``is_active``, deactivate or reactivate them).

    Raises PermissionDenied, InvalidInput or FieldErrors; nothing is saved then."""
    await authorize_edit(actor, person)
    unknown = sorted(set(values) - {*PERSON_FIELDS, "is_active"})
    if unknown:
        raise InvalidInput(_("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])
    active = values.pop("is_active", person.is_active)
    errors = _profile_errors(values)
    new_role = _parse_role(values.get("role", person.role))
    if "role" not in errors and new_role is not None:
        message = role_change_refusal(actor, person, new_role)
        if message:
            errors["role"] = message
    if active is not person.is_active and person.id == actor.id:
        errors["is_active"] = _("You cannot deactivate your own account.")
    if errors:
        raise FieldErrors(errors)
    values = _tidy_profile(values)
    old_role = Role(person.role)
    changed = sorted(k for k, v in values.items() if getattr(person, k) != v)
    async with in_transaction():
        if changed:
            for key in changed:
                setattr(person, key, values[key])
            await person.save(update_fields=changed)
            await record(actor, "people.person.updated", person, fields=changed)
        if "role" in changed:
            await record(
                actor, "people.person.role_changed", person, old=str(old_role), new=str(new_role)
            )
        if active is False:
            await deactivate_person(actor, person)
        elif active is True:
            await reactivate_person(actor, person)
    return person


def _tidy_profile(values: dict[str, Any]) -> dict[str, Any]:
    tidy = auth.tidy_profile(values)
    if "role" in tidy:
        tidy["role"] = Role(tidy["role"])
    return tidy


async def deactivate_person(actor: User, person: User) -> User:
    """Stop someone logging in (ending their sessions) while keeping all their history.

    Raises PermissionDenied, or InvalidInput for one's own account."""
    await authorize(actor, Cap.MANAGE)
    if person.id == actor.id:
        raise InvalidInput(_("You cannot deactivate your own account."))
    await authorize_edit(actor, person)
    if not person.is_active:
        return person
    async with in_transaction():
        person.is_active = False
        await person.save(update_fields=["is_active"])
        ended = await Session.filter(user_id=person.id).delete()
        await record(actor, "people.person.deactivated", person, sessions_ended=ended)
    return person


async def reactivate_person(actor: User, person: User) -> User:
    """Let a deactivated person log in again. Raises PermissionDenied."""
    await authorize(actor, Cap.MANAGE)
    await authorize_edit(actor, person)
    if person.is_active:
        return person
    async with in_transaction():
        person.is_active = True
        await person.save(update_fields=["is_active"])
        await record(actor, "people.person.reactivated", person)
    return person


async def _send_invite(actor: User, person: User, settings: Settings) -> str:
    days = settings.security.invite_days
    token = await auth.create_link(
        person, purpose="invite", valid_for=timedelta(days=days), created_by=actor
    )
    await enqueue_email(
        kind="invite",
        to=person,
        settings=settings,
        context={
            "inviter": actor,
            # Lazy, so it is translated into the invitee's language when the email is rendered.
            "role": ROLE_LABELS[Role(person.role)],
            "link": f"/invite/{token}",
            "days": days,
        },
        dedupe_key=f"auth.invite.{person.id}.{token[:12]}",
    )
    return token


async def invite_person(
    actor: User,
    *,
    email: str,
    name: str,
    role: Role | str,
    timezone: str,
    locale: str,
    team_id: int | None = None,
    settings: Settings,
) -> User:
    """Create an account without a password and email its owner a link to choose one.

    Raises PermissionDenied or FieldErrors (nothing is created then)."""
    await authorize(actor, Cap.MANAGE)
    errors: dict[str, str] = {}
    parsed_role = _parse_role(role)
    if parsed_role is None:
        errors["role"] = _("Choose from the list.")
    elif parsed_role not in assignable_roles(actor):
        errors["role"] = _("Only an administrator may invite managers and administrators.")
    team = None
    if team_id is not None:
        team = await Team.get_or_none(id=team_id, is_active=True) if 0 < team_id <= MAX_ID else None
        if team is None or not await can(actor, Cap.MANAGE, team):
            errors["team_id"] = _("Choose one of the teams you run.")
    async with in_transaction():
        try:
            person = await auth.create_user(
                email=email,
                name=name,
                role=parsed_role or Role.VOLUNTEER,
                timezone=timezone,
                locale=locale,
                actor=actor,
            )
        except FieldErrors as exc:
            raise FieldErrors({**exc.errors, **errors}) from None
        if errors:
            raise FieldErrors(errors)  # leaving the block rolls the new account back
        if team is not None:
            await TeamMember.create(team=team, user=person, is_manager=False)
        await _send_invite(actor, person, settings)
        await record(actor, "people.person.invited", person, role=str(person.role))
    return person


async def resend_invite(actor: User, person: User, *, settings: Settings) -> None:
    """A fresh invitation link (the old one stops working). Raises PermissionDenied or Conflict."""
    await authorize(actor, Cap.MANAGE)
    await authorize_edit(actor, person)
    if not person.is_active:
        raise Conflict(_("%(name)s is deactivated; reactivate them first.", name=person.name))
    if person.password_hash:
        raise Conflict(_("%(name)s has already set a password.", name=person.name))
    async with in_transaction():
        await _send_invite(actor, person, settings)
        await record(actor, "people.person.invite_resent", person)


def is_invitation_pending(person: User) -> bool:
    return person.is_active and not person.password_hash


async def active_people_choices() -> list[tuple[str, str]]:
    """Active people for a "choose a person" list, as (id, "Name (email)")."""
    rows = (
        await User.filter(is_active=True).order_by("name", "id").values_list("id", "name", "email")
    )
    return [(str(i), f"{name} ({email})") for i, name, email in rows]
