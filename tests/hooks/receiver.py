"""A local webhook receiver, written from docs/webhooks.md and nothing of opsuite's code: it
checks ``X-Opsuite-Signature`` with the endpoint's secret, refuses a timestamp more than five
minutes from its own clock, and keeps what it received.

``answers`` is a list of status codes to give, one per request, before answering 200; ``secret``
is the endpoint's (tests set it once the endpoint exists)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tests.smtp import free_port

TOLERANCE_SECONDS = 300


@dataclass
class Received:
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes


@dataclass
class Receiver:
    port: int = 0
    secret: str = ""
    answers: list[int] = field(default_factory=list)
    always: int = 200
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    seconds: Callable[[], float] = time.time

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/opsuite-events"

    def verify(self, header: str, raw: bytes) -> str:
        """Why the signature is refused, or "" when it is good."""
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        if not parts.get("t", "").isdigit() or "v1" not in parts:
            return "malformed signature header"
        if abs(self.seconds() - int(parts["t"])) > TOLERANCE_SECONDS:
            return "timestamp too old"
        signed = parts["t"].encode() + b"." + raw
        expected = hmac.new(self.secret.encode(), signed, hashlib.sha256).hexdigest()
        return "" if hmac.compare_digest(expected, parts["v1"]) else "bad signature"

    async def events(self, request: Request) -> Response:
        raw = await request.body()
        problem = self.verify(request.headers.get("x-opsuite-signature", ""), raw)
        if problem:
            self.refused.append(problem)
            return PlainTextResponse(problem, status_code=400)
        self.received.append(Received(dict(request.headers), json.loads(raw), raw))
        status = self.answers.pop(0) if self.answers else self.always
        return PlainTextResponse("ok" if status < 300 else "receiver broke", status_code=status)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/opsuite-events", self.events, methods=["POST"])])


async def start(receiver: Receiver) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    receiver.port = free_port()
    config = uvicorn.Config(receiver.app(), host="127.0.0.1", port=receiver.port, log_level="error")
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    while not running.started:  # noqa: ASYNC110
        await asyncio.sleep(0.01)  # startup poll, not synchronisation of the test itself
    return running, task
