"""Chat channels: add, test, disable and remove them; queue a team's or a program's notices
for them; send what is due.

Why a queue of our own (``chat_posts``) rather than the mail outbox: the outbox row *is* an
email (recipient address, subject, text and HTML bodies, iCalendar part, List-Unsubscribe,
Message-ID) and its dispatcher is an SMTP pipeline (two kept-open connections, grouped outcome
writes). A webhook post has none of that; carrying it there would mean a second transport
inside every step of the dispatcher. The posts share the outbox's leased queue instead
(``opsuite.notify.queue``): one row per (notice, channel) with a unique dedupe key, claimed
by a conditional UPDATE with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), retried with
the outbox's back-off (1, 2, 4 ... minutes, at most six hours) up to
``scheduler.max_attempts``, then failed. The channel
keeps the platform's last answer (``last_error``, ``last_ok_at``) for its managers.

Posts carry what the group already sees in opsuite (a shift's role, time and place, a
coordinator's message to it, a team meeting's title and time), never an email or a phone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
from tortoise.expressions import F

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.chat import adapters
from opsuite.chat.adapters import ChatAnswer, ChatMessage
from opsuite.chat.models import ChatChannel, ChatKind, ChatPost, PostStatus
from opsuite.errors import FieldErrors, NotFound
from opsuite.notify.queue import LeasedQueue
from opsuite.notify.service import backoff
from opsuite.people.models import Program, Team
from opsuite.settings import LOCALES
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import use_locale
from opsuite.web.outbound import host_problem
from opsuite.web.text import has_control, is_web_link

if TYPE_CHECKING:
    from opsuite.auth.models import User
    from opsuite.settings import Settings

MAX_NAME = 100
MAX_SECRET = 200
TIMEOUT_SECONDS = 10.0
BATCH_SIZE = 50
# WeCom allows 20 messages a minute per robot; the dispatcher runs every 30 s by default, so
# at most 10 posts per channel per run keeps every platform under that.
PER_CHANNEL_PER_RUN = 10
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _url_problem(url: str, settings: Settings) -> str | None:
    if not url:
        return _("Enter the webhook address the platform gave you.")
    if not is_web_link(url):
        return _("Enter one web address, without spaces or control characters.")
    parts = urlsplit(url)
    if parts.scheme.lower() == "https":
        return None
    if not settings.is_production and (parts.hostname or "") in LOOPBACK:
        return None  # a local test server outside production
    return _("The webhook address must start with https://.")


async def check_channel(
    *, kind: str, name: str, webhook_url: str, secret: str, language: str, settings: Settings
) -> dict[str, str]:
    """The fields of a channel, cleaned. Raises FieldErrors naming each field at fault."""
    name, webhook_url, secret = name.strip(), webhook_url.strip(), secret.strip()
    errors: dict[str, str] = {}
    if kind not in {k.value for k in ChatKind}:
        errors["kind"] = _("Choose WeCom, DingTalk or Slack-compatible.")
    if not name or len(name) > MAX_NAME or has_control(name):
        errors["name"] = _("Enter a name of at most %(n)s characters, on one line.", n=MAX_NAME)
    if problem := _url_problem(webhook_url, settings) or await host_problem(
        webhook_url, allow_private=settings.integrations.allow_private_hosts
    ):
        errors["webhook_url"] = problem
    if len(secret) > MAX_SECRET or has_control(secret):
        errors["secret"] = _("The secret is at most %(n)s characters, on one line.", n=MAX_SECRET)
    elif secret and kind != ChatKind.DINGTALK:
        errors["secret"] = _("Only a DingTalk robot has a signing secret.")
    if language not in LOCALES:
        errors["language"] = _("Choose English or Simplified Chinese.")
    if errors:
        raise FieldErrors(errors)
    return {
        "kind": kind,
        "name": name,
        "webhook_url": webhook_url,
        "secret": secret,
        "language": language,
    }


async def create_channel(
    actor: User,
    owner: Team | Program,
    *,
    kind: str,
    name: str,
    webhook_url: str,
    secret: str,
    language: str,
    settings: Settings,
) -> ChatChannel:
    """Add a channel to a team or a program. Raises PermissionDenied or FieldErrors."""
    await authorize(actor, Cap.MANAGE, owner)
    fields = await check_channel(
        kind=kind,
        name=name,
        webhook_url=webhook_url,
        secret=secret,
        language=language,
        settings=settings,
    )
    channel = await ChatChannel.create(
        kind=fields["kind"],
        name=fields["name"],
        webhook_url=fields["webhook_url"],
        secret=fields["secret"],
        language=fields["language"],
        team_id=owner.id if isinstance(owner, Team) else None,
        program_id=owner.id if isinstance(owner, Program) else None,
        created_by=actor,
        created_at=clock.now(),
    )
    await record(actor, "chat.channel.created", channel, kind=kind, name=channel.name)
    return channel


async def list_channels(
    owner: Team | Program, *, offset: int = 0, limit: int = 50
) -> tuple[list[ChatChannel], int]:
    query = ChatChannel.filter(
        **({"team_id": owner.id} if isinstance(owner, Team) else {"program_id": owner.id})
    )
    return await query.offset(offset).limit(limit), await query.count()


async def get_channel(channel_id: int) -> ChatChannel:
    """Raises NotFound."""
    channel = await ChatChannel.get_or_none(id=channel_id)
    if channel is None:
        raise NotFound(_("No such chat channel."))
    return channel


async def owner_of(channel: ChatChannel) -> Team | Program:
    if channel.team_id is not None:
        return await Team.get(id=channel.team_id)
    return await Program.get(id=channel.program_id)


async def _authorize(actor: User, channel: ChatChannel) -> Team | Program:
    owner = await owner_of(channel)
    await authorize(actor, Cap.MANAGE, owner)
    return owner


async def disable_channel(actor: User, channel: ChatChannel) -> ChatChannel:
    """Stop posting to a channel (waiting posts are kept). Raises PermissionDenied."""
    await _authorize(actor, channel)
    channel.active = False
    await channel.save(update_fields=["active"])
    await record(actor, "chat.channel.disabled", channel, name=channel.name)
    return channel


async def enable_channel(actor: User, channel: ChatChannel) -> ChatChannel:
    """Raises PermissionDenied."""
    await _authorize(actor, channel)
    channel.active = True
    await channel.save(update_fields=["active"])
    await record(actor, "chat.channel.enabled", channel, name=channel.name)
    return channel


async def delete_channel(actor: User, channel: ChatChannel) -> None:
    """Remove a channel and its waiting posts. Raises PermissionDenied."""
    await _authorize(actor, channel)
    await record(actor, "chat.channel.deleted", channel, name=channel.name)
    await channel.delete()


def request_for(channel: ChatChannel, message: ChatMessage) -> adapters.ChatRequest:
    if channel.kind == ChatKind.WECOM:
        return adapters.wecom_request(channel.webhook_url, message)
    if channel.kind == ChatKind.DINGTALK:
        now_ms = int(clock.now().timestamp() * 1000)
        return adapters.dingtalk_request(
            channel.webhook_url, message, secret=channel.secret, timestamp_ms=now_ms
        )
    return adapters.slack_request(channel.webhook_url, message)


async def _note_answer(channel: ChatChannel, answer: ChatAnswer) -> None:
    if answer.ok:
        await ChatChannel.filter(id=channel.id).update(last_ok_at=clock.now(), last_error="")
    else:
        await ChatChannel.filter(id=channel.id).update(last_error=answer.detail)


async def send_test(
    actor: User, channel: ChatChannel, *, wait_seconds: float = TIMEOUT_SECONDS
) -> ChatAnswer:
    """Post a test message now and return the platform's answer. Raises PermissionDenied."""
    await _authorize(actor, channel)
    with use_locale(channel.language):
        message = ChatMessage(
            title=_("Test message from opsuite"),
            lines=(
                _(
                    "This channel (%(name)s) will receive its team's or program's notices.",
                    name=channel.name,
                ),
            ),
        )
    async with httpx.AsyncClient(timeout=wait_seconds) as client:
        answer = await adapters.post(client, channel.kind, request_for(channel, message))
    await _note_answer(channel, answer)
    await record(actor, "chat.channel.tested", channel, ok=answer.ok)
    return answer


