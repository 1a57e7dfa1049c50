"""A local stand-in for the WeCom, DingTalk and Slack-compatible webhooks: a small Starlette app
on a free loopback port that checks each platform's format (and DingTalk's signature) the way
the platform documents it, answers in the platform's words, and keeps what it received.

``server.fail`` makes the next requests fail: ``"errcode"`` (WeCom/DingTalk answer errcode
93000), ``"500"`` (an HTTP 500), ``"hang"`` (no answer until the test ends: a timeout)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

DINGTALK_SECRET = "SEC0123456789abcdef0123456789abcdef"
# A Slack text may hold "<" only as the start of a link or a mention, "&" only in an entity.
_SLACK_BAD = re.compile(r"<(?!https?://[^<>|\s]+\|[^<>]*>)|&(?!amp;|lt;|gt;)")


@dataclass
class Received:
    kind: str
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class WebhookServer:
    port: int = 0
    fail: str = ""
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    hang: asyncio.Event = field(default_factory=asyncio.Event)
    # The platform's clock (DingTalk refuses a timestamp over an hour away from it); tests
    # with a frozen opsuite clock make it agree.
    seconds: Callable[[], float] = time.time

    def url(self, kind: str) -> str:
        return {
            "wecom": f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=test-key",
            "dingtalk": f"http://127.0.0.1:{self.port}/robot/send?access_token=test-token",
            "slack": f"http://127.0.0.1:{self.port}/services/T000/B000/XXXX",
        }[kind]

    async def _failure(self) -> Response | None:
        if self.fail == "500":
            return PlainTextResponse("internal error", status_code=500)
        if self.fail == "hang":
            await self.hang.wait()
            return PlainTextResponse("too late", status_code=504)
        return None

    async def wecom(self, request: Request) -> Response:
        body = json.loads(await request.body())
        problem = _wecom_problem(body)
        self.received.append(Received("wecom", dict(request.query_params), body))
        if failed := await self._failure():
            return failed
        if self.fail == "errcode":
            return JSONResponse({"errcode": 93000, "errmsg": "invalid webhook url"})
        if problem:
            self.problems.append(problem)
            return JSONResponse({"errcode": 40008, "errmsg": problem})
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    async def dingtalk(self, request: Request) -> Response:
        body = json.loads(await request.body())
        query = dict(request.query_params)
        problem = _dingtalk_signature_problem(
            request.url.query, self.seconds()
        ) or _dingtalk_problem(body)
        self.received.append(Received("dingtalk", query, body))
        if failed := await self._failure():
            return failed
        if self.fail == "errcode":
            return JSONResponse({"errcode": 93000, "errmsg": "invalid webhook url"})
        if problem:
            self.problems.append(problem)
            return JSONResponse({"errcode": 310000, "errmsg": problem})
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    async def slack(self, request: Request) -> Response:
        body = json.loads(await request.body())
        self.received.append(Received("slack", {}, body))
        if failed := await self._failure():
            return failed
        text = body.get("text")
        if not isinstance(text, str) or not text or _SLACK_BAD.search(text):
            self.problems.append(f"unescaped slack text: {text!r}")
            return PlainTextResponse("invalid_payload", status_code=400)
        if self.fail == "errcode":
            return PlainTextResponse("no_service", status_code=404)
        return PlainTextResponse("ok")

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/cgi-bin/webhook/send", self.wecom, methods=["POST"]),
                Route("/robot/send", self.dingtalk, methods=["POST"]),
                Route("/services/{rest:path}", self.slack, methods=["POST"]),
            ]
        )


def _wecom_problem(body: dict[str, Any]) -> str:
    if body.get("msgtype") != "markdown" or set(body) != {"msgtype", "markdown"}:
        return "msgtype must be markdown"
    content = body["markdown"].get("content")
    if not isinstance(content, str) or not content:
        return "markdown.content missing"
    if len(content.encode("utf-8")) > 4096:
        return "markdown.content exceeds 4096 bytes"
    return ""


def _dingtalk_problem(body: dict[str, Any]) -> str:
    markdown = body.get("markdown") or {}
    if body.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
        return "msgtype markdown needs title and text"
    return ""


def _dingtalk_signature_problem(raw_query: str, now: float) -> str:
    # Read the raw query: the sign must arrive URL-encoded, exactly as DingTalk documents.
    parts = dict(p.split("=", 1) for p in raw_query.split("&") if "=" in p)
    if "timestamp" not in parts or "sign" not in parts:
        return "sign not match: timestamp and sign missing"
    timestamp = int(parts["timestamp"])
    if abs(now * 1000 - timestamp) > 3600 * 1000:
        return "sign not match: timestamp more than 1 hour away"
    to_sign = f"{timestamp}\n{DINGTALK_SECRET}".encode()
    expected = base64.b64encode(
        hmac.new(DINGTALK_SECRET.encode(), to_sign, hashlib.sha256).digest()
    ).decode()
    if unquote_plus(parts["sign"]) != expected:
        return "sign not match"
    return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start(server: WebhookServer) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    server.port = free_port()
    config = uvicorn.Config(server.app(), host="127.0.0.1", port=server.port, log_level="error")
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    # uvicorn.Server offers a flag, not an event, to wait on.
    while not running.started:  # noqa: ASYNC110
        await asyncio.sleep(0.01)  # startup poll, not synchronisation of the test itself
    return running, task
