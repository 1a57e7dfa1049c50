"""The chat channel API's actions the page has as buttons: turn a channel off and on again,
post a test message (answered in the platform's words); strangers refused, bad input a 400."""

from __future__ import annotations

from opsuite.auth.models import Role
from opsuite.chat.models import ChatChannel
from opsuite.chat.service import create_channel
from tests.chat.webhooks import WebhookServer
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.tasks.test_api import bearer


async def _channel(settings, webhooks: WebhookServer, kind: str = "slack"):
    manager = await make_user(Role.MANAGER)
    team = await make_team(manager=manager)
    channel = await create_channel(
        manager, team, kind=kind, name="G", webhook_url=webhooks.url(kind), secret="",
        language="en", settings=settings,
    )  # fmt: skip
    return manager, channel


async def test_a_channel_is_turned_off_and_on_again(client, settings, webhooks):
    manager, channel = await _channel(settings, webhooks)
    boss = await bearer(manager)

    off = await client.patch(
        f"/api/v1/chat-channels/{channel.id}", json={"active": False}, headers=boss
    )
    assert off.status_code == 200, off.text
    assert off.json()["active"] is False
    assert not (await ChatChannel.get()).active
    on = await client.patch(
        f"/api/v1/chat-channels/{channel.id}", json={"active": True}, headers=boss
    )
    assert on.json()["active"] is True
    assert (await ChatChannel.get()).active


async def test_bad_input_and_a_stranger_change_nothing(client, settings, webhooks):
    _manager, channel = await _channel(settings, webhooks)
    stranger = await bearer(await make_user(Role.MANAGER))
    volunteer = await bearer(await make_user(Role.VOLUNTEER))
    url = f"/api/v1/chat-channels/{channel.id}"
    boss = await bearer(await channel_owner(channel))

    for body in ({}, {"active": "no"}, {"active": False, "name": "x"}):
        answer = await client.patch(url, json=body, headers=boss)
        assert answer.status_code == 400, body
        assert "error" in answer.json()
    assert (await client.patch(url, json={"active": False}, headers=stranger)).status_code == 403
    assert (await client.patch(url, json={"active": False}, headers=volunteer)).status_code == 403
    assert (await client.post(f"{url}/test", headers=stranger)).status_code == 403
    assert (await ChatChannel.get()).active
    assert not webhooks.received


async def channel_owner(channel: ChatChannel):
    from opsuite.people.models import TeamMember

    member = await TeamMember.get(team_id=channel.team_id, is_manager=True).prefetch_related("user")
    return member.user


async def test_a_test_message_answers_the_platforms_words(client, settings, webhooks):
    manager, channel = await _channel(settings, webhooks, kind="wecom")
    boss = await bearer(manager)

    ok = await client.post(f"/api/v1/chat-channels/{channel.id}/test", headers=boss)
    webhooks.fail = "errcode"
    refused = await client.post(f"/api/v1/chat-channels/{channel.id}/test", headers=boss)

    assert ok.status_code == 200, ok.text
    assert (ok.json()["ok"], ok.json()["detail"]) == (True, "ok")
    assert webhooks.received[0].body["markdown"]["content"].startswith("**Test message")
    assert refused.json()["ok"] is False
    assert refused.json()["detail"] == "errcode 93000: invalid webhook url"
    assert refused.json()["channel"]["last_error"] == "errcode 93000: invalid webhook url"