async def enqueue(
    channel: ChatChannel, *, event: str, key: str, title: str, lines: list[str], link: str
) -> None:
    """Queue one post (once per ``key`` and channel: a repeat of the event adds nothing)."""
    now = clock.now()
    await ChatPost.get_or_create(
        dedupe_key=f"{key}:{channel.id}",
        defaults={
            "channel_id": channel.id,
            "event": event,
            "title": title[:300],
            "lines": lines,
            "link": link[:500],
            "next_try_at": now,
            "created_at": now,
        },
    )


# Oldest due first (opsuite.notify.queue, shared with the mail outbox).
POSTS = LeasedQueue(ChatPost, ("next_try_at", "id"))


async def _claim_due(limit: int) -> tuple[str, list[ChatPost]]:
    """Take due posts for this process in one statement, as the mail outbox does; posts whose
    lease ran out (their process died) are handed back first."""
    return await POSTS.claim(limit)


async def _finish(post: ChatPost, answer: ChatAnswer, *, max_attempts: int) -> None:
    now = clock.now()
    held = ChatPost.filter(id=post.id, claim_token=post.claim_token, status=PostStatus.SENDING)
    if answer.ok:
        await held.update(
            status=PostStatus.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
        )
        return
    attempts = post.attempts + 1
    if answer.retry and attempts < max_attempts:
        await held.update(
            status=PostStatus.PENDING,
            attempts=attempts,
            next_try_at=now + backoff(attempts),
            last_error=answer.detail,
            claim_token="",  # nosec B106
        )
    else:
        await held.update(status=PostStatus.FAILED, attempts=attempts, last_error=answer.detail)


