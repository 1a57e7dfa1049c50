"""The JSON API's shared behaviour: the OpenAPI document, health checks and pagination."""

from __future__ import annotations

import re

import httpx
import jsonschema
from openapi_spec_validator import validate
from starlette.requests import Request
from starlette.responses import JSONResponse

from opsuite import clock
from opsuite.app import create_app
from opsuite.caps import Cap
from opsuite.people.models import Program, Team
from opsuite.web.api import MAX_PAGE_SIZE
from opsuite.web.routing import ApiDoc, OpsRoute, api
from opsuite.web.typed import ResponseBody
from tests.conftest import log_in
from tests.factories.auth import make_user


def check_answer(document: dict, operation: dict, answer: object, status: str = "200") -> None:
    """Validate an answer against the operation's documented schema, its ``$ref``s resolved in
    the document's components (where the models' schemas are)."""
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    jsonschema.validate(answer, {**schema, "components": document["components"]})


async def openapi(client: httpx.AsyncClient) -> dict:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


async def test_openapi_document_is_valid_openapi_3_1(client):
    document = await openapi(client)
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises with the offending part if the document is not valid


async def test_every_api_route_is_documented_with_its_methods(client, app):
    paths = (await openapi(client))["paths"]
    api_routes = [r for r in app.routes if isinstance(r, OpsRoute) and r.api_doc is not None]
    assert {"api:me"} <= {r.name for r in api_routes}
    for route in api_routes:
        assert route.path_format in paths, route.name
        documented = {m.upper() for m in paths[route.path_format]}
        assert documented == set(route.methods or ()) - {"HEAD"}, route.name
    # Only API routes are in the document, not HTML pages.
    assert set(paths) == {r.path_format for r in api_routes}


async def test_documented_path_parameters_match_the_path(client):
    paths = (await openapi(client))["paths"]
    operation_ids = []
    for path, operations in paths.items():
        in_path = set(re.findall(r"{([^}:]+)}", path))
        assert ":" not in path, f"{path}: converters must not leak into the document"
        for method, operation in operations.items():
            declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == in_path, (path, method)
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids))


class Thing(ResponseBody):
    id: int


async def test_a_typed_path_parameter_is_documented_without_its_converter(settings):
    async def thing(request: Request) -> JSONResponse:
        return JSONResponse({"id": request.path_params["thing_id"]})

    app = create_app(settings)
    app.router.routes.append(
        api(
            "/api/v1/things/{thing_id:int}",
            thing,
            cap=Cap.PUBLIC,
            name="api:test_thing",
            doc=ApiDoc("A thing", response=Thing),
        )
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        document = await openapi(client)
        assert (await client.get("/api/v1/things/7")).json() == {"id": 7}
    validate(document)
    operation = document["paths"]["/api/v1/things/{thing_id}"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["thing_id"]


async def test_openapi_is_public_and_says_how_to_authenticate(client):
    document = await openapi(client)
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer"}
    me = document["paths"]["/api/v1/me"]
    assert me["get"]["security"]
    assert "requestBody" in me["patch"]


async def test_responses_match_their_documented_schemas(client):
    admin = await make_user("admin")
    await Team.create(name="Kitchen", created_at=clock.now())
    await Program.create(name="Winter shelter", created_at=clock.now())
    await log_in(client, admin.email)
    document = await openapi(client)
    checked = []
    for path, operations in document["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        response = await client.get(path)
        assert response.status_code == 200, path
        check_answer(document, operations["get"], response.json())
        checked.append(path)
    assert "/api/v1/me" in checked


async def test_healthz_is_ok(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


async def test_readyz_reports_the_database(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


# --- pagination -----------------------------------------------------------------------------


async def paginated_paths(client: httpx.AsyncClient) -> list[str]:
    paths = (await openapi(client))["paths"]
    return [
        path
        for path, operations in paths.items()
        if "{" not in path
        and "get" in operations
        and "per_page" in {p["name"] for p in operations["get"]["parameters"]}
    ]


async def test_pagination_bounds_on_every_paginated_api_list(client):
    admin = await make_user("admin")
    await log_in(client, admin.email)
    lists = await paginated_paths(client)
    for path in lists:
        for query in ("per_page=0", f"per_page={MAX_PAGE_SIZE + 1}", "page=0", "page=-1"):
            response = await client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)
            assert response.json()["field"] in ("page", "per_page"), (path, query)
        for query in ("page=abc", "per_page=1.5", "page=99999999999999999999999"):
            response = await client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)
        largest = await client.get(f"{path}?page=1&per_page={MAX_PAGE_SIZE}")
        assert largest.status_code == 200, path
        body = largest.json()
        assert (body["page"], body["per_page"]) == (1, MAX_PAGE_SIZE)
        assert body["total"] >= len(body["items"])
        beyond = await client.get(f"{path}?page=1000")
        assert beyond.status_code == 200, path
        assert beyond.json()["items"] == []


async def test_pages_split_a_list(client):
    admin = await make_user("admin")
    for _n in range(4):
        await make_user("volunteer")
    await log_in(client, admin.email)
    assert "/api/v1/people" in await paginated_paths(client)
    first = (await client.get("/api/v1/people?page=1&per_page=2")).json()
    third = (await client.get("/api/v1/people?page=3&per_page=2")).json()
    assert first["total"] == third["total"] == 5
    assert (len(first["items"]), len(third["items"])) == (2, 1)
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in third["items"]}


async def test_pagination_bounds_on_admin_pages(client):
    admin = await make_user("admin")
    await log_in(client, admin.email)
    for path in ("/admin/activity", "/admin/outbox"):
        assert (await client.get(f"{path}?per_page=0")).status_code == 400, path
        assert (await client.get(f"{path}?page=x")).status_code == 400, path
        assert (await client.get(f"{path}?page=2&per_page=1")).status_code == 200, path
