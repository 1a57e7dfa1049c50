"""Operators can see what opsuite is doing: metrics for Prometheus and request ids in logs."""

from __future__ import annotations

import json
import logging

import httpx

from opsuite.notify.service import dispatch_due, enqueue_email
from opsuite.observe import JsonFormatter, RequestIdFilter
from tests.conftest import log_in
from tests.factories.auth import make_user


async def test_metrics_count_requests_by_route_and_read_the_outbox(client, settings, inbox):
    user = await make_user("volunteer")
    await enqueue_email(
        kind="password_reset",
        to=user,
        settings=settings,
        dedupe_key="m1",
        context={"link": "/x", "hours": 2},
    )
    await enqueue_email(
        kind="password_reset",
        to=user,
        settings=settings,
        dedupe_key="m2",
        context={"link": "/y", "hours": 2},
    )
    inbox.refuse_recipients.add(user.email)
    await dispatch_due(settings)
    await enqueue_email(
        kind="password_reset",
        to=user,
        settings=settings,
        dedupe_key="m3",
        context={"link": "/z", "hours": 2},
    )
    await client.get("/login")
    await client.get("/healthz")

    text = (await client.get("/metrics")).text  # the test client is on 127.0.0.1
    # prometheus-client writes labels in alphabetical order (Prometheus reads any order).
    assert 'opsuite_http_requests_total{method="GET",route="auth:login",status="200"} ' in text
    assert 'opsuite_http_request_duration_seconds_count{route="web:healthz"}' in text
    assert 'opsuite_outbox_messages{status="failed"} 2' in text
    assert 'opsuite_outbox_messages{status="pending"} 1' in text
    assert "process_resident_memory_bytes " in text


async def test_metrics_are_not_shown_to_strangers(app):
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as outside:
        assert (await outside.get("/metrics")).status_code == 404
        admin = await make_user("admin")
        await log_in(outside, admin.email)
        assert (await outside.get("/metrics")).status_code == 200


async def test_every_answer_carries_a_request_id_and_keeps_a_proxys(client):
    mine = await client.get("/healthz")
    assert len(mine.headers["x-request-id"]) == 16
    theirs = await client.get("/healthz", headers={"x-request-id": "edge-42"})
    assert theirs.headers["x-request-id"] == "edge-42"
    odd = await client.get("/healthz", headers={"x-request-id": "bad id <script>"})
    assert odd.headers["x-request-id"] != "bad id <script>"


async def test_access_log_lines_are_json_with_the_request_id(client, caplog):
    handler_records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            handler_records.append(record)

    caplog.set_level(logging.INFO, logger="opsuite.access")
    keep = Keep()
    keep.addFilter(RequestIdFilter())
    logging.getLogger("opsuite.access").addHandler(keep)
    try:
        response = await client.get("/login", headers={"x-request-id": "trace-7"})
    finally:
        logging.getLogger("opsuite.access").removeHandler(keep)
    line = json.loads(JsonFormatter().format(handler_records[-1]))
    assert line["request_id"] == "trace-7" == response.headers["x-request-id"]
    assert (line["route"], line["status"], line["method"]) == ("auth:login", 200, "GET")
    assert line["duration_ms"] >= 0
