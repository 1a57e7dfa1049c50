""" "Forgot password" answers a known address exactly as an unknown one, and as quickly: the
look-up, the link and the email all happen after the answer is sent (through the outbox)."""

from __future__ import annotations

import httpx
from tortoise import connections

from opsuite.notify.service import dispatch_due
from tests.conftest import csrf_token
from tests.factories.auth import make_user


class QueriesBeforeAnswer:
    """ASGI wrapper counting the SQL statements run before the answer starts."""

    def __init__(self, app) -> None:
        self.app = app
        self.total = 0
        self.at_answer: int | None = None

    async def __call__(self, scope, receive, send):
        async def watch(message):
            if message["type"] == "http.response.start":
                self.at_answer = self.total
            await send(message)

        await self.app(scope, receive, watch)


async def test_known_and_unknown_addresses_get_the_same_answer_at_the_same_point(
    app, settings, inbox, monkeypatch
):
    known = await make_user("staff", email="known@example.org")
    wrapped = QueriesBeforeAnswer(app)
    client_class = type(connections.get("default"))
    for name in ("execute_query", "execute_query_dict", "execute_insert"):
        original = getattr(client_class, name)

        def counting(self, *args, _original=original, **kwargs):
            wrapped.total += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(client_class, name, counting)
    answers = {}
    for n, email in enumerate(("known@example.org", "nobody@example.org")):
        # Each from its own address, so both start the throttle's count the same way.
        transport = httpx.ASGITransport(app=wrapped, client=(f"192.0.2.{n + 1}", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            token = await csrf_token(client, "/password/forgot")
            wrapped.total = 0
            response = await client.post(
                "/password/forgot", data={"csrf_token": token, "email": email}
            )
            answers[email] = (
                response.status_code,
                response.headers["location"],
                response.cookies.get("opsuite_flash"),
                wrapped.at_answer,  # the database work done before answering
            )
    assert answers["known@example.org"] == answers["nobody@example.org"]
    assert not inbox.messages
    await dispatch_due(settings)
    (mail,) = inbox.messages
    assert mail.rcpt_tos == [known.email]
    assert "/password/reset/" in mail.text
