"""Declaring routes: every route names the capability it needs, and the wrapper asks the one
permission function and checks CSRF before the handler runs.

``page`` is for HTML, ``api`` for JSON under /api/v1 (documented in the OpenAPI document).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotAuthenticated, NotFound, OpsuiteError, PermissionDenied
from opsuite.web import kiosk, submissions
from opsuite.web.access import policy
from opsuite.web.context import flash
from opsuite.web.forms import has_control_character, parse_id
from opsuite.web.i18n import gettext as _
from opsuite.web.throttle import throttle

Handler = Callable[[Request], Awaitable[Response]]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# A body is a pydantic model. A JSON Schema dict is typed here only for the routes
# tests/web/test_api_models.py still lists in NOT_YET (task boards and applications, whose
# tests name nested fields the models do not name yet); that test fails for any other route
# documenting a dict, and for a listed one that has become a model.
Body = type[BaseModel] | dict[str, Any]


@dataclass(frozen=True)
class ApiDoc:
    """An API route's document entry. The bodies are pydantic models (opsuite.web.typed): the
    route validates its JSON with ``request`` (opsuite.web.api.typed_body), and answers
    ``response`` (each item of it when ``paginated``)."""

    summary: str
    request: Body | None = None
    response: Body | None = None
    params: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    paginated: bool = False
    # what a POST answers when it is not one ``response`` (a series answers every shift made)
    created: Body | None = None


class OpsRoute(Route):
    cap: Cap
    api_doc: ApiDoc | None
    area: str  # the package that declared it (opsuite.shifts.api -> "shifts"): the API's tag


async def check_csrf(request: Request) -> None:
    """State-changing requests must echo the CSRF cookie (form field or X-CSRF-Token header).
    Requests authenticated by a bearer token carry no cookie and need none."""
    if request.method in SAFE_METHODS or request.state.via_token:
        return
    expected = request.state.csrf_token
    given = request.headers.get("x-csrf-token", "")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token", "")
        given = value if isinstance(value, str) else ""
    if not (given and request.cookies.get("opsuite_csrf") and hmac.compare_digest(given, expected)):
        raise CsrfError(
            _("Your form had expired or came from another site. Please submit it again.")
        )


class CsrfError(PermissionDenied):
    """The form's CSRF token is missing or stale (not a lack of permission)."""


def _is_form_post(request: Request) -> bool:
    return request.method == "POST" and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )


def _from_this_site(request: Request) -> bool:
    """The browser says the post came from this site (Origin, else Referer)."""
    source = request.headers.get("origin") or request.headers.get("referer", "")
    return bool(source) and urlsplit(source).netloc == request.url.netloc


