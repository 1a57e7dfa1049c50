"""The leave balances JSON API: a person's balances for a year, the organisation's leave
policies (admins change them) and a person's own allowance (their manager sets it). The same
forms as the pages, so a bad field gets the same message here as next to the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import RootModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from opsuite.auth.models import User
from opsuite.auth.permissions import authorize
from opsuite.caps import Cap
from opsuite.errors import InvalidInput
from opsuite.schedules import access, forms, service
from opsuite.schedules.balances import Balance
from opsuite.schedules.http import query_year
from opsuite.schedules.models import Accrual, CarryOver, LeaveAllowance, LeavePolicy, TimeOffKind
from opsuite.web.api import form_data_from_json, typed_body
from opsuite.web.forms import Form, parse_id
from opsuite.web.http import viewer
from opsuite.web.i18n import gettext as _
from opsuite.web.routing import ApiDoc, api
from opsuite.web.typed import DateText, Flag, RequestBody, ResponseBody, absent

KINDS = [k.value for k in TimeOffKind]
_NUMBER = {"type": "number"}
_DAYS_IN = {"type": ["number", "string", "null"]}
BALANCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "limited", "has_allowance", "available", "taken", "pending", "left"],
    "properties": {
        "kind": {"type": "string", "enum": KINDS},
        "limited": {"type": "boolean"},
        "has_allowance": {"type": "boolean"},
        "entitlement": _NUMBER,
        "accrued": _NUMBER,
        "carried": _NUMBER,
        "available": _NUMBER,
        "taken": _NUMBER,
        "pending": _NUMBER,
        "left": _NUMBER,
    },
}


class BalanceJson(ResponseBody):
    kind: TimeOffKind
    limited: bool
    has_allowance: bool
    entitlement: float = absent()
    accrued: float = absent()
    carried: float = absent()
    available: float
    taken: float
    pending: float
    left: float


class Balances(ResponseBody):
    user_id: int
    year: int
    on: DateText
    balances: list[BalanceJson]


class PolicyInput(RequestBody):
    kind: TimeOffKind
    limited: Flag
    accrual: Accrual
    days_per_year: float | str | None = None
    days_per_month: float | str | None = None
    carry_over: CarryOver
    carry_over_max: float | str | None = None
    full_time_hours: float | str | None = None
    first_year: int


class LeavePolicyJson(ResponseBody):
    kind: TimeOffKind
    limited: bool
    accrual: Accrual
    days_per_year: float = absent()
    days_per_month: float = absent()
    carry_over: CarryOver
    carry_over_max: float = absent()
    full_time_hours: float = absent()
    first_year: int


class AllowanceInput(RequestBody):
    user_id: int
    kind: TimeOffKind
    year: int
    days: float | str | None = None
    carried_over: float | str | None = None


class Allowance(ResponseBody):
    kind: TimeOffKind
    year: int
    days: float | None
    carried_over: float | None


class Allowances(ResponseBody):
    user_id: int
    year: int
    allowances: list[Allowance]


POLICY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "limited", "accrual", "carry_over", "first_year"],
    "properties": {
        "kind": {"type": "string", "enum": KINDS},
        "limited": {"type": "boolean"},
        "accrual": {"type": "string", "enum": ["yearly", "monthly"]},
        "days_per_year": _NUMBER,
        "days_per_month": _NUMBER,
        "carry_over": {"type": "string", "enum": ["none", "up_to", "all"]},
        "carry_over_max": _NUMBER,
        "full_time_hours": _NUMBER,
        "first_year": {"type": "integer"},
    },
}
ALLOWANCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "year", "days", "carried_over"],
    "properties": {
        "kind": {"type": "string", "enum": KINDS},
        "year": {"type": "integer"},
        "days": {"type": ["number", "null"]},
        "carried_over": {"type": ["number", "null"]},
    },
}
PERSON_YEAR_PARAMS = (
    {"name": "user", "in": "query", "schema": {"type": "integer"}},
    {"name": "year", "in": "query", "schema": {"type": "integer"}},
)


class LeavePolicies(RootModel[list[LeavePolicyJson]]):
    pass


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def balance_json(b: Balance) -> dict[str, Any]:
    return {
        "kind": b.kind,
        "limited": b.limited,
        "has_allowance": b.has_allowance,
        "entitlement": float(b.entitlement),
        "accrued": float(b.accrued),
        "carried": float(b.carried),
        "available": float(b.available),
        "taken": float(b.taken),
        "pending": float(b.pending),
        "left": float(b.left),
    }


def policy_json(p: LeavePolicy) -> dict[str, Any]:
    return {
        "kind": str(p.kind),
        "limited": p.limited,
        "accrual": str(p.accrual),
        "days_per_year": float(p.days_per_year),
        "days_per_month": float(p.days_per_month),
        "carry_over": str(p.carry_over),
        "carry_over_max": float(p.carry_over_max),
        "full_time_hours": float(p.full_time_hours),
        "first_year": p.first_year,
    }


def allowance_json(a: LeaveAllowance) -> dict[str, Any]:
    return {
        "kind": str(a.kind),
        "year": a.year,
        "days": _number(a.days),
        "carried_over": _number(a.carried_over),
    }


async def _person(request: Request, raw: Any = None) -> User:
    """``?user=`` (or ``raw``), the viewer by default; anyone else only for their manager."""
    user = viewer(request)
    raw = raw if raw is not None else request.query_params.get("user", "").strip() or None
    if raw is None:
        return user
    person_id = parse_id(raw)
    if person_id is None:
        raise InvalidInput(_("Choose from the list."), field="user")
    person = await service.get_person(person_id)
    if person.id != user.id:
        await access.authorize_manage_person(user, person)
    return person


async def api_balances(request: Request) -> Response:
    person = await _person(request)
    today = service.local_today(person)
    year = query_year(request, today.year)
    on = today if today.year == year else date(year, 12, 31)
    balances = await service.balances_for(person, year, on=on)
    return JSONResponse(
        {
            "user_id": person.id,
            "year": year,
            "on": on.isoformat(),
            "balances": [balance_json(b) for b in balances],
        }
    )


def _as_text(body: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Numbers sent as JSON numbers, given to the form as the text a field would hold."""
    out = {k: v for k, v in body.items() if v is not None}
    for name in names:
        value = out.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = str(value)
    return out


