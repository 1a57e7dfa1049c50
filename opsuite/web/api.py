"""JSON API helpers: body parsing, pagination and the OpenAPI document built from the routes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute

from opsuite.errors import InvalidInput
from opsuite.web.forms import MAX_INT, has_control_character
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import OpsRoute
from opsuite.web.typed import ErrorBody, components, is_model, validated

MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object. Raises InvalidInput for anything else."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        # A form body is not JSON (and may already have been read as a form).
        raise InvalidInput(_("Send the body as JSON (Content-Type: application/json)."))
    if len(await request.body()) > 1_000_000:
        raise InvalidInput(_("The request body is too large."))
    try:
        data = json.loads(await request.body() or b"null", parse_constant=_no_constant)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InvalidInput(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise InvalidInput(_("The request body must be a JSON object."))
    try:
        for name, value in data.items():
            _refuse_unstorable(name, name, value)
    except RecursionError:
        raise InvalidInput(_("The request body is nested too deeply.")) from None
    return data


async def typed_body(request: Request, model: type[BaseModel]) -> dict[str, Any]:
    """The request's JSON object checked against ``model`` (opsuite.web.typed): the fields it
    sent, as JSON values (an enum as its value), ready for the area's form, which still checks
    the domain rules. Raises InvalidInput naming the field at fault."""
    data = validated(model, await json_body(request))
    return data.model_dump(mode="json", exclude_unset=True)


def _no_constant(name: str) -> None:
    # NaN and Infinity are not JSON, though Python's parser accepts them.
    raise ValueError(name)


def _refuse_unstorable(field: str, key: str, value: Any) -> None:
    """The API's one check for what no database column could hold: NUL and control characters
    in any text (tab, CR and LF allowed, for long text; one-line fields check those in their
    form), and integers past 32 bits. Raises InvalidInput naming the top-level field."""
    if has_control_character(key, multiline=True) or (
        isinstance(value, str) and has_control_character(value, multiline=True)
    ):
        shown = field.encode("unicode_escape").decode("ascii")
        raise InvalidInput(
            _("%(field)s contains a control character (such as a NUL byte).", field=shown),
            field=shown,
        )
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise InvalidInput(_("%(field)s is too large a number.", field=field), field=field)
    if isinstance(value, float) and abs(value) > MAX_INT:
        raise InvalidInput(_("%(field)s is too large a number.", field=field), field=field)
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            _refuse_unstorable(field, inner_key, inner)
    elif isinstance(value, list):
        for inner in value:
            _refuse_unstorable(field, "", inner)


def page_params(request: Request, page_name: str = "page") -> tuple[int, int]:
    """(offset, limit) from ?page=&per_page=, refusing nonsense with a 400. An HTML page with
    a second list pages it by a parameter of its own (``page_name``, e.g. past_page)."""
    numbers: dict[str, int] = {}
    for name, default in ((page_name, "1"), ("per_page", "50")):
        try:
            numbers[name] = int(request.query_params.get(name, default))
        except ValueError:
            # name the parameter at fault, so a client knows which one to fix
            raise InvalidInput(_("page and per_page must be whole numbers."), field=name) from None
    page, per_page = numbers[page_name], numbers["per_page"]
    if not 1 <= page <= MAX_PAGE:
        # A huge page number would overflow the database's OFFSET; refuse it instead of a 500.
        raise InvalidInput(_("page must be between 1 and %(max)s.", max=MAX_PAGE), field=page_name)
    if not 1 <= per_page <= MAX_PAGE_SIZE:
        raise InvalidInput(
            _("page must be 1 or more and per_page between 1 and %(max)s.", max=MAX_PAGE_SIZE),
            field="per_page",
        )
    return (page - 1) * per_page, per_page


def updated_since(request: Request) -> datetime | None:
    """?updated_since= (an ISO instant with its offset): only what changed at or after it, so
    a client that syncs asks for the changes since its last run. Refuses anything else."""
    raw = request.query_params.get("updated_since", "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InvalidInput(
            _("Give updated_since as a time with its offset, like 2026-03-09T09:30:00Z."),
            field="updated_since",
        )
    return value.astimezone(UTC)


def sort_param(request: Request, choices: tuple[str, ...]) -> str:
    """?sort= one of ``choices`` (the first is the default; "-x" is x newest first)."""
    value = request.query_params.get("sort", "") or choices[0]
    if value not in choices:
        raise InvalidInput(
            _("sort must be one of: %(choices)s.", choices=", ".join(choices)), field="sort"
        )
    return value


UPDATED_SINCE_PARAM = {
    "name": "updated_since",
    "in": "query",
    "schema": {"type": "string", "format": "date-time"},
    "description": "Only items changed at or after this instant (with its offset)",
}


def sort_doc(choices: tuple[str, ...]) -> dict[str, Any]:
    """The documented ?sort= of a list taking ``choices`` (the first is the default)."""
    return {
        "name": "sort",
        "in": "query",
        "schema": {"type": "string", "enum": list(choices), "default": choices[0]},
        "description": "Order of the list; '-' before a key puts the newest first",
    }


def paginated(items: list[dict[str, Any]], total: int, offset: int, limit: int) -> JSONResponse:
    return JSONResponse(
        {"items": items, "total": total, "page": offset // limit + 1, "per_page": limit}
    )


def path_schema(name: str) -> dict[str, Any]:
    """Ids are integers ({id}, {user_id}); other path parts ({report}, {token}) are text."""
    if name == "id" or name.endswith("_id"):
        return {"type": "integer"}
    return {"type": "string"}


def query_param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """One documented query parameter of an operation (a list's filter, say)."""
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _own_params(doc: Any, method: str, methods: set[str]) -> list[dict[str, Any]]:
    """A route's query parameters are its GET's (a list's filters) when it has a GET; a
    route without one (an occurrence's ?start=) takes them on every method."""
    if "GET" in methods and method != "GET":
        return [p for p in doc.params if p.get("in") != "query"]
    return list(doc.params)


def _bodies(doc: Any) -> list[Any]:
    return [doc.request, doc.response, doc.created]


def openapi_document(routes: list[BaseRoute], version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every API route. Bodies are the routes' pydantic models
    (opsuite.web.typed): each one's JSON Schema, shared parts under components/schemas."""
    documented = [r for r in routes if isinstance(r, OpsRoute) and r.api_doc is not None]
    models = [b for r in documented for b in _bodies(r.api_doc) if is_model(b)]
    refs, schemas = components([ErrorBody, *models])

    def schema_of(body: Any) -> dict[str, Any]:
        return dict(refs[body]) if is_model(body) else (body or {"type": "object"})

    paths: dict[str, dict[str, Any]] = {}
    for route in documented:
        doc = route.api_doc
        if doc is None:  # not documented ones were left out above; this tells the type checker
            continue
        path_params = [
            {"name": p, "in": "path", "required": True, "schema": path_schema(p)}
            for p in route.param_convertors
        ]
        item_schema = schema_of(doc.response)
        for method in sorted(route.methods or []):
            if method == "HEAD":
                continue
            listing = doc.paginated and method == "GET"
            response_schema = _list_schema(item_schema) if listing else item_schema
            if method == "POST" and doc.created is not None:
                response_schema = schema_of(doc.created)
            ok = {"description": "OK", "content": {"application/json": {"schema": response_schema}}}
            # A POST that creates something answers 201; an action answers 200.
            success = (
                {"200": ok, "201": {**ok, "description": "Created"}}
                if method == "POST"
                else {"200": ok}
            )
            operation: dict[str, Any] = {
                "operationId": f"{route.name}.{method.lower()}".replace(":", "."),
                "summary": doc.summary,
                "tags": [route.area],
                "security": [] if route.cap == "public" else [{"bearer": []}, {"session": []}],
                "parameters": path_params
                + _own_params(doc, method, route.methods or set())
                + (LIST_PARAMS if listing else []),
                "responses": {
                    **success,
                    "default": {
                        "description": "Error (4xx: the input or the caller's rights; 5xx)",
                        "content": {"application/json": {"schema": dict(refs[ErrorBody])}},
                    },
                },
            }
            if doc.request and method in ("POST", "PUT", "PATCH"):
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": schema_of(doc.request)}},
                }
            paths.setdefault(route.path_format, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "opsuite API", "version": version},
        "servers": [{"url": "/"}],
        "tags": [
            {"name": area}
            for area in sorted({t for p in paths.values() for o in p.values() for t in o["tags"]})
        ],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "opsuite_session"},
            },
        },
    }


# A paginated route lists with GET; its POST (if any) creates and returns one item.
LIST_PARAMS = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 50},
    },
]


def _list_schema(item_schema: dict[str, Any]) -> dict[str, Any]:
    """The one list envelope (``paginated``) around the route's item model."""
    return {
        "type": "object",
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": {"type": "array", "items": item_schema},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }


def form_data_from_json(
    fields: tuple[Any, ...], body: dict[str, Any], defaults: dict[str, Any]
) -> dict[str, Any]:
    """Let JSON input go through the same form validation as HTML (one set of rules)."""
    known = {f.name for f in fields}
    unknown = sorted(set(body) - known)
    if unknown:
        raise InvalidInput(_("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])
    data: dict[str, Any] = {}
    for f in fields:
        value = body.get(f.name, defaults.get(f.name, ""))
        if f.kind == "list" and isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise InvalidInput(_("Expected a list of strings."), field=f.name)
            value = ", ".join(value)
        if f.kind == "bool":
            value = "on" if value is True else ""
        if not isinstance(value, str | list):
            value = str(value) if isinstance(value, int) and not isinstance(value, bool) else None
            if value is None:
                raise InvalidInput(_("Expected text."), field=f.name)
        data[f.name] = value
    return data
