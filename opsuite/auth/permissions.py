"""The one permission check. Every route declares what it needs; services pass targets.

Capabilities, from weakest to strongest:
- ``public``: anyone, signed in or not;
- ``signed_in``: any active account;
- ``staff``: staff, managers and admins (the people directory, colleagues' details);
- ``manage``: managers and admins; with a Team or Program target, a manager must run that team
  or program (admins always may); with a User target, see ``manages_person``;
- ``view``: with a Program target: anyone who may manage it, staff, or someone given read-only
  access to it (a board member, a funder's liaison); with a User target: that user or staff;
- ``admin``: admins only.

Teams and programs belong to people, which registers their rules here (``register_scope``,
``register_relation``; see opsuite/people/access.py), so this module imports no area above it.

Every comparison of roles lives in this module (tests/test_layout_permissions.py keeps it so):
other modules ask ``can``/``role_allows``, the predicates below, or ``roles_with`` for queries,
and templates call the ``may`` global.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.models import Model
from tortoise.queryset import QuerySet

from opsuite.auth.models import OneTimeLink, Role, User
from opsuite.caps import Cap
from opsuite.errors import NotAuthenticated, PermissionDenied
from opsuite.web.i18n import gettext as _

ScopeRule = Callable[[User, Cap, Model], Awaitable[bool]]
Relation = Callable[[User, User], Awaitable[bool]]

# Object-scoped rules, registered by the area that owns each model (people: Team and Program,
# see opsuite.people.access). ``can`` asks one only beyond the role: for ``manage`` once the
# role is a manager's (admins always may), for ``view`` when the role alone does not suffice.
scope_rules: dict[type[Model], ScopeRule] = {}
# Ways a manager is tied to a person they may act on (``manages_person``): people (shares a
# team I run, has a role in a program I run), shifts (signed up for a shift of a program I run).
relations: list[Relation] = []


def register_scope(model: type[Model], rule: ScopeRule) -> None:
    """Let ``rule`` decide ``can(user, cap, target)`` for targets of ``model`` (idempotent)."""
    scope_rules[model] = rule


def register_relation(relation: Relation) -> None:
    """Count ``relation(actor, person)`` among the ties of ``manages_person`` (idempotent)."""
    if relation not in relations:
        relations.append(relation)


def _scope_rule(target: Model) -> ScopeRule | None:
    if not scope_rules:
        # Fail closed: without the areas' rules a manager would pass every scoped check.
        raise RuntimeError("permission rules are not registered: call opsuite.app.register_areas()")
    for model in type(target).__mro__:
        rule = scope_rules.get(model)
        if rule is not None:
            return rule
    return None


_ROLE_RANK = {Role.VOLUNTEER: 0, Role.STAFF: 1, Role.MANAGER: 2, Role.ADMIN: 3}


def role_allows(user: User | None, cap: Cap) -> bool:
    """The role part of ``can``, without targets (used for navigation and route guards)."""
    if cap is Cap.PUBLIC:
        return True
    if user is None or not user.is_active:
        return False
    rank = _ROLE_RANK[Role(user.role)]
    return {
        Cap.SIGNED_IN: True,
        Cap.STAFF: rank >= 1,
        Cap.VIEW: True,
        Cap.MANAGE: rank >= 2,
        Cap.ADMIN: rank >= 3,
    }[cap]


def may(user: User | None, cap: Cap | str) -> bool:
    """``role_allows`` for templates, which name the capability: ``may(user, "staff")``."""
    return role_allows(user, Cap(cap))


def roles_with(cap: Cap) -> frozenset[Role]:
    """The roles that hold ``cap`` without a target (for queries such as "every admin")."""
    least = {Cap.STAFF: 1, Cap.MANAGE: 2, Cap.ADMIN: 3}.get(cap, 0)
    return frozenset(role for role, rank in _ROLE_RANK.items() if rank >= least)


def people_with(cap: Cap) -> QuerySet[User]:
    """The active accounts whose role carries ``cap`` (every admin, every manager ...)."""
    return User.filter(is_active=True, role__in=sorted(roles_with(cap)))


def has_cap(user: User | None, cap: Cap) -> bool:
    """Whether the *role* of ``user`` carries ``cap``, active or not (a deactivated manager is
    still a manager for the record; for what someone may do now, use ``role_allows``)."""
    return user is not None and Role(user.role) in roles_with(cap)


def is_admin(user: User | None) -> bool:
    return role_allows(user, Cap.ADMIN)


def has_role_in(user: User | None, roles: tuple[str, ...]) -> bool:
    """Whether ``user``'s role is one of ``roles``, role names as a setting lists them (e.g.
    security.require_two_factor_for)."""
    return user is not None and Role(user.role).value in roles


def may_run_groups(person: User) -> bool:
    """Whether ``person`` can be made to run a team or a program (managers and admins)."""
    return has_cap(person, Cap.MANAGE)


def assignable_roles(actor: User | None) -> list[Role]:
    """The roles ``actor`` may give someone (when inviting or editing): admins any, managers
    staff and volunteer; nobody but an admin makes or unmakes a manager or an admin."""
    if is_admin(actor):
        return list(Role)
    if role_allows(actor, Cap.MANAGE):
        return [Role.STAFF, Role.VOLUNTEER]
    return []


def offered_roles(actor: User, person: User) -> list[Role]:
    """Roles offered on ``person``'s edit form: their own, plus those ``actor`` may give."""
    if person.id == actor.id:
        return [Role(person.role)]
    allowed = {Role(person.role), *assignable_roles(actor)}
    return [role for role in Role if role in allowed]


