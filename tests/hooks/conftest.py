from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from opsuite import clock
from tests.hooks.receiver import Receiver, start


@pytest.fixture(scope="session")
async def receiver_session() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    running, task = await start(receiver)
    yield receiver
    running.should_exit = True
    await task


@pytest.fixture
def receiver(receiver_session: Receiver) -> Receiver:
    """The receiver, emptied, on opsuite's (settable) clock."""
    receiver_session.received.clear()
    receiver_session.refused.clear()
    receiver_session.answers.clear()
    receiver_session.always = 200
    receiver_session.secret = ""
    receiver_session.seconds = lambda: clock.now().timestamp()
    return receiver_session
