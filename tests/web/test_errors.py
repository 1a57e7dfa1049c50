"""What people see when something goes wrong: friendly pages for browsers, JSON for scripts."""

from __future__ import annotations

import logging

import httpx
from starlette.requests import Request
from starlette.routing import Route

from opsuite.app import create_app
from opsuite.auth.models import User
from tests.conftest import csrf_token, log_in
from tests.factories.auth import make_user

SECRET_DETAIL = "database password is hunter2"


def json_error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["error"], str)
    assert body["error"]
    assert "field" in body
    return body


async def test_unknown_page_is_a_friendly_404(client):
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page not found" in response.text
    assert "There is nothing at this address." in response.text
    assert 'href="/"' in response.text
    assert "Traceback" not in response.text


async def test_unknown_api_address_is_a_json_404(client):
    body = json_error(await client.get("/api/v1/no-such-thing"), 404)
    assert body["field"] is None


async def test_a_browser_asking_for_json_gets_json_errors(client):
    response = await client.get("/no/such/page", headers={"accept": "application/json"})
    json_error(response, 404)


async def test_wrong_method_is_405_page_and_json(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    page = await client.get("/logout")
    assert page.status_code == 405
    assert "That action is not available here." in page.text
    assert "allow" in page.headers
    json_error(await client.delete("/api/v1/me"), 405)


async def test_malformed_json_is_a_400_naming_the_problem(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    token = await csrf_token(client, "/me")
    headers = {"x-csrf-token": token, "content-type": "application/json"}
    for body in (b'{"name": ', b"\xff\xfe", b"[1, 2]", b'"just a string"'):
        response = await client.patch("/api/v1/me", content=body, headers=headers)
        error = json_error(response, 400)["error"]
        assert "JSON" in error, (body, error)
    assert (await User.get(id=user.id)).name == user.name


async def test_unknown_json_field_is_a_400_naming_the_field(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    token = await csrf_token(client, "/me")
    response = await client.patch(
        "/api/v1/me",
        json={"name": "Changed", "favourite_colour": "green"},
        headers={"x-csrf-token": token},
    )
    body = json_error(response, 400)
    assert body["field"] == "favourite_colour"
    assert "favourite_colour" in body["error"]
    assert (await User.get(id=user.id)).name == user.name


async def test_invalid_json_values_name_their_field(client):
    user = await make_user("staff")
    await log_in(client, user.email)
    token = await csrf_token(client, "/me")
    headers = {"x-csrf-token": token}
    cases = [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"phone": "1" * 41}, "phone"),
        ({"skills": ["ok", 3]}, "skills"),
        ({"name": None}, "name"),
        ({"name": ["a"]}, "name"),
        ({"locale": "fr"}, "locale"),
    ]
    for payload, field in cases:
        response = await client.patch("/api/v1/me", json=payload, headers=headers)
        body = json_error(response, 400)
        assert body["field"] == field, (payload, body)
    saved = await User.get(id=user.id)
    assert (saved.timezone, saved.phone, saved.skills) == (user.timezone, "", [])


async def test_anonymous_api_request_is_a_json_401(client):
    body = json_error(await client.get("/api/v1/me"), 401)
    assert body["field"] is None


async def test_forbidden_page_is_a_403_page(client):
    volunteer = await make_user("volunteer")
    await log_in(client, volunteer.email)
    response = await client.get("/admin/activity")
    assert response.status_code == 403
    assert "You do not have permission to do that." in response.text


def app_with_a_broken_route(settings):
    async def boom(request: Request):
        raise RuntimeError(SECRET_DETAIL)

    app = create_app(settings)
    app.router.routes.append(Route("/boom", boom))
    app.router.routes.append(Route("/api/v1/boom", boom))
    return app


async def test_unexpected_error_is_a_plain_500_page_without_internals(settings, caplog):
    app = app_with_a_broken_route(settings)
    # Starlette re-raises after answering so servers can log it; a browser only sees the answer.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        with caplog.at_level(logging.ERROR, logger="opsuite.web"):
            page = await client.get("/boom")
            api = await client.get("/api/v1/boom")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong on our side" in page.text
    assert SECRET_DETAIL not in page.text
    assert "Traceback" not in page.text
    assert "RuntimeError" not in page.text
    assert page.headers.get("x-frame-options") == "DENY"
    assert "content-security-policy" in page.headers

    body = json_error(api, 500)
    assert SECRET_DETAIL not in api.text
    assert body["field"] is None

    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(logged) == 2
    assert all(r.exc_info and SECRET_DETAIL in str(r.exc_info[1]) for r in logged)


async def test_expected_refusals_are_not_logged_as_errors(client, caplog):
    volunteer = await make_user("volunteer")
    await log_in(client, volunteer.email)
    with caplog.at_level(logging.INFO):
        await client.get("/admin/activity")
        await client.get("/no/such/page")
        await client.get("/api/v1/nothing")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def app_losing_its_database(settings):
    """Routes that fail the way a query does while PostgreSQL restarts: Tortoise's own
    DBConnectionError, and a refused connection wrapped by the driver."""
    from tortoise.exceptions import DBConnectionError, OperationalError

    async def lost(request: Request):
        raise DBConnectionError(SECRET_DETAIL)

    async def refused(request: Request):
        try:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        except OSError as exc:
            raise OperationalError(SECRET_DETAIL) from exc

    async def reset(request: Request):
        import asyncpg

        raise asyncpg.exceptions.InternalClientError("cannot switch to state 15")

    app = create_app(settings)
    app.router.routes.append(Route("/reset", reset))
    app.router.routes.append(Route("/lost", lost))
    app.router.routes.append(Route("/api/v1/lost", lost))
    app.router.routes.append(Route("/refused", refused))
    return app


async def test_lost_database_is_a_503_try_again_page_not_a_500(settings, caplog):
    app = app_losing_its_database(settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        with caplog.at_level(logging.WARNING, logger="opsuite.web"):
            page = await client.get("/lost")
            wrapped = await client.get("/refused")
            reset = await client.get("/reset")
            api = await client.get("/api/v1/lost")
    for response in (page, wrapped, reset):
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["retry-after"] == "60"
        assert "opsuite is briefly unavailable" in response.text
        assert "please try again in a minute" in response.text
        assert SECRET_DETAIL not in response.text
        assert "Traceback" not in response.text
        assert response.headers.get("x-frame-options") == "DENY"
    body = json_error(api, 503)
    assert "try again in a minute" in body["error"]
    assert api.headers["retry-after"] == "60"
    assert SECRET_DETAIL not in api.text
    # An outage is a warning, not three error tracebacks.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len([r for r in caplog.records if "database unavailable" in r.getMessage()]) == 4


async def test_a_bad_query_is_still_a_500_not_an_outage(settings):
    from tortoise.exceptions import OperationalError

    async def bad(request: Request):
        raise OperationalError("syntax error at or near SELEC")

    app = create_app(settings)
    app.router.routes.append(Route("/bad", bad))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/bad")
    assert response.status_code == 500