def role_change_refusal(actor: User, person: User, new_role: Role) -> str | None:
    """Why ``actor`` may not give ``person`` the role ``new_role`` (None: they may)."""
    if Role(new_role) is Role(person.role):
        return None
    if person.id == actor.id:
        return _("You cannot change your own role; ask another administrator.")
    allowed = assignable_roles(actor)
    if new_role not in allowed or Role(person.role) not in allowed:
        return _("Only an administrator may give or take away the manager and administrator roles.")
    return None


async def manages_person(actor: User | None, person: User) -> bool:
    """Whether ``actor`` may act on ``person``'s account (profile, deactivation, invitation).

    Admins act on everyone. A manager acts on their own profile and on staff and volunteers who
    are members of a team the manager runs, who have access to or signed up for shifts of a
    program the manager runs (the registered ``relations``), or whose invitation the manager
    sent and is still pending. A manager never acts on another manager or an admin. Role changes
    and deactivating oneself have further rules (``assignable_roles``; nobody deactivates
    themself)."""
    if not role_allows(actor, Cap.MANAGE) or actor is None:
        return False
    if is_admin(actor) or person.id == actor.id:
        return True
    if has_cap(person, Cap.MANAGE):
        return False
    for relation in relations:
        if await relation(actor, person):
            return True
    return (
        not person.password_hash
        and await OneTimeLink.filter(
            user_id=person.id, purpose="invite", created_by_id=actor.id
        ).exists()
    )


def sees_contact_data(user: User | None) -> bool:
    """Whether reports and exports show ``user`` people's email addresses and phone numbers
    (managers and admins; never a program's read-only viewer)."""
    return role_allows(user, Cap.MANAGE)


async def can(user: User | None, cap: Cap, target: Model | None = None) -> bool:
    """Whether ``user`` may do something needing ``cap`` (on ``target``, if given).

    Beyond the role, a target's own rule decides (``scope_rules``, registered by the area that
    owns the model); User targets are this module's own (``manages_person``)."""
    if target is None:
        return role_allows(user, cap)
    if cap is Cap.PUBLIC:
        return True
    if user is None or not user.is_active:
        return False
    rank = _ROLE_RANK[Role(user.role)]
    if user.role == Role.ADMIN or cap is Cap.SIGNED_IN:
        return True
    if cap is Cap.ADMIN:
        return False
    if cap is Cap.STAFF:
        return rank >= 1
    if cap is Cap.MANAGE:
        if rank < 2:
            return False
        if isinstance(target, User):
            return await manages_person(user, target)
        rule = _scope_rule(target)
        return True if rule is None else await rule(user, cap, target)
    if cap is Cap.VIEW:
        if isinstance(target, User):
            return target.id == user.id or rank >= 1
        if rank >= 1:
            return True
        rule = _scope_rule(target)
        return rule is not None and await rule(user, cap, target)
    return False


async def authorize(user: User | None, cap: Cap, target: Model | None = None) -> None:
    """Raise NotAuthenticated (nobody signed in) or PermissionDenied unless ``can`` says yes."""
    if await can(user, cap, target):
        return
    if user is None:
        raise NotAuthenticated(_("Please log in to continue."))
    raise PermissionDenied(_("You do not have permission to do that."))
