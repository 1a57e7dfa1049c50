"""The chat channel pages and API: a team's or a program's managers add, test, disable and
remove channels; bad input is refused with a clear message and nothing saved."""

from __future__ import annotations

import html

from opsuite.auth.models import Role
from opsuite.chat.models import ChatChannel
from tests.chat.webhooks import DINGTALK_SECRET, WebhookServer
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team


async def _runner_of_team(client):
    manager = await make_user(Role.MANAGER)
    team = await make_team(manager=manager)
    await log_in(client, manager.email)
    return manager, team


async def test_a_manager_adds_a_channel_and_sees_its_secret_masked(client, webhooks):
    _, team = await _runner_of_team(client)

    response = await post_form(
        client,
        f"/teams/{team.id}/chat",
        {
            "kind": "dingtalk",
            "name": "Kitchen group",
            "webhook_url": webhooks.url("dingtalk"),
            "secret": DINGTALK_SECRET,
            "language": "zh_Hans",
        },
    )

    assert response.status_code == 303
    page = (await client.get(f"/teams/{team.id}/chat")).text
    assert "Kitchen group" in page
    assert DINGTALK_SECRET not in page
    assert "SEC…ef" in html.unescape(page)
    channel = await ChatChannel.get()
    assert (channel.team_id, channel.program_id, channel.language) == (team.id, None, "zh_Hans")
    assert f'href="/teams/{team.id}/chat"' in (await client.get(f"/teams/{team.id}")).text


async def test_a_non_https_address_is_refused_on_the_page(client):
    _, team = await _runner_of_team(client)

    response = await post_form(
        client,
        f"/teams/{team.id}/chat",
        {"kind": "slack", "name": "G", "webhook_url": "http://hooks.slack.com/x", "language": "en"},
    )

    assert response.status_code == 400
    assert "must start with https://" in response.text
    assert await ChatChannel.all().count() == 0


async def test_send_a_test_message_shows_the_platforms_answer(client, webhooks: WebhookServer):
    _, team = await _runner_of_team(client)
    await post_form(
        client,
        f"/teams/{team.id}/chat",
        {"kind": "wecom", "name": "G", "webhook_url": webhooks.url("wecom"), "language": "en"},
    )
    channel = await ChatChannel.get()

    token = await csrf_token(client, f"/teams/{team.id}/chat")
    ok = await client.post(f"/chat/{channel.id}/test", data={"csrf_token": token})
    page = (await client.get(ok.headers["location"])).text
    webhooks.fail = "errcode"
    await client.post(f"/chat/{channel.id}/test", data={"csrf_token": token})
    refused = (await client.get(f"/teams/{team.id}/chat")).text

    assert ok.status_code == 303
    assert "The test message was posted; WeCom group robot answered: ok" in html.unescape(page)
    assert (
        webhooks.received[0].body["markdown"]["content"].startswith("**Test message from opsuite**")
    )
    assert "errcode 93000: invalid webhook url" in refused
    assert (await ChatChannel.get()).last_error == "errcode 93000: invalid webhook url"


async def test_disable_enable_and_remove(client, webhooks):
    _, team = await _runner_of_team(client)
    await post_form(
        client,
        f"/teams/{team.id}/chat",
        {"kind": "slack", "name": "G", "webhook_url": webhooks.url("slack"), "language": "en"},
    )
    channel = await ChatChannel.get()
    token = await csrf_token(client, f"/teams/{team.id}/chat")

    await client.post(f"/chat/{channel.id}/disable", data={"csrf_token": token})
    assert not (await ChatChannel.get()).active
    await client.post(f"/chat/{channel.id}/enable", data={"csrf_token": token})
    assert (await ChatChannel.get()).active
    await client.post(f"/chat/{channel.id}/delete", data={"csrf_token": token})
    assert await ChatChannel.all().count() == 0


async def test_a_manager_who_does_not_run_the_program_may_not_add_a_channel(client, webhooks):
    program = await make_program()
    stranger = await make_user(Role.MANAGER)
    await log_in(client, stranger.email)

    page = await client.get(f"/programs/{program.id}/chat")
    response = await post_form(
        client,
        f"/programs/{program.id}/chat",
        {"kind": "slack", "name": "G", "webhook_url": webhooks.url("slack"), "language": "en"},
        from_page="/me/notifications",
    )

    assert page.status_code == 403
    assert response.status_code == 403
    assert await ChatChannel.all().count() == 0


async def test_the_api_lists_creates_and_deletes_channels(client, webhooks):
    _, team = await _runner_of_team(client)
    token = await csrf_token(client, f"/teams/{team.id}/chat")
    headers = {"X-CSRF-Token": token}
    body = {"kind": "slack", "name": "G", "webhook_url": webhooks.url("slack"), "language": "en"}

    created = await client.post(
        f"/api/v1/teams/{team.id}/chat-channels", json=body, headers=headers
    )
    listed = await client.get(f"/api/v1/teams/{team.id}/chat-channels?per_page=1")
    bad = await client.post(
        f"/api/v1/teams/{team.id}/chat-channels",
        json={**body, "webhook_url": "https://x.example/\u0000"},
        headers=headers,
    )
    wrong_kind = await client.post(
        f"/api/v1/teams/{team.id}/chat-channels", json={**body, "kind": "irc"}, headers=headers
    )
    deleted = await client.delete(f"/api/v1/chat-channels/{created.json()['id']}", headers=headers)

    assert created.status_code == 201, created.text
    assert created.json()["webhook_host"] == "127.0.0.1"
    assert "webhook_url" not in created.json()
    assert listed.json()["total"] == 1
    assert listed.json()["per_page"] == 1
    assert bad.status_code == 400
    assert "control character" in bad.json()["error"]
    assert wrong_kind.status_code == 400
    assert wrong_kind.json()["field"] == "kind"
    assert deleted.status_code == 204
    assert await ChatChannel.all().count() == 0
