"""Typed API bodies: one pydantic model per request and response body is both what a route
validates its JSON with and what the OpenAPI document shows (opsuite.web.api), so the two
cannot drift.

A request model declares the JSON shape only (types, enums, lengths, which fields exist); the
domain rules stay in the area's form (opsuite.web.forms), which still runs after it. A response
model declares what the route answers; tests check real answers against it.

    class TeamCreate(RequestBody):
        name: str = Field(max_length=120)
        description: str = absent(max_length=2000)   # may be left out, never null

    body = await typed_body(request, TeamCreate)     # opsuite.web.api: the fields sent
"""

from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    WithJsonSchema,
    create_model,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue, models_json_schema
from pydantic_core import ErrorDetails

from opsuite.errors import FieldErrors, InvalidInput
from opsuite.web.i18n import gettext as _

Model = TypeVar("Model", bound=BaseModel)
REF = "#/components/schemas/{model}"


class RequestBody(BaseModel):
    """A JSON request body: a field it does not declare is refused (``additionalProperties``
    false in the document)."""

    model_config = ConfigDict(extra="forbid")


class ResponseBody(BaseModel):
    """A JSON answer. It may carry more than it declares (a newer server), never less."""


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent(**constraints: Any) -> Any:
    """A field that may be left out but is never null: not required in the document, and
    no ``"default": null`` shown (the route reads only the fields sent)."""
    return Field(default=None, json_schema_extra=_drop_default, **constraints)


# true or false only (``validated`` is strict anyway: pydantic's lax bool would take "no")
Flag = StrictBool


def partial(model: type[BaseModel], name: str) -> type[BaseModel]:
    """``model`` with every field optional (never null unless it was): the body of a PATCH,
    which names only what it changes; the rest keeps its stored value."""
    fields: dict[str, Any] = {}
    for key, info in model.model_fields.items():
        optional = FieldInfo.merge_field_infos(info, default=None, json_schema_extra=_drop_default)
        fields[key] = (info.annotation, optional)
    made: type[BaseModel] = create_model(
        name, __base__=RequestBody, __module__=model.__module__, **fields
    )
    return made


def _formatted(name: str) -> Any:
    return WithJsonSchema({"type": "string", "format": name})


# Text the area's own parsers read (opsuite.web.forms.parse_date and friends: one way of each
# thing), documented with its format. The model checks only that it is text.
DateText = Annotated[str, _formatted("date")]
DateTimeText = Annotated[str, _formatted("date-time")]
TimeText = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}"})]
EmailText = Annotated[str, _formatted("email")]
UriText = Annotated[str, _formatted("uri")]
TimeZone = Annotated[
    str, WithJsonSchema({"type": "string", "description": "IANA time zone, e.g. Asia/Shanghai"})
]


def validated(model: type[Model], data: Any) -> Model:
    """``data`` (parsed JSON) as ``model``, checked with JSON's own types (strict: 1 is not
    true, "5" is not a number, an enum takes its value)."""
    try:
        return model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as exc:
        # an unknown field first (it is often a misspelt one that is then "missing")
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        messages: dict[str, str] = {}
        for error in errors:
            refusal = invalid_input(error, model)
            messages.setdefault(refusal.field or "", refusal.message)
        raise FieldErrors(messages) from None


def field_path(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> str:
    """The field at fault: the path through nested objects of the body (``repeat.every``),
    stopping at a list's index or a mapping's key (``skills``, not ``skills.1``), since that
    is what a form or a client names as one input."""
    parts: list[str] = []
    current: Any = model
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if not isinstance(part, str) or not isinstance(fields, dict) or part not in fields:
            break
        parts.append(part)
        annotation = fields[part].annotation
        current = next(
            (a for a in (annotation, *getattr(annotation, "__args__", ())) if is_model(a)), None
        )
    return ".".join(parts) or (str(loc[0]) if loc else "")


def invalid_input(error: ErrorDetails, model: type[BaseModel] | None = None) -> InvalidInput:
    """One pydantic error as the API's 400: a translated message naming the value by its full
    path in the JSON body (``skills.1``), and ``field`` the input it belongs to (field_path)."""
    loc = [str(part) for part in error["loc"]]
    where = ".".join(loc)
    top = field_path(model, tuple(error["loc"]))
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "extra_forbidden":
        return InvalidInput(_("Unknown field: %(name)s", name=where), field=top)
    if kind == "missing":
        message = _("%(field)s is required.", field=where)
    elif kind in ("string_type", "string_unicode"):
        message = _("%(field)s: expected text.", field=where)
    elif kind.startswith(("int_", "float_")):
        message = _("%(field)s: expected a number.", field=where)
    elif kind.startswith("bool_"):
        message = _("%(field)s: expected true or false.", field=where)
    elif kind == "string_too_long":
        message = _(
            "%(field)s: at most %(n)s characters, please.", field=where, n=ctx.get("max_length")
        )
    elif kind == "too_long":
        message = _("%(field)s: at most %(n)s items.", field=where, n=ctx.get("max_length"))
    elif kind in ("literal_error", "enum"):
        message = _(
            "%(field)s must be one of: %(choices)s.",
            field=where,
            choices=str(ctx.get("expected", "")).replace("'", ""),
        )
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        message = _("%(field)s is out of range.", field=where)
    elif kind in ("list_type", "tuple_type", "set_type"):
        message = _("%(field)s: expected a list.", field=where)
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = _("%(field)s: expected an object.", field=where)
    else:
        message = _("%(field)s is not valid.", field=where)
    return InvalidInput(message, field=top)


def is_model(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def components(
    models: list[type[BaseModel]],
) -> tuple[dict[type[BaseModel], JsonSchemaValue], dict[str, Any]]:
    """Each model's ``$ref`` and the ``components/schemas`` they point into (pydantic's
    ``$defs``, names made unique across areas)."""
    unique = list(dict.fromkeys(models))
    refs, defs = models_json_schema([(m, "validation") for m in unique], ref_template=REF)
    return {m: refs[(m, "validation")] for m in unique}, defs.get("$defs", {})


class ErrorBody(ResponseBody):
    """Every refusal (4xx) and failure: the message in the caller's language, and the field
    or query parameter at fault. A failed form also carries one message per field."""

    error: str
    field: str | None = None
    fields: dict[str, str] = absent(description="One message per field, when a form failed")
