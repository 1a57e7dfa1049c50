"""Who is asking and what they may do, as the web shell needs to know it.

``web`` is the lowest layer: the auth area's own pages use its forms, templates and routing, so
web cannot import auth without a cycle. Instead the auth area hands web its answers when it
registers (``auth.register`` calls ``install``), the same way areas hand their scope rules to
``auth.permissions``. Until then every question fails closed: ``policy()`` raises, so a request
is refused with a 500 rather than let through unchecked.

Everything here is a plain function of auth's; nothing is decided in web.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from opsuite.caps import Cap

if TYPE_CHECKING:
    from opsuite.auth.models import Session, User
    from opsuite.settings import Settings


@dataclass(frozen=True)
class AccessPolicy:
    # the live session for a cookie value (slid forward), and the owner of an API token
    find_session: Callable[..., Awaitable[Session | None]]
    find_user_by_api_token: Callable[[str], Awaitable[User | None]]
    # an active account by id (unsubscribe links carry one), or None
    find_user: Callable[[int], Awaitable[User | None]]
    # raise NotAuthenticated / PermissionDenied unless the user holds the capability
    authorize: Callable[[User | None, Cap], Awaitable[None]]
    # whether the user must set up two-factor sign-in before anything else
    needs_enrolment: Callable[[User, Settings], Awaitable[bool]]
    # what templates and pages ask of a role: may(user, "staff"), is_admin(user)
    may: Callable[[User | None, Cap | str], bool]
    is_admin: Callable[[User | None], bool]
    # the active people whose role carries a capability (digest audiences)
    people_with: Callable[[Cap], Awaitable[list[User]]]
    # count one anonymous or token write against a limit (raises TooManyRequests past it)
    count_request: Callable[..., Awaitable[None]]
    # each role's name, translated when it is shown
    role_labels: Mapping[Any, Any]


_installed: list[AccessPolicy] = []


def install(policy: AccessPolicy) -> None:
    """Set the policy (the auth area does this in ``register``). A second call replaces it."""
    _installed[:] = [policy]


def policy() -> AccessPolicy:
    if not _installed:
        raise RuntimeError(
            "no access policy installed: the auth area registers it "
            "(opsuite.app.register_areas() before serving)"
        )
    return _installed[0]


async def count_request(key: str, *, limit: int, window: timedelta) -> None:
    await policy().count_request(key, limit=limit, window=window)


def may(user: User | None, cap: Cap | str) -> bool:
    return policy().may(user, cap)


def is_admin(user: User | None) -> bool:
    return policy().is_admin(user)


class RoleLabels(Mapping[str, str]):
    """``role_labels[user.role]`` for templates, read from the policy when it is asked."""

    def __getitem__(self, role: str) -> str:
        return str(policy().role_labels[role])

    def __iter__(self) -> Iterator[str]:
        return iter(policy().role_labels)

    def __len__(self) -> int:
        return len(policy().role_labels)
