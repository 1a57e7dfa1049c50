"""The feed address calendar clients poll, and the "Calendar feeds" page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound
from opsuite.feeds import downloads, service
from opsuite.feeds.memory import accepts_gzip, answer_headers, if_modified_since
from opsuite.feeds.models import FeedKind
from opsuite.people.access import managed_programs
from opsuite.people.models import Program, Team
from opsuite.web.context import flash, hsts_header
from opsuite.web.http import path_id, see_other
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


async def feed(request: Request) -> Response:
    """A calendar client's poll: 304 when its copy is current, else the cached bytes.

    The public open-shift feed holds nothing personal and may be kept by shared caches; a
    personal, team or program feed only by the client. The gzip and identity bodies carry
    different strong ETags (RFC 9110 8.8.3), and neither sets a cookie."""
    # No cookie on a feed answer, not even the session a browser that opens the address
    # sends (WebContextMiddleware would slide it): a shared cache may keep the public feed.
    # The CSRF cookie is left out by path (``opsuite.web.context.needs_csrf_cookie``).
    request.state.session_slid = False
    token = str(request.path_params["token"])
    gzipped = accepts_gzip(request.headers.get("accept-encoding", ""))
    cached = await service.fetch(
        token,
        settings=request.app.state.settings,
        gzipped=gzipped,
        if_none_match=request.headers.get("if-none-match", "")[:500],
        if_modified_since=if_modified_since(request.headers.get("if-modified-since", "")),
    )
    memory = getattr(request.state, "feed_memory", None)
    if memory is not None:
        memory.keep(service.token_digest(token), cached)
    headers = dict(answer_headers(cached, hsts=hsts_header(request.app.state.settings)))
    if cached.body is None:
        return Response(status_code=304, headers=headers)
    body = cached.body
    if request.method == "HEAD":
        headers["content-length"] = str(len(body))
        body = b""
    return Response(body, headers=headers)


async def _page(
    request: Request, *, new: service.NewFeed | None = None, status: int = 200
) -> Response:
    user: User = request.state.user
    settings = request.app.state.settings
    feeds = await service.list_feeds(user)
    context: dict[str, Any] = {
        "feeds": feeds,
        "parts": service.PARTS,
        "teams": await service.managed_teams(user),
        "programs": await managed_programs(user),
        "read_programs": await service.read_programs(user),
        "has_personal": any(f.kind == FeedKind.PERSON for f in feeds),
        "new": None,
    }
    if new is not None:
        name = _("opsuite calendar")
        context["new"] = {
            "feed": new.feed,
            "url": service.feed_url(settings, new.token),
            "webcal": service.webcal_url(settings, new.token),
            "google": service.google_url(settings, new.token),
            "outlook": service.outlook_url(settings, new.token, name),
        }
    return render(request, "feeds/index.html", context, status=status)


async def index(request: Request) -> Response:
    return await _page(request)


def _form_id(value: Any) -> int:
    raw = value if isinstance(value, str) else ""
    if not raw.isdigit() or len(raw) > 9:
        raise InvalidInput(_("Choose a team or a program."), field="target")
    return int(raw)


async def create(request: Request) -> Response:
    """Create (or regenerate) a feed address and show it once."""
    form = await request.form()
    kind_raw = form.get("kind", "")
    if kind_raw not in {k.value for k in FeedKind}:
        raise InvalidInput(_("Choose which calendar to subscribe to."), field="kind")
    kind = FeedKind(str(kind_raw))
    team = program = None
    if kind == FeedKind.TEAM:
        team = await Team.get_or_none(id=_form_id(form.get("team_id")))
        if team is None:
            raise NotFound(_("No such team."))
    elif kind in (FeedKind.PROGRAM, FeedKind.PUBLIC):
        program = await Program.get_or_none(id=_form_id(form.get("program_id")))
        if program is None:
            raise NotFound(_("No such program."))
    new = await service.create_feed(request.state.user, kind, team=team, program=program)
    return await _page(request, new=new)


async def parts(request: Request) -> Response:
    form = await request.form()
    chosen = {str(v) for v in form.getlist("parts")}
    await service.set_parts(
        request.state.user, path_id(request), chosen, settings=request.app.state.settings
    )
    return flash(request, see_other("/me/feeds"), _("The feed is updated."), "success")


async def revoke(request: Request) -> Response:
    await service.revoke_feed(request.state.user, path_id(request))
    message = _("The feed address is revoked; calendars using it get nothing more.")
    return flash(request, see_other("/me/feeds"), message, "success")


def _download(item: downloads.Download) -> Response:
    return Response(
        item.body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{item.filename}"',
            "cache-control": "private, no-store",
        },
    )


async def meeting_download(request: Request) -> Response:
    """ "Add to calendar" on a meeting's page: the meeting as an .ics file."""
    settings = request.app.state.settings
    return _download(
        await downloads.meeting_download(request.state.user, path_id(request), settings=settings)
    )


async def shift_download(request: Request) -> Response:
    """ "Add to calendar" on a shift's page (public like the page, for a public opportunity)."""
    settings = request.app.state.settings
    return _download(
        await downloads.shift_download(request.state.user, path_id(request), settings=settings)
    )


def routes() -> list[BaseRoute]:
    post = ("POST",)
    return [
        page("/feeds/{token}.ics", feed, cap=Cap.PUBLIC, name="feeds:feed"),
        page(
            "/meetings/{id}/calendar.ics",
            meeting_download,
            cap=Cap.SIGNED_IN,
            name="feeds:meeting_download",
        ),
        page(
            "/shifts/{id}/calendar.ics", shift_download, cap=Cap.PUBLIC, name="feeds:shift_download"
        ),
        page("/me/feeds", index, cap=Cap.SIGNED_IN, name="feeds:index"),
        page("/me/feeds/new", create, cap=Cap.SIGNED_IN, name="feeds:create", methods=post),
        page("/me/feeds/{id}/parts", parts, cap=Cap.SIGNED_IN, name="feeds:parts", methods=post),
        page("/me/feeds/{id}/revoke", revoke, cap=Cap.SIGNED_IN, name="feeds:revoke", methods=post),
    ]
