"""A feed address is a secret that calendar clients poll: its answers set no CSRF cookie,
and the access log never writes the token (nor other secrets in paths)."""

from __future__ import annotations

import logging

from opsuite.feeds import service
from opsuite.feeds.models import FeedKind
from tests.factories.auth import make_user


def access_lines(caplog) -> list[str]:
    return [
        f"{r.getMessage()} {getattr(r, 'path', '')}"
        for r in caplog.records
        if r.name == "opsuite.access"
    ]


async def test_feed_answers_set_no_csrf_cookie(client):
    new = await service.create_feed(await make_user("staff"), FeedKind.PERSON)
    first = await client.get(f"/feeds/{new.token}.ics")
    assert first.status_code == 200
    again = await client.get(
        f"/feeds/{new.token}.ics", headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    missing = await client.get("/feeds/no-such-token.ics")
    assert missing.status_code == 404
    for answer in (first, again, missing):
        assert "opsuite_csrf" not in answer.headers.get("set-cookie", "")
    # Pages still hand one out.
    assert "opsuite_csrf=" in (await client.get("/login")).headers["set-cookie"]


async def test_the_access_log_writes_a_redacted_feed_address(client, caplog):
    caplog.set_level(logging.INFO, logger="opsuite.access")
    new = await service.create_feed(await make_user("staff"), FeedKind.PERSON)
    await client.get(f"/feeds/{new.token}.ics")
    await client.get("/password/reset/some-secret-reset-token")
    lines = access_lines(caplog)
    assert any("GET /feeds/[redacted].ics 200" in line for line in lines), lines
    assert any("/password/reset/[redacted]" in line for line in lines), lines
    assert not [line for line in lines if new.token in line or "some-secret" in line]
