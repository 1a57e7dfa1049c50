"""Chat channel pages: a team's or a program's channels, add, test, disable, remove."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.chat import forms
from opsuite.chat import service as chat
from opsuite.chat.models import ChatChannel
from opsuite.errors import FieldErrors
from opsuite.people import service as people
from opsuite.people.models import Program, Team
from opsuite.web.api import page_params
from opsuite.web.context import flash
from opsuite.web.forms import Form
from opsuite.web.http import pager, path_id, see_other, settings_of, viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import page
from opsuite.web.templating import render


def _url(owner: Team | Program) -> str:
    return f"/{'teams' if isinstance(owner, Team) else 'programs'}/{owner.id}/chat"


async def _channels_page(
    request: Request, owner: Team | Program, form: Form | None = None, status: int = 200
) -> Response:
    await authorize(viewer(request), Cap.MANAGE, owner)
    offset, limit = page_params(request)
    channels, total = await chat.list_channels(owner, offset=offset, limit=limit)
    return render(
        request,
        "chat/channels.html",
        {
            "owner": owner,
            "owner_url": _url(owner).removesuffix("/chat"),
            "is_team": isinstance(owner, Team),
            "channels": channels,
            "form": form or Form.blank(forms.CHANNEL, {"language": "en"}),
            **pager(total, offset, limit),
        },
        status=status,
    )


async def _create(request: Request, owner: Team | Program) -> Response:
    form = Form.bind(forms.CHANNEL, await request.form())
    if form.is_valid:
        try:
            channel = await chat.create_channel(
                viewer(request), owner, **form.cleaned, settings=settings_of(request)
            )
        except FieldErrors as exc:
            form.absorb(exc)
        else:
            message = _("The chat channel %(name)s is added.", name=channel.name)
            return flash(request, see_other(_url(owner)), message, "success")
    return await _channels_page(request, owner, form, status=400)


async def team_channels(request: Request) -> Response:
    team = await people.get_team(path_id(request))
    if request.method == "POST":
        return await _create(request, team)
    return await _channels_page(request, team)


async def program_channels(request: Request) -> Response:
    program = await people.get_program(path_id(request))
    if request.method == "POST":
        return await _create(request, program)
    return await _channels_page(request, program)


async def _back(request: Request, channel: ChatChannel, message: str, level: str) -> Response:
    return flash(request, see_other(_url(await chat.owner_of(channel))), message, level)


async def channel_test(request: Request) -> Response:
    channel = await chat.get_channel(path_id(request))
    answer = await chat.send_test(viewer(request), channel)
    if answer.ok:
        message = _(
            "The test message was posted; %(platform)s answered: %(answer)s",
            platform=channel.kind.label,
            answer=answer.detail,
        )
        return await _back(request, channel, message, "success")
    message = _(
        "The test message was not posted; %(platform)s answered: %(answer)s",
        platform=channel.kind.label,
        answer=answer.detail,
    )
    return await _back(request, channel, message, "error")


async def channel_disable(request: Request) -> Response:
    channel = await chat.disable_channel(viewer(request), await chat.get_channel(path_id(request)))
    return await _back(request, channel, _("The channel is disabled."), "success")


async def channel_enable(request: Request) -> Response:
    channel = await chat.enable_channel(viewer(request), await chat.get_channel(path_id(request)))
    return await _back(request, channel, _("The channel is active again."), "success")


async def channel_delete(request: Request) -> Response:
    channel = await chat.get_channel(path_id(request))
    owner = await chat.owner_of(channel)
    await chat.delete_channel(viewer(request), channel)
    message = _("The channel %(name)s is removed.", name=channel.name)
    return flash(request, see_other(_url(owner)), message, "success")


def routes() -> list[BaseRoute]:
    get_post = ("GET", "POST")
    return [
        page("/teams/{id}/chat", team_channels, cap=Cap.MANAGE, name="chat:team", methods=get_post),
        page(
            "/programs/{id}/chat",
            program_channels,
            cap=Cap.MANAGE,
            name="chat:program",
            methods=get_post,
        ),
        page("/chat/{id}/test", channel_test, cap=Cap.MANAGE, name="chat:test", methods=("POST",)),
        page(
            "/chat/{id}/disable",
            channel_disable,
            cap=Cap.MANAGE,
            name="chat:disable",
            methods=("POST",),
        ),
        page(
            "/chat/{id}/enable",
            channel_enable,
            cap=Cap.MANAGE,
            name="chat:enable",
            methods=("POST",),
        ),
        page(
            "/chat/{id}/delete",
            channel_delete,
            cap=Cap.MANAGE,
            name="chat:delete",
            methods=("POST",),
        ),
    ]
