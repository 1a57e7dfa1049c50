"""Each platform's request, checked by a local server that reads it as the platform would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse

import httpx

from opsuite.chat import adapters
from opsuite.chat.adapters import ChatMessage
from tests.chat.webhooks import DINGTALK_SECRET, WebhookServer

MESSAGE = ChatMessage(
    title="Shift cancelled: Food bank <sorting> & packing",
    lines=("Sat 7 Dec, 09:00–12:00 (Asia/Shanghai)", "**not bold** [not a link](x) <font>"),
    link="https://opsuite.example.org/shifts/7",
    link_label="Open the shift",
)


def _now_ms() -> int:
    return int(time.time() * 1000)


async def _post(kind: str, request: adapters.ChatRequest) -> adapters.ChatAnswer:
    async with httpx.AsyncClient(timeout=2.0) as client:
        return await adapters.post(client, kind, request)


async def test_wecom_posts_markdown_the_robot_accepts(webhooks: WebhookServer):
    answer = await _post("wecom", adapters.wecom_request(webhooks.url("wecom"), MESSAGE))

    assert answer.ok, answer
    assert answer.detail == "ok"
    assert not webhooks.problems
    content = webhooks.received[0].body["markdown"]["content"]
    assert content.startswith("**Shift cancelled: Food bank ＜sorting＞ & packing**")
    assert "＊＊not bold＊＊ ［not a link］(x) ＜font＞" in content
    assert "\\" not in content  # no backslash escapes: the robots would show them
    assert content.endswith("[Open the shift](https://opsuite.example.org/shifts/7)")


async def test_wecom_cuts_a_long_post_under_4096_bytes_and_keeps_the_link(
    webhooks: WebhookServer,
):
    long = ChatMessage(title="长", lines=("志愿者" * 3000,), link="https://x.example/1")
    request = adapters.wecom_request(webhooks.url("wecom"), long)
    answer = await _post("wecom", request)

    content = request.body["markdown"]["content"]  # type: ignore[index]
    assert answer.ok, answer
    assert len(content.encode("utf-8")) <= 4096
    assert "…\n\n[https://x.example/1](https://x.example/1)" in content
    content.encode("utf-8").decode("utf-8")  # cut between characters


async def test_dingtalk_signs_the_url_and_the_server_recomputes_it(webhooks: WebhookServer):
    request = adapters.dingtalk_request(
        webhooks.url("dingtalk"), MESSAGE, secret=DINGTALK_SECRET, timestamp_ms=_now_ms()
    )
    answer = await _post("dingtalk", request)

    assert answer.ok, (answer, webhooks.problems)
    received = webhooks.received[0]
    assert received.query["access_token"] == "test-token"
    assert received.body["markdown"]["title"].startswith("Shift cancelled")
    assert received.body["markdown"]["text"].startswith("### Shift cancelled")


async def test_dingtalk_refuses_a_wrong_secret_and_an_old_timestamp(webhooks: WebhookServer):
    wrong = adapters.dingtalk_request(
        webhooks.url("dingtalk"), MESSAGE, secret="SECwrong", timestamp_ms=_now_ms()
    )
    old = adapters.dingtalk_request(
        webhooks.url("dingtalk"),
        MESSAGE,
        secret=DINGTALK_SECRET,
        timestamp_ms=_now_ms() - 2 * 3600 * 1000,
    )

    first, second = await _post("dingtalk", wrong), await _post("dingtalk", old)

    assert not first.ok
    assert first.detail == "errcode 310000: sign not match"
    assert not second.ok
    assert "1 hour" in second.detail


def test_dingtalk_sign_matches_the_documented_recipe():
    # DingTalk's Python example, written out: quote_plus(b64encode(HMAC-SHA256(secret, ts\nsecret)))
    digest = hmac.new(b"this is secret", b"1577808000000\nthis is secret", hashlib.sha256)
    expected = urllib.parse.quote_plus(base64.b64encode(digest.digest()))
    assert adapters.dingtalk_sign("this is secret", 1577808000000) == expected


async def test_slack_escapes_its_control_characters_and_links_with_a_label(
    webhooks: WebhookServer,
):
    request = adapters.slack_request(webhooks.url("slack"), MESSAGE)
    answer = await _post("slack", request)

    assert answer.ok, (answer, webhooks.problems)
    assert answer.detail == "ok"
    text = webhooks.received[0].body["text"]
    assert text.startswith("*Shift cancelled: Food bank &lt;sorting&gt; &amp; packing*\n")
    assert text.endswith("\n<https://opsuite.example.org/shifts/7|Open the shift>")
    assert set(webhooks.received[0].body) == {"text"}


async def test_slack_cuts_a_long_post_cleanly():
    long = ChatMessage(title="t", lines=("& " * 5000,))
    text = adapters.slack_request("https://hooks.slack.com/x", long).body["text"]
    assert isinstance(text, str)
    assert len(text) <= adapters.SLACK_MAX_CHARS
    assert text.endswith("…")
    assert not text.endswith("&…")


async def test_failures_carry_the_platforms_words(webhooks: WebhookServer):
    webhooks.fail = "errcode"
    refused = await _post("wecom", adapters.wecom_request(webhooks.url("wecom"), MESSAGE))
    webhooks.fail = "500"
    broken = await _post("slack", adapters.slack_request(webhooks.url("slack"), MESSAGE))

    assert not refused.ok
    assert refused.detail == "errcode 93000: invalid webhook url"
    assert not broken.ok
    assert broken.retry
    assert broken.detail == "HTTP 500: internal error"


async def test_a_timeout_is_a_failure_worth_retrying(webhooks: WebhookServer):
    webhooks.fail = "hang"
    async with httpx.AsyncClient(timeout=0.2) as client:
        answer = await adapters.post(
            client, "slack", adapters.slack_request(webhooks.url("slack"), MESSAGE)
        )
    assert not answer.ok
    assert answer.retry
    assert answer.detail == "timed out"


def test_read_answer_on_a_non_json_body():
    answer = adapters.read_answer("wecom", 200, b"<html>proxy</html>")
    assert not answer.ok
    assert answer.detail.startswith("HTTP 200")
    assert adapters.read_answer("slack", 200, b"invalid_token").detail == "invalid_token"
    assert json.loads(adapters.ChatRequest("u", {"a": "中"}).content()) == {"a": "中"}


def test_markdown_escaping_keeps_text_readable_without_markup():
    assert adapters.escape_markdown("# Big `code` > quote") == "＃ Big ｀code｀ ＞ quote"
    assert adapters.escape_markdown("a\nb\r") == "a b "
