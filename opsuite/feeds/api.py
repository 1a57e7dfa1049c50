"""The feeds JSON API: list, create (or regenerate), choose parts and revoke calendar feeds.
A new feed's address is in the answer once, like on the page."""

from __future__ import annotations

from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.caps import Cap
from opsuite.errors import InvalidInput, NotFound
from opsuite.feeds import service
from opsuite.feeds.models import FeedKind, FeedToken
from opsuite.people.models import Program, Team
from opsuite.web.api import page_params, paginated, typed_body
from opsuite.web.http import path_id
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import DateTimeText, RequestBody, ResponseBody, absent

PARTS = ["shifts", "meetings", "schedule", "tasks"]


class FeedCreate(RequestBody):
    kind: FeedKind
    team_id: int = absent()
    program_id: int = absent()


class FeedBody(ResponseBody):
    id: int
    kind: FeedKind
    team_id: int | None = None
    program_id: int | None = None
    starts_with: str
    parts: list[Literal["shifts", "meetings", "schedule", "tasks"]]
    created_at: DateTimeText
    last_used_at: DateTimeText | None = None
    url: str = absent(description="only when the feed was just created")
    webcal_url: str = absent(description="only when the feed was just created")


class FeedParts(RequestBody):
    parts: list[Literal["shifts", "meetings", "schedule", "tasks"]]


class FeedRevoke(ResponseBody):
    revoked: bool = absent()


def feed_json(feed: FeedToken) -> dict[str, Any]:
    return {
        "id": feed.id,
        "kind": str(feed.kind),
        "team_id": feed.team_id,
        "program_id": feed.program_id,
        "starts_with": feed.prefix,
        "parts": [p for p in PARTS if getattr(feed, f"include_{p}")],
        "created_at": feed.created_at.isoformat(),
        "last_used_at": feed.last_used_at.isoformat() if feed.last_used_at else None,
    }


def _int(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(_("Give %(name)s as a number.", name=name), field=name)
    return value


async def feeds(request: Request) -> Response:
    user = request.state.user
    if request.method == "GET":
        offset, limit = page_params(request)
        mine = [feed_json(f) for f in await service.list_feeds(user)]
        return paginated(mine[offset : offset + limit], len(mine), offset, limit)
    body = await typed_body(request, FeedCreate)
    unknown = sorted(set(body) - {"kind", "team_id", "program_id"})
    if unknown:
        raise InvalidInput(_("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])
    kind_raw = body.get("kind")
    if not isinstance(kind_raw, str) or kind_raw not in {k.value for k in FeedKind}:
        raise InvalidInput(_("Choose which calendar to subscribe to."), field="kind")
    kind = FeedKind(kind_raw)
    team = program = None
    if kind == FeedKind.TEAM:
        team = await Team.get_or_none(id=_int(body, "team_id"))
        if team is None:
            raise NotFound(_("No such team."), field="team_id")
    elif kind in (FeedKind.PROGRAM, FeedKind.PUBLIC):
        program = await Program.get_or_none(id=_int(body, "program_id"))
        if program is None:
            raise NotFound(_("No such program."), field="program_id")
    new = await service.create_feed(user, kind, team=team, program=program)
    settings = request.app.state.settings
    return JSONResponse(
        {
            **feed_json(new.feed),
            "url": service.feed_url(settings, new.token),
            "webcal_url": service.webcal_url(settings, new.token),
        },
        status_code=201,
    )


async def feed_parts(request: Request) -> Response:
    body = await typed_body(request, FeedParts)
    parts = body.get("parts")
    if (
        set(body) != {"parts"}
        or not isinstance(parts, list)
        or not all(isinstance(p, str) for p in parts)
    ):
        raise InvalidInput(_('Give parts as a list such as ["shifts", "meetings"].'), field="parts")
    feed = await service.set_parts(
        request.state.user, path_id(request), set(parts), settings=request.app.state.settings
    )
    return JSONResponse(feed_json(feed))


async def feed_revoke(request: Request) -> Response:
    await service.revoke_feed(request.state.user, path_id(request))
    return JSONResponse({"revoked": True})


def routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/feeds",
            feeds,
            cap=Cap.SIGNED_IN,
            name="api:feeds",
            methods=("GET", "POST"),
            doc=ApiDoc(
                "My calendar feeds; POST makes a new address (shown once)",
                request=FeedCreate,
                response=FeedBody,
                paginated=True,
            ),
        ),
        api(
            "/api/v1/feeds/{id}/parts",
            feed_parts,
            cap=Cap.SIGNED_IN,
            name="api:feed_parts",
            methods=("PUT",),
            doc=ApiDoc("Choose what a personal feed shows", request=FeedParts, response=FeedBody),
        ),
        api(
            "/api/v1/feeds/{id}/revoke",
            feed_revoke,
            cap=Cap.SIGNED_IN,
            name="api:feed_revoke",
            methods=("POST",),
            doc=ApiDoc(
                "Stop a feed address at once",
                response=FeedRevoke,
            ),
        ),
    ]