def message_of(post: ChatPost, channel: ChatChannel, settings: Settings) -> ChatMessage:
    link = f"{settings.server.base_url.rstrip('/')}{post.link}" if post.link else ""
    with use_locale(channel.language):
        label = _("Open in opsuite")
    return ChatMessage(title=post.title, lines=tuple(post.lines), link=link, link_label=label)


async def dispatch(settings: Settings, *, wait_seconds: float = TIMEOUT_SECONDS) -> int:
    """Send the due posts, one claim of ``BATCH_SIZE``; returns how many were accepted.
    A failure is recorded on its post and its channel; one bad channel never stops a run."""
    token, posts = await _claim_due(BATCH_SIZE)
    if not posts:
        return 0
    channels = {c.id: c for c in await ChatChannel.filter(id__in={p.channel_id for p in posts})}
    sent, per_channel = 0, dict.fromkeys(channels, 0)
    allow = settings.integrations.allow_private_hosts
    refused = {
        c.id: ChatAnswer(ok=False, detail=problem, retry=False)
        for c in channels.values()
        if (problem := await host_problem(c.webhook_url, allow_private=allow))
    }
    later = False
    async with httpx.AsyncClient(timeout=wait_seconds) as client:
        for post in posts:
            channel = channels[post.channel_id]
            if not channel.active or per_channel[channel.id] >= PER_CHANNEL_PER_RUN:
                later = True
                continue
            per_channel[channel.id] += 1
            answer = refused.get(channel.id) or await adapters.post(
                client, channel.kind, request_for(channel, message_of(post, channel, settings))
            )
            await _finish(post, answer, max_attempts=settings.scheduler.max_attempts)
            await _note_answer(channel, answer)
            sent += answer.ok
    if later:
        # A disabled channel's posts wait for it; a busy one's go in the next run.
        await POSTS.release(token, next_try_at=clock.now() + timedelta(seconds=30))
    return sent
