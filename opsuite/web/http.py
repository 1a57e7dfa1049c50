"""Request helpers every area's pages and API share: who is asking, ids from the path and the
query string, redirects (same-site only), paging."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse

from opsuite.errors import InvalidInput, NotFound
from opsuite.settings import Settings
from opsuite.web.forms import parse_id
from opsuite.web.i18n import gettext as _

if TYPE_CHECKING:
    from opsuite.auth.models import User


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def viewer(request: Request) -> User:
    """The signed-in person (routes declared with a capability above ``public`` always have one)."""
    user: User = request.state.user
    return user


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def path_id(request: Request, name: str = "id") -> int:
    """A numeric id from the path; anything else is a 404 like any unknown address."""
    found = parse_id(request.path_params[name])
    if found is None:
        raise NotFound(_("There is nothing at this address. Check the link."))
    return found


def query_id(request: Request, name: str) -> int | None:
    """An optional numeric filter such as ?team=3; anything else is a 400."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    found = parse_id(raw)
    if found is None:
        raise InvalidInput(_("Choose from the list."), field=name)
    return found


def query_flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "") in ("1", "on", "true")


def pager(total: int, offset: int, limit: int) -> dict[str, Any]:
    return {"total": total, "page": offset // limit + 1, "pages": max(1, -(-total // limit))}


def pop_active_flag(body: dict[str, Any]) -> bool | None:
    """Take ``is_active`` out of a PATCH body: true, false or absent."""
    active = body.pop("is_active", None)
    if active is not None and not isinstance(active, bool):
        raise InvalidInput(_("Expected true or false."), field="is_active")
    return active


def safe_next(target: str, default: str = "/") -> str:
    """Only same-site paths are followed after login, a language switch or a form's ``next``."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
