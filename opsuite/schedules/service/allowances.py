"""The settings balances are worked out from: each kind of leave's policy (admins) and a
person's own allowance and carried-over days for a year (their manager)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import FieldErrors
from opsuite.schedules.models import (
    Accrual,
    CarryOver,
    LeaveAllowance,
    LeavePolicy,
    TimeOffKind,
)
from opsuite.web.i18n import gettext as _

MAX_DAYS = Decimal(366)
FIRST_YEAR, LAST_YEAR = 1970, 2100


@dataclass(frozen=True)
class PolicyInput:
    kind: str
    limited: bool
    accrual: str
    days_per_year: Decimal
    days_per_month: Decimal
    carry_over: str
    carry_over_max: Decimal
    full_time_hours: Decimal
    first_year: int


def _days_error(value: Decimal, most: Decimal) -> str | None:
    if not value.is_finite() or value < 0 or value > most:
        return _("Enter a number of days from 0 to %(most)s.", most=f"{most:g}")
    return None


def validate_policy(data: PolicyInput) -> None:
    """Raise FieldErrors naming every problem."""
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in TimeOffKind}:
        errors["kind"] = _("Choose vacation, sick or other.")
    if data.accrual not in {a.value for a in Accrual}:
        errors["accrual"] = _("Choose from the list.")
    if data.carry_over not in {c.value for c in CarryOver}:
        errors["carry_over"] = _("Choose from the list.")
    for name, value, most in (
        ("days_per_year", data.days_per_year, MAX_DAYS),
        ("days_per_month", data.days_per_month, Decimal(31)),
        ("carry_over_max", data.carry_over_max, MAX_DAYS),
    ):
        message = _days_error(value, most)
        if message:
            errors[name] = message
    hours = data.full_time_hours
    if not hours.is_finite() or not 0 < hours <= 168:
        errors["full_time_hours"] = _("Enter a number of hours like 37.5.")
    if not FIRST_YEAR <= data.first_year <= LAST_YEAR:
        errors["first_year"] = _("Enter a year like 2026.")
    if errors:
        raise FieldErrors(errors)


async def list_policies() -> dict[str, LeavePolicy]:
    """The policy of each kind of leave that has one."""
    return {str(p.kind): p for p in await LeavePolicy.all()}


async def set_policy(actor: User, data: PolicyInput) -> LeavePolicy:
    """Create or change one kind's policy. Raises FieldErrors (nothing saved)."""
    validate_policy(data)
    values = {
        "limited": data.limited,
        "accrual": data.accrual,
        "days_per_year": data.days_per_year,
        "days_per_month": data.days_per_month,
        "carry_over": data.carry_over,
        "carry_over_max": data.carry_over_max,
        "full_time_hours": data.full_time_hours,
        "first_year": data.first_year,
        "updated_by_id": actor.id,
        "updated_at": clock.now(),
    }
    policy, _created = await LeavePolicy.update_or_create(values, kind=data.kind)
    await record(actor, "schedules.leave_policy.set", policy, kind=data.kind)
    return policy


@dataclass(frozen=True)
class AllowanceInput:
    kind: str
    year: int
    days: Decimal | None  # None: the policy's, pro-rated
    carried_over: Decimal | None  # None: by the policy's rule


def validate_allowance(data: AllowanceInput) -> None:
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in TimeOffKind}:
        errors["kind"] = _("Choose vacation, sick or other.")
    if not FIRST_YEAR <= data.year <= LAST_YEAR:
        errors["year"] = _("Enter a year like 2026.")
    for name, value in (("days", data.days), ("carried_over", data.carried_over)):
        message = _days_error(value, MAX_DAYS) if value is not None else None
        if message:
            errors[name] = message
    if errors:
        raise FieldErrors(errors)


async def list_allowances(person: User, year: int) -> dict[str, LeaveAllowance]:
    rows = await LeaveAllowance.filter(user_id=person.id, year=year)
    return {str(r.kind): r for r in rows}


async def set_allowance(actor: User, person: User, data: AllowanceInput) -> LeaveAllowance | None:
    """Set (or, with neither figure, remove) a person's own figures for a kind and year.
    Raises FieldErrors (nothing saved)."""
    validate_allowance(data)
    key: dict[str, Any] = {"user_id": person.id, "kind": data.kind, "year": data.year}
    if data.days is None and data.carried_over is None:
        await LeaveAllowance.filter(**key).delete()
        await record(actor, "schedules.leave_allowance.removed", person, **key)
        return None
    values = {
        "days": data.days,
        "carried_over": data.carried_over,
        "set_by_id": actor.id,
        "updated_at": clock.now(),
    }
    row, _created = await LeaveAllowance.update_or_create(values, **key)
    await record(actor, "schedules.leave_allowance.set", person, kind=data.kind, year=data.year)
    return row
