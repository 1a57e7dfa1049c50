"""Every GET operation documents the query parameters it reads (issue #22: lists named their
filters only in their summary text), and every paged list takes the one pagination convention.

The walk calls each GET operation as an admin on a world with an object of each kind and
records which query parameters the handler asks the request for (Starlette's QueryParams, a
boundary, not our code); each one must be in the OpenAPI document's parameters.
"""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from starlette.datastructures import ImmutableMultiDict

from opsuite.app import create_app
from opsuite.web.api import openapi_document
from tests.web.test_authorization import fill, make_world, send
from tests.web.test_roles import walked_routes

# Read by a filter helper the page shares, then set from elsewhere: no effect on the API.
SHARED_AND_OVERRIDDEN = {
    "api:people": {"team"},  # the directory page's name; the API reads team_id
    "api:board_tasks": {"board"},  # the /tasks page's filter; here the board is in the path
}
# Path parts the authorization walk has no object for (GET-only routes).
EXTRA = {"{report}": "hours", "{dataset}": "people", "certificates/{id}": "certificates/1"}


@pytest.fixture
def reads(monkeypatch):
    """The names of the query parameters handlers ask for, since the last clear()."""
    asked: set[str] = set()

    def recording(method):
        def read(self, key, *args, **kwargs):
            asked.add(key)
            return method(self, key, *args, **kwargs)

        return read

    for name in ("get", "getlist", "__getitem__", "__contains__"):
        monkeypatch.setattr(ImmutableMultiDict, name, recording(getattr(ImmutableMultiDict, name)))
    return asked


def documented_query(document, path, method="get"):
    operation = document["paths"][path][method]
    return {p["name"] for p in operation["parameters"] if p["in"] == "query"}


async def test_every_get_operation_documents_the_query_parameters_it_reads(settings, reads):
    app = create_app(settings)
    document = openapi_document(app.routes, "test")
    world = await make_world(settings)
    admin = world["users"]["admin"]
    problems, walked = [], 0
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for route in walked_routes(app):
            if route.api_doc is None or "GET" not in (route.methods or ()):
                continue
            shaped = route.path
            for part, value in EXTRA.items():
                shaped = shaped.replace(part, value)
            path = fill(SimpleNamespace(path=shaped, name=route.name), world["ids"])
            assert path is not None, route.name
            await send(client, admin, "GET", "/healthz", settings)  # the session, not recorded
            reads.clear()
            answer = await send(client, admin, "GET", path, settings)
            walked += 1
            assert answer.status_code < 500, (route.name, answer.text)
            undocumented = (
                reads
                - documented_query(document, route.path_format)
                - SHARED_AND_OVERRIDDEN.get(route.name, set())
            )
            if undocumented:
                problems.append(f"{route.name}: reads {sorted(undocumented)}, not documented")
    assert walked > 30
    assert not problems, "\n".join(problems)


def test_every_paged_list_documents_the_same_pagination(settings):
    document = openapi_document(create_app(settings).routes, "test")
    lists = 0
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        if "page" not in schema.get("properties", {}):
            continue  # one object, or a window of time (?start=&end=) answered whole
        lists += 1
        assert {"page", "per_page"} <= documented_query(document, path), path
        assert schema["required"] == ["items", "total", "page", "per_page"], path
    assert lists >= 20
