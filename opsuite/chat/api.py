"""The chat channels JSON API under /api/v1/: a team's or a program's channels, paged; add
one; turn one off or on; post a test message; remove one. The secret is never given back,
only masked."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.chat import forms
from opsuite.chat import service as chat
from opsuite.chat.models import ChatChannel, ChatKind
from opsuite.people import service as people
from opsuite.people.models import Program, Team
from opsuite.web.api import form_data_from_json, page_params, paginated, typed_body
from opsuite.web.forms import Form
from opsuite.web.http import path_id, settings_of, viewer
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import Flag, RequestBody, ResponseBody, absent


class ChannelCreate(RequestBody):
    kind: ChatKind
    name: Annotated[str, Field(max_length=100)]
    webhook_url: Annotated[str, Field(max_length=500)]
    secret: Annotated[str, Field(max_length=200)] = absent()
    language: Literal["en", "zh_Hans"]


class ChannelJson(ResponseBody):
    """A chat channel; the robot's address only by its host, its secret masked."""

    id: int
    kind: ChatKind
    name: str
    team_id: int | None = absent()
    program_id: int | None = absent()
    webhook_host: str = absent()
    secret: str = absent(description="masked; empty when there is none")
    language: Literal["en", "zh_Hans"]
    active: bool
    created_at: datetime = absent()
    last_ok_at: datetime | None = absent()
    last_error: str = absent()


class ChannelActive(RequestBody):
    active: Flag = Field(description="false stops its posts (waiting ones are kept)")


class ChannelTest(ResponseBody):
    ok: bool
    detail: str = Field(description="the platform's own answer")
    channel: ChannelJson


def channel_json(channel: ChatChannel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "kind": channel.kind.value,
        "name": channel.name,
        "team_id": channel.team_id,
        "program_id": channel.program_id,
        # The address holds the robot's key: only its host is shown back.
        "webhook_host": urlsplit(channel.webhook_url).hostname or "",
        "secret": channel.masked_secret if channel.secret else "",
        "language": channel.language,
        "active": channel.active,
        "created_at": channel.created_at.isoformat(),
        "last_ok_at": channel.last_ok_at.isoformat() if channel.last_ok_at else None,
        "last_error": channel.last_error,
    }


async def _channels(request: Request, owner: Team | Program) -> Response:
    user = viewer(request)
    if request.method == "POST":
        body = await typed_body(request, ChannelCreate)
        form = Form.bind(forms.CHANNEL, form_data_from_json(forms.CHANNEL, body, {}))
        form.raise_if_invalid()
        channel = await chat.create_channel(
            user, owner, **form.cleaned, settings=settings_of(request)
        )
        return JSONResponse(channel_json(channel), status_code=201)
    await authorize(user, Cap.MANAGE, owner)
    offset, limit = page_params(request)
    channels, total = await chat.list_channels(owner, offset=offset, limit=limit)
    return paginated([channel_json(c) for c in channels], total, offset, limit)


async def api_team_channels(request: Request) -> Response:
    return await _channels(request, await people.get_team(path_id(request)))


async def api_program_channels(request: Request) -> Response:
    return await _channels(request, await people.get_program(path_id(request)))


async def api_channel(request: Request) -> Response:
    channel = await chat.get_channel(path_id(request))
    if request.method == "DELETE":
        await chat.delete_channel(viewer(request), channel)
        return Response(status_code=204)
    active = (await typed_body(request, ChannelActive))["active"]
    # the same two services as the page's Disable and Enable buttons
    turn = chat.enable_channel if active else chat.disable_channel
    return JSONResponse(channel_json(await turn(viewer(request), channel)))


async def api_channel_test(request: Request) -> Response:
    channel = await chat.get_channel(path_id(request))
    answer = await chat.send_test(viewer(request), channel)
    await channel.refresh_from_db()
    return JSONResponse(
        {"ok": answer.ok, "detail": answer.detail, "channel": channel_json(channel)}
    )


def routes() -> list[BaseRoute]:
    def doc(summary: str) -> ApiDoc:
        return ApiDoc(summary, request=ChannelCreate, response=ChannelJson, paginated=True)

    return [
        api(
            "/api/v1/teams/{id}/chat-channels",
            api_team_channels,
            cap=Cap.MANAGE,
            name="api:team_chat_channels",
            methods=("GET", "POST"),
            doc=doc("A team's chat channels (GET, paged), or add one (POST)"),
        ),
        api(
            "/api/v1/programs/{id}/chat-channels",
            api_program_channels,
            cap=Cap.MANAGE,
            name="api:program_chat_channels",
            methods=("GET", "POST"),
            doc=doc("A program's chat channels (GET, paged), or add one (POST)"),
        ),
        api(
            "/api/v1/chat-channels/{id}",
            api_channel,
            cap=Cap.MANAGE,
            name="api:chat_channel",
            methods=("PATCH", "DELETE"),
            doc=ApiDoc(
                "Turn a chat channel off or on again (PATCH), or remove it (DELETE)",
                request=ChannelActive,
                response=ChannelJson,
            ),
        ),
        api(
            "/api/v1/chat-channels/{id}/test",
            api_channel_test,
            cap=Cap.MANAGE,
            name="api:chat_channel_test",
            methods=("POST",),
            doc=ApiDoc(
                "Post a test message now; answers whether the platform took it, in its words",
                response=ChannelTest,
            ),
        ),
    ]