async def api_policies(request: Request) -> Response:
    if request.method == "PUT":
        user = viewer(request)
        await authorize(user, Cap.ADMIN)
        raw = await typed_body(request, PolicyInput)
        if not isinstance(raw.get("limited", False), bool):
            raise InvalidInput(_("Expected true or false."), field="limited")
        body = _as_text(
            raw,
            ("days_per_year", "days_per_month", "carry_over_max", "full_time_hours"),
        )
        defaults = {"full_time_hours": "40", "carry_over_max": "0"}
        form = Form.bind(forms.POLICY, form_data_from_json(forms.POLICY, body, defaults))
        form.raise_if_invalid()
        await service.set_policy(user, forms.policy_input(form.cleaned))
    policies = await service.list_policies()
    return JSONResponse([policy_json(policies[k]) for k in KINDS if k in policies])


async def api_allowances(request: Request) -> Response:
    user = viewer(request)
    if request.method == "PUT":
        body = await typed_body(request, AllowanceInput)
        person = await _person(request, body.get("user_id", ""))
        await access.authorize_manage_person(user, person)
        fields = {k: v for k, v in body.items() if k != "user_id"}
        data = _as_text(fields, ("days", "carried_over", "year"))
        form = Form.bind(forms.ALLOWANCE, form_data_from_json(forms.ALLOWANCE, data, {}))
        form.raise_if_invalid()
        typed = forms.allowance_input(form.cleaned)
        await service.set_allowance(user, person, typed)
        year = typed.year
    else:
        person = await _person(request)
        await access.authorize_manage_person(user, person)
        year = query_year(request, service.local_today(person).year)
    own = await service.list_allowances(person, year)
    return JSONResponse(
        {
            "user_id": person.id,
            "year": year,
            "allowances": [allowance_json(own[k]) for k in KINDS if k in own],
        }
    )


def routes() -> list[BaseRoute]:
    return [
        api(
            "/api/v1/time-off/balances",
            api_balances,
            cap=Cap.STAFF,
            name="api:leave_balances",
            doc=ApiDoc(
                "A person's leave balance of each kind in a year (default: mine, this year): "
                "allowance, carried over, taken, waiting and left, in working days. Someone "
                "else's: their manager or an admin.",
                response=Balances,
                params=PERSON_YEAR_PARAMS,
            ),
        ),
        api(
            "/api/v1/time-off/policies",
            api_policies,
            cap=Cap.STAFF,
            name="api:leave_policies",
            methods=("GET", "PUT"),
            doc=ApiDoc(
                "The organisation's leave policies (days a year or a month for full time, "
                "carry-over, whether requests past the balance are refused); PUT sets one "
                "kind's (admins).",
                request=PolicyInput,
                response=LeavePolicies,
            ),
        ),
        api(
            "/api/v1/time-off/allowances",
            api_allowances,
            cap=Cap.MANAGE,
            name="api:leave_allowances",
            methods=("GET", "PUT"),
            doc=ApiDoc(
                "A person's own leave figures for a year (allowance, days carried over); PUT "
                "sets one kind's, null for both goes back to the policy (their manager or an "
                "admin).",
                request=AllowanceInput,
                response=Allowances,
                params=PERSON_YEAR_PARAMS,
            ),
        ),
    ]