def form_page(request: Request) -> str:
    """The page a posted form came from (its Referer on this site), else the posted path."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path
    return request.url.path


async def _stash_and_redirect(request: Request, error: OpsuiteError) -> Response:
    """Keep what was typed and send the person where they can submit it again."""
    page_path = form_page(request)
    key = await submissions.stash(
        page_path,
        submissions.keepable(await request.form()),
        csrf_cookie=request.state.csrf_token,
    )
    resume = f"{page_path}?{urlencode({'resume': key})}"
    if isinstance(error, NotAuthenticated):
        response = RedirectResponse(f"/login?{urlencode({'next': resume})}", status_code=303)
        return flash(
            request,
            response,
            _(
                "Your session had ended. Log in again: what you "
                "typed is kept and will be filled in."
            ),
            "info",
        )
    response = RedirectResponse(resume, status_code=303)
    return flash(
        request,
        response,
        _(
            "Your form had expired. What you typed is filled in "
            "again: check it and submit once more."
        ),
        "info",
    )


async def _restore_for_page(request: Request) -> None:
    """On a page view: put back a stash (?resume=) or a draft (?draft=restore), or offer a draft."""
    user = request.state.user
    resume = request.query_params.get("resume", "")
    if resume:
        values = await submissions.take_stash(resume, csrf_cookie=request.state.csrf_token)
        submissions.restore(values)
        request.state.restored = "stash" if values is not None else "gone"
        return
    if user is None:
        return
    settings = request.app.state.settings
    draft = await submissions.find_draft(
        user, request.url.path, max_age_days=settings.security.draft_days
    )
    if draft is not None and request.query_params.get("draft") == "restore":
        submissions.restore(draft.data)
        request.state.restored = "draft"
    else:
        request.state.draft = draft


# What someone who must set up two-factor sign-in may still open before they have.
ENROLMENT_ROUTES = frozenset(
    {
        "auth:two_factor",
        "auth:two_factor_start",
        "auth:two_factor_confirm",
        "auth:two_factor_codes",
        "auth:logout",
        "auth:login",
        "auth:login_two_factor",
    }
)


async def _must_enrol_first(request: Request, name: str) -> bool:
    """security.require_two_factor_for names this person's role and they have no authenticator
    yet. API tokens are not asked: they are a second secret of their own."""
    user = request.state.user
    if user is None or request.state.via_token or name in ENROLMENT_ROUTES:
        return False
    return await policy().needs_enrolment(user, request.app.state.settings)


def _to_enrolment(request: Request) -> Response:
    message = _("Set up two-factor sign-in first: your role needs it.")
    if request.url.path.startswith("/api/"):
        raise PermissionDenied(message)
    return flash(request, RedirectResponse("/me/two-factor", status_code=303), message, "info")


def check_address(request: Request) -> None:
    """The one check of path and query string: NUL or a control character in the path is an
    address that cannot exist (404), in a query parameter a 400 naming it; neither reaches a
    query (PostgreSQL refuses NUL). An id in the path ({id}, {user_id}) that is no positive
    number the database can hold (2**63, say) is a 404 too, whatever the route does with it."""
    if has_control_character(str(request.scope.get("path", ""))):  # decoded, unlike request.url
        raise NotFound(_("There is nothing at this address. Check the link."))
    for name, value in request.path_params.items():
        if (name == "id" or name.endswith("_id")) and parse_id(value) is None:
            raise NotFound(_("There is nothing at this address. Check the link."))
    for name, value in request.query_params.multi_items():
        if has_control_character(name) or has_control_character(value):
            shown = name.encode("unicode_escape").decode("ascii")
            raise InvalidInput(
                _("%(field)s contains a control character (such as a NUL byte).", field=shown),
                field=shown,
            )


def _kiosk_elsewhere(request: Request) -> Response | None:
    """A browser in kiosk mode (``web/kiosk.py``) opens only the kiosk's pages: any other page
    sends it back there, and the API refuses."""
    confined = kiosk.current(request) if kiosk.COOKIE in request.cookies else None
    if confined is None or confined.allows(request.url.path):
        return None
    if request.url.path.startswith("/api/"):
        raise PermissionDenied(_("This browser is a kiosk; leave kiosk mode first."))
    return RedirectResponse(confined.home, status_code=303)


def _wrap(endpoint: Handler, cap: Cap, name: str) -> Handler:
    async def guarded(request: Request) -> Response:
        check_address(request)
        if (back := _kiosk_elsewhere(request)) is not None:
            return back
        await throttle(request, name)
        submissions.restore(None)
        form_post = _is_form_post(request) and not request.state.via_token
        try:
            await policy().authorize(request.state.user, cap)
            await check_csrf(request)
        except (NotAuthenticated, CsrfError) as error:
            # Only a form posted from one of our own pages is kept: a cross-site post must not
            # be able to plant pre-filled values in someone's browser.
            if not form_post or not _from_this_site(request):
                raise
            return await _stash_and_redirect(request, error)
        if await _must_enrol_first(request, name):
            return _to_enrolment(request)
        if request.method == "GET" and not request.url.path.startswith("/api/"):
            await _restore_for_page(request)  # a form's stash or draft; JSON has neither
        if not form_post:
            return await endpoint(request)
        key = (await request.form()).get("submission_key", "")
        key = key if isinstance(key, str) else ""
        if not await submissions.claim_submission(key):
            again = RedirectResponse(form_page(request), status_code=303)
            return flash(
                request,
                again,
                _("That form was already sent; it was not carried out twice."),
                "info",
            )
        try:
            response = await endpoint(request)
        except Exception:
            await submissions.release_submission(key)
            raise
        if response.status_code >= 400:
            await submissions.release_submission(key)
        elif request.state.user is not None:
            await submissions.discard_draft(request.state.user, form_page(request))
        return response

    guarded.__name__ = endpoint.__name__
    guarded.__doc__ = endpoint.__doc__
    return guarded


def page(
    path: str, endpoint: Handler, *, cap: Cap, name: str, methods: tuple[str, ...] = ("GET",)
) -> OpsRoute:
    route = OpsRoute(path, _wrap(endpoint, cap, name), methods=list(methods), name=name)
    route.cap = cap
    route.api_doc = None
    return route


def signed_link(
    path: str, endpoint: Handler, *, name: str, methods: tuple[str, ...] = ("GET", "POST")
) -> OpsRoute:
    """A public route whose URL carries its own HMAC proof (e.g. one-click unsubscribe, which
    mail providers POST without cookies). The handler must verify the signature; no CSRF check,
    since no session is involved."""

    async def checked(request: Request) -> Response:
        await throttle(request, name)
        await policy().authorize(request.state.user, Cap.PUBLIC)
        return await endpoint(request)

    checked.__name__ = endpoint.__name__
    route = OpsRoute(path, checked, methods=list(methods), name=name)
    route.cap = Cap.PUBLIC
    route.api_doc = None
    return route


def api(
    path: str,
    endpoint: Handler,
    *,
    cap: Cap,
    name: str,
    doc: ApiDoc,
    methods: tuple[str, ...] = ("GET",),
) -> OpsRoute:
    route = page(path, endpoint, cap=cap, name=name, methods=methods)
    route.api_doc = doc
    route.area = endpoint.__module__.split(".")[1] if endpoint.__module__.count(".") else "web"
    return route
