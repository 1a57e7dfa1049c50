"""One request builder per chat platform, and one reader of each platform's answer.

Formats, from each platform's published webhook documentation:

- WeCom (企业微信) group robot, https://developer.work.weixin.qq.com/document/path/91770:
  ``POST <webhook url>`` with ``{"msgtype": "markdown", "markdown": {"content": ...}}``; the
  content is at most 4096 bytes of UTF-8; a robot takes at most 20 messages a minute; the
  answer is JSON ``{"errcode": 0, "errmsg": "ok"}``, any other errcode is a refusal.
- DingTalk (钉钉) custom robot, https://open.dingtalk.com/document/robots/custom-robot-access
  and https://open.dingtalk.com/document/development/robot-message-type: ``POST`` with
  ``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}``. With the "signed"
  (加签) security setting, ``timestamp`` (milliseconds) + "\\n" + secret is signed with
  HMAC-SHA256 keyed by the secret, base64-encoded, URL-encoded and appended as
  ``&timestamp=...&sign=...``; the timestamp must be within one hour of DingTalk's clock. The
  answer is JSON ``{"errcode": 0, "errmsg": "ok"}`` (310000 is a bad signature or keyword).
- Slack incoming webhooks, https://api.slack.com/messaging/webhooks and
  https://api.slack.com/reference/surfaces/formatting#escaping: ``POST {"text": ...}`` in
  mrkdwn, where only ``&``, ``<`` and ``>`` are escaped (as ``&amp;``, ``&lt;``, ``&gt;``) and
  a link is ``<url|label>``; the answer is the plain body ``ok``. Mattermost and Rocket.Chat
  accept the same ``{"text": ...}`` body (Markdown there; the escaping stays readable).

What we post is plain text from the notice (a shift's title, a time, a coordinator's words),
so each adapter neutralises the platform's markup in it: Slack's three control characters,
and for the two Markdown robots the characters that start markup (* [ ] ` < > anywhere, #
opening a line) are written as their full-width forms (U+FF01 onwards). Neither robot
documents backslash escapes, and a backslash they do not understand would show in the group;
the full-width forms read the same to people, and ``<font ...>`` (WeCom's colour tag) cannot
come out of them.
Long posts are cut on a character boundary with "…", under each platform's limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from urllib.parse import quote_plus

import httpx

WECOM_MAX_BYTES = 4096
DINGTALK_MAX_BYTES = 20_000  # the custom robot's message size limit
SLACK_MAX_CHARS = 4000  # Slack truncates text longer than 40,000; keep posts readable
ELLIPSIS = "…"
KINDS = ("wecom", "dingtalk", "slack")


@dataclass(frozen=True)
class ChatMessage:
    """What a notice says, already in the channel's language: a title, lines, an optional
    link to the page in opsuite."""

    title: str
    lines: tuple[str, ...] = ()
    link: str = ""
    link_label: str = ""


@dataclass(frozen=True)
class ChatRequest:
    url: str
    body: dict[str, object]

    def content(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class ChatAnswer:
    ok: bool
    detail: str  # the platform's own words: "ok", "errcode 93000: invalid webhook url", ...
    retry: bool = True  # worth trying again later (a refusal of the format is not)


def cut_bytes(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` UTF-8 bytes, else its longest prefix that fits with
    "…" after it, cut between characters."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode("utf-8"))
    return raw[:room].decode("utf-8", errors="ignore").rstrip() + ELLIPSIS


def cut_chars(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


_FULL_WIDTH = str.maketrans({"*": "＊", "[": "［", "]": "］", "`": "｀", "<": "＜", ">": "＞"})
_HEADING = re.compile(r"^(\s*)#")


def escape_markdown(text: str) -> str:
    """Plain text for the WeCom and DingTalk Markdown robots: no emphasis, links, headings,
    quotes or HTML-like tags can come out of it, and every line stays one line."""
    text = text.replace("\r", " ").replace("\n", " ").translate(_FULL_WIDTH)
    return _HEADING.sub(r"\1＃", text)


def escape_slack(text: str) -> str:
    """Slack mrkdwn's control characters (Slack's formatting reference, "Escaping text")."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _markdown(message: ChatMessage, *, limit: int, title_format: str) -> str:
    title = title_format.format(escape_markdown(cut_chars(message.title, 200)))
    tail = ""
    if message.link:
        label = escape_markdown(message.link_label or message.link)
        tail = f"\n\n[{label}]({message.link})"
    body = "\n\n".join(escape_markdown(line) for line in message.lines)
    text = f"{title}\n\n{body}" if body else title
    # The link survives a cut: it is what the group needs to act on.
    return cut_bytes(text, limit - len(tail.encode("utf-8"))) + tail


def wecom_request(url: str, message: ChatMessage) -> ChatRequest:
    content = _markdown(message, limit=WECOM_MAX_BYTES, title_format="**{}**")
    return ChatRequest(url=url, body={"msgtype": "markdown", "markdown": {"content": content}})


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's ``sign`` parameter, already URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def dingtalk_request(
    url: str, message: ChatMessage, *, secret: str, timestamp_ms: int
) -> ChatRequest:
    if secret:
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
    title = cut_chars(message.title.replace("\n", " "), 64)  # shown in the chat list
    text = _markdown(message, limit=DINGTALK_MAX_BYTES, title_format="### {}")
    return ChatRequest(
        url=url, body={"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    )


def slack_request(url: str, message: ChatMessage) -> ChatRequest:
    tail = ""
    if message.link:
        label = escape_slack(message.link_label or message.link).replace("|", "¦")
        tail = f"\n<{message.link}|{label}>"
    lines = [f"*{escape_slack(message.title)}*", *(escape_slack(line) for line in message.lines)]
    text = cut_chars("\n".join(lines), SLACK_MAX_CHARS - len(tail)) + tail
    return ChatRequest(url=url, body={"text": text})


def read_answer(kind: str, status: int, body: bytes) -> ChatAnswer:
    """What the platform said: success, or a failure in its own words."""
    text = body.decode("utf-8", errors="replace").strip()
    if status >= 400:
        # 4xx other than a rate limit is a refusal that will not change by waiting, 5xx may.
        retry = status >= 500 or status == 429
        return ChatAnswer(False, f"HTTP {status}: {text[:300]}", retry=retry)
    if kind == "slack":
        return ChatAnswer(text == "ok", text[:300] or f"HTTP {status}")
    try:
        answer = json.loads(text)
        code = int(answer.get("errcode", -1))
        words = str(answer.get("errmsg", ""))
    except (ValueError, AttributeError, TypeError):
        return ChatAnswer(False, f"HTTP {status}: {text[:300]}")
    if code == 0:
        return ChatAnswer(True, words or "ok")
    return ChatAnswer(False, f"errcode {code}: {words}"[:300])


async def post(client: httpx.AsyncClient, kind: str, request: ChatRequest) -> ChatAnswer:
    """Send one request and read the answer; a timeout or a broken connection is a failure
    worth retrying, never an exception."""
    try:
        response = await client.post(
            request.url,
            content=request.content(),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
    except httpx.TimeoutException:
        return ChatAnswer(False, "timed out")
    except httpx.HTTPError as error:
        return ChatAnswer(False, f"{type(error).__name__}: {error}"[:300])
    return read_answer(kind, response.status_code, response.content)
