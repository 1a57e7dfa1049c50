"""A program's and a team's notices reach their chat channels through the queue: formats
checked by the local platform server, retries and failures recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.chat import service as chat
from opsuite.chat.models import ChatChannel, ChatPost, PostStatus
from opsuite.errors import FieldErrors
from opsuite.meetings.models import Meeting, Visibility
from opsuite.meetings.service.meetings import cancel_meeting
from opsuite.shifts.planning import cancel_shift, message_shift
from tests.chat.webhooks import DINGTALK_SECRET, WebhookServer
from tests.conftest import make_settings
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_team
from tests.factories.shifts import make_opportunity, make_shift, manager_of


@pytest.fixture
def platform_clock(webhooks: WebhookServer, frozen_clock):
    webhooks.seconds = lambda: clock.now().timestamp()
    return webhooks


async def _channel(owner, kind: str, webhooks: WebhookServer, settings, **overrides):
    manager = overrides.pop("actor")
    return await chat.create_channel(
        manager,
        owner,
        kind=kind,
        name=overrides.get("name", f"{kind} group"),
        webhook_url=webhooks.url(kind),
        secret=DINGTALK_SECRET if kind == "dingtalk" else "",
        language=overrides.get("language", "en"),
        settings=settings,
    )


async def _program_with_channels(webhooks, settings):
    opportunity = await make_opportunity(title="Food bank sorter")
    manager = await manager_of(opportunity)
    program = await opportunity.program
    for kind in ("wecom", "dingtalk", "slack"):
        await _channel(program, kind, webhooks, settings, actor=manager)
    shift = await make_shift(
        opportunity, starts_at=clock.now() + timedelta(days=2), location="Hall <B> & yard"
    )
    return manager, shift


async def test_a_cancelled_shift_is_posted_to_each_channel_of_its_program(platform_clock, settings):
    webhooks = platform_clock
    manager, shift = await _program_with_channels(webhooks, settings)

    await cancel_shift(manager, shift, reason="Storm", settings=settings)
    sent = await chat.dispatch(settings)

    assert sent == 3
    assert not webhooks.problems
    assert sorted(r.kind for r in webhooks.received) == ["dingtalk", "slack", "wecom"]
    slack = next(r for r in webhooks.received if r.kind == "slack").body["text"]
    assert slack.startswith("*Shift cancelled: Food bank sorter*")
    assert "Place: Hall &lt;B&gt; &amp; yard" in slack
    assert f"/shifts/{shift.id}|Open in opsuite>" in slack
    assert "@" not in slack  # no email address
    assert await ChatPost.filter(status=PostStatus.SENT).count() == 3
    assert all(c.last_ok_at for c in await ChatChannel.all())
    assert await chat.dispatch(settings) == 0  # sent once


async def test_a_coordinators_message_goes_with_its_subject_and_text_in_chinese(
    platform_clock, settings
):
    webhooks = platform_clock
    opportunity = await make_opportunity(title="Sorter")
    manager = await manager_of(opportunity)
    await _channel(
        await opportunity.program, "wecom", webhooks, settings, actor=manager, language="zh_Hans"
    )
    shift = await make_shift(opportunity, starts_at=clock.now() + timedelta(days=1))

    await message_shift(
        manager, shift, subject="Bring gloves", body="Line one\nLine two", settings=settings
    )
    await chat.dispatch(settings)

    content = webhooks.received[0].body["markdown"]["content"]
    assert content.startswith("**班次消息")
    assert "Bring gloves" in content
    assert "Line one\n\nLine two" in content


async def test_team_meetings_are_posted_unless_only_attendees_see_them(platform_clock, settings):
    webhooks = platform_clock
    manager = await make_user(Role.MANAGER)
    team = await make_team(manager=manager)
    await _channel(team, "dingtalk", webhooks, settings, actor=manager)
    start = clock.now() + timedelta(days=3)

    await make_meeting(
        settings=settings, organizer=manager, starts_at=start, title="Plan", team_id=team.id
    )
    await make_meeting(
        settings=settings,
        organizer=manager,
        starts_at=start,
        title="Private",
        team_id=team.id,
        visibility=Visibility.ATTENDEES,
    )
    await chat.dispatch(settings)
    plan = await Meeting.get(title="Plan").prefetch_related("organizer")
    await cancel_meeting(manager, plan, settings=settings)
    await chat.dispatch(settings)

    titles = [r.body["markdown"]["title"] for r in webhooks.received]
    assert titles == ["Meeting scheduled: Plan", "Meeting cancelled: Plan"]
    assert not webhooks.problems


@pytest.mark.parametrize(
    ("fail", "words"),
    [("errcode", "errcode 93000: invalid webhook url"), ("500", "HTTP 500: internal error")],
)
async def test_a_refused_post_is_retried_later_and_the_answer_recorded(
    platform_clock, settings, fail, words
):
    webhooks = platform_clock
    manager, shift = await _program_with_channels(webhooks, settings)
    await ChatChannel.filter(kind__in=["dingtalk", "slack"]).delete()
    webhooks.fail = fail

    await cancel_shift(manager, shift, reason="", settings=settings)
    assert await chat.dispatch(settings) == 0

    post = await ChatPost.get()
    channel = await ChatChannel.get()
    assert post.status == PostStatus.PENDING
    assert post.attempts == 1
    assert post.last_error == words
    assert post.next_try_at == clock.now() + timedelta(minutes=1)
    assert channel.last_error == words
    assert await chat.dispatch(settings) == 0  # not due yet: nothing sent again

    webhooks.fail = ""
    clock.advance(timedelta(minutes=1))
    assert await chat.dispatch(settings) == 1
    assert (await ChatPost.get()).status == PostStatus.SENT
    assert (await ChatChannel.get()).last_error == ""


async def test_a_timeout_is_retried_and_a_channel_out_of_tries_fails(platform_clock, settings):
    webhooks = platform_clock
    manager, shift = await _program_with_channels(webhooks, settings)
    await ChatChannel.filter(kind__in=["wecom", "dingtalk"]).delete()
    await cancel_shift(manager, shift, reason="", settings=settings)
    webhooks.fail = "hang"

    for _ in range(settings.scheduler.max_attempts):
        await chat.dispatch(settings, wait_seconds=0.2)
        clock.advance(timedelta(hours=7))

    post = await ChatPost.get()
    assert post.status == PostStatus.FAILED
    assert post.attempts == settings.scheduler.max_attempts
    assert post.last_error == "timed out"


async def test_a_disabled_channel_gets_nothing_until_enabled(platform_clock, settings):
    webhooks = platform_clock
    manager, shift = await _program_with_channels(webhooks, settings)
    await ChatChannel.filter(kind__in=["wecom", "dingtalk"]).delete()
    channel = await ChatChannel.get()
    await chat.disable_channel(manager, channel)

    await cancel_shift(manager, shift, reason="", settings=settings)
    await chat.dispatch(settings)

    assert webhooks.received == []
    assert await ChatPost.all().count() == 0  # a disabled channel is not posted to at all


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("webhook_url", {"webhook_url": "http://hooks.example.org/x"}),
        ("webhook_url", {"webhook_url": "https://hooks.example.org/\x00x"}),
        ("webhook_url", {"webhook_url": "https://hooks.example.org/a\nb"}),
        ("name", {"name": "n" * 101}),
        ("name", {"name": "two\nlines"}),
        ("kind", {"kind": "telegram"}),
        ("secret", {"kind": "slack", "secret": "SECabc"}),
        ("language", {"language": "fr"}),
    ],
)
async def test_bad_channels_are_refused_and_nothing_is_saved(settings, field, overrides):
    manager = await make_user(Role.MANAGER)
    team = await make_team(manager=manager)
    values = {
        "kind": "wecom",
        "name": "Group",
        "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "secret": "",
        "language": "en",
        **overrides,
    }
    with pytest.raises(FieldErrors) as refused:
        await chat.create_channel(manager, team, **values, settings=settings)
    assert field in refused.value.errors
    assert await ChatChannel.all().count() == 0


async def test_one_run_posts_at_most_ten_to_a_channel_under_wecoms_rate_limit(
    platform_clock, settings
):
    webhooks = platform_clock
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    channel = await _channel(await opportunity.program, "wecom", webhooks, settings, actor=manager)
    for n in range(12):
        await chat.enqueue(
            channel, event="test", key=f"n{n}", title=f"Notice {n}", lines=[], link=""
        )

    first = await chat.dispatch(settings)
    clock.advance(timedelta(seconds=30))
    second = await chat.dispatch(settings)

    assert (first, second) == (10, 2)
    assert len(webhooks.received) == 12


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://10.1.2.3/x",
        "https://192.168.0.7/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://localhost/x",
    ],
)
async def test_a_private_or_local_host_is_refused_unless_allowed(instance_dir, url):
    strict = make_settings(instance_dir, integrations={"allow_private_hosts": False})
    manager = await make_user(Role.MANAGER)
    team = await make_team(manager=manager)
    values = {"kind": "slack", "name": "G", "webhook_url": url, "secret": "", "language": "en"}

    with pytest.raises(FieldErrors) as refused:
        await chat.create_channel(manager, team, **values, settings=strict)

    assert "private or local network" in refused.value.errors["webhook_url"]
    assert await ChatChannel.all().count() == 0


async def test_a_channel_saved_while_allowed_is_not_posted_to_once_refused(
    webhooks: WebhookServer, instance_dir, settings
):
    opportunity = await make_opportunity()
    manager = await manager_of(opportunity)
    channel = await _channel(await opportunity.program, "slack", webhooks, settings, actor=manager)
    await chat.enqueue(channel, event="test", key="n", title="Notice", lines=[], link="")
    strict = make_settings(instance_dir, integrations={"allow_private_hosts": False})

    assert await chat.dispatch(strict) == 0

    assert webhooks.received == []
    post = await ChatPost.get()
    assert post.status == PostStatus.FAILED
    assert "private or local network" in post.last_error
