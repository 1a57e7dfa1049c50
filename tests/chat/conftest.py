from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from tests.chat.webhooks import WebhookServer, start


@pytest.fixture(scope="session")
async def webhook_session() -> AsyncIterator[WebhookServer]:
    server = WebhookServer()
    running, task = await start(server)
    yield server
    server.hang.set()
    running.should_exit = True
    await task


@pytest.fixture
def webhooks(webhook_session: WebhookServer) -> WebhookServer:
    webhook_session.fail = ""
    webhook_session.seconds = time.time
    webhook_session.received.clear()
    webhook_session.problems.clear()
    webhook_session.hang.set()  # release a request the last test left hanging
    webhook_session.hang = asyncio.Event()
    return webhook_session
