"""Offices and their public holidays (imported from CSV or iCalendar)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import FieldErrors, NotFound
from opsuite.schedules.models import (
    Holiday,
    Office,
)
from opsuite.web.i18n import gettext as _
from opsuite.web.i18n import is_timezone


@dataclass(frozen=True)
class HolidayImport:
    added: int
    updated: int
    errors: tuple[str, ...]


def parse_holidays_csv(text: str) -> tuple[list[tuple[date, str]], list[str]]:
    """Rows of ``date,name`` (a header row is allowed). Errors say the line."""
    rows: list[tuple[date, str]] = []
    errors: list[str] = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        if n == 1 and row[0].strip().lower() in ("date", "日期"):
            continue
        if len(row) < 2:
            errors.append(_("Line %(n)s: expected a date and a name.", n=n))
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            errors.append(
                _(
                    "Line %(n)s: %(value)s is not a date like 2026-10-01.",
                    n=n,
                    value=row[0].strip()[:40],
                )
            )
            continue
        name = row[1].strip()
        if not name or len(name) > 200:
            errors.append(_("Line %(n)s: the name must be 1 to 200 characters.", n=n))
            continue
        rows.append((day, name))
    return rows, errors


def parse_holidays_ics(text: str) -> tuple[list[tuple[date, str]], list[str]]:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, IndexError) as exc:
        return [], [_("This is not an iCalendar file: %(error)s", error=str(exc)[:200])]
    rows: list[tuple[date, str]] = []
    errors: list[str] = []
    for n, event in enumerate(calendar.walk("VEVENT"), start=1):
        name = str(event.get("SUMMARY", "")).strip() or _("Holiday")
        try:
            first, last = _event_days(event)
        except ValueError:
            # A broken DTSTART/DTEND (2026-13-45) only fails when read; say which event.
            errors.append(
                _("Event %(n)s (%(name)s): the start or end is not a date.", n=n, name=name[:80])
            )
            continue
        if first is None or last is None:
            errors.append(_("Event %(n)s (%(name)s) has no start date.", n=n, name=name[:80]))
            continue
        day = first
        while day <= last and (day - first).days < 60:
            rows.append((day, name[:200]))
            day += timedelta(days=1)
    return rows, errors


def _event_days(event: Any) -> tuple[date | None, date | None]:
    """First and last day of an all-day (or timed) VEVENT; DTEND is exclusive."""
    start = event.get("DTSTART")
    if start is None:
        return None, None
    value = start.dt
    if not isinstance(value, date):
        raise ValueError("not a date")
    first = value.date() if isinstance(value, datetime) else value
    end = event.get("DTEND")
    if end is None:
        return first, first
    end_value = end.dt
    if not isinstance(end_value, date):
        raise ValueError("not a date")
    end_day = end_value.date() if isinstance(end_value, datetime) else end_value
    return first, max(first, end_day - timedelta(days=1))


def read_holiday_file(text: str, *, name: str = "") -> tuple[list[tuple[date, str]], list[str]]:
    """The holidays in an uploaded file (iCalendar by its name or its first line, else CSV),
    and what is wrong with it: nothing at all in it is an error too."""
    is_ics = name.lower().endswith(".ics") or text.lstrip().startswith("BEGIN:VCALENDAR")
    rows, errors = (parse_holidays_ics if is_ics else parse_holidays_csv)(text)
    if not rows and not errors:
        errors = [_("The file has no holidays in it.")]
    return rows, errors


async def import_holidays(
    actor: User, office: Office, rows: list[tuple[date, str]]
) -> HolidayImport:
    added = updated = 0
    async with in_transaction():
        for day, name in rows:
            _row, created = await Holiday.update_or_create(
                office_id=office.id, date=day, defaults={"name": name}
            )
            added += int(created)
            updated += int(not created)
    await record(actor, "schedules.holidays.imported", office, added=added, updated=updated)
    return HolidayImport(added, updated, ())


async def get_office(office_id: int) -> Office:
    office = await Office.get_or_none(id=office_id)
    if office is None:
        raise NotFound(_("No such office."))
    return office


async def list_offices() -> list[Office]:
    return await Office.all().order_by("name")


async def create_office(actor: User, *, name: str, timezone: str, address: str = "") -> Office:
    """Raises FieldErrors for a taken name or an unknown zone."""
    errors: dict[str, str] = {}
    if await Office.filter(name=name).exists():
        errors["name"] = _("An office with this name already exists.")
    if not is_timezone(timezone):
        errors["timezone"] = _(
            "Unknown time zone; choose one such as Asia/Shanghai or Europe/London."
        )
    if errors:
        raise FieldErrors(errors)
    office = await Office.create(name=name, timezone=timezone, address=address)
    await record(actor, "schedules.office.created", office, name=name)
    return office


async def list_holidays(office: Office) -> list[Holiday]:
    return await Holiday.filter(office_id=office.id).order_by("date")
