"""One-day exceptions to an arrangement: a day off, an extra working day, or a move."""

from __future__ import annotations

from datetime import date, time

from opsuite import clock
from opsuite.audit.service import record
from opsuite.auth.models import User
from opsuite.errors import FieldErrors
from opsuite.schedules.models import (
    ExceptionKind,
    Location,
    ScheduleException,
)
from opsuite.wallclock import optional_minute
from opsuite.web.i18n import gettext as _


async def add_exception(
    actor: User,
    person: User,
    *,
    day: date,
    kind: str,
    start: time | None = None,
    end: time | None = None,
    location: str | None = None,
    office_id: int | None = None,
    note: str = "",
) -> ScheduleException:
    errors: dict[str, str] = {}
    if kind not in {k.value for k in ExceptionKind}:
        errors["kind"] = _("Choose a day off, an extra working day or a move.")
    if kind == ExceptionKind.EXTRA and (start is None or end is None or start == end):
        errors["end"] = _("Give the hours of the extra working day.")
    if location is not None and location not in {loc.value for loc in Location}:
        errors["location"] = _("Choose office, home or field.")
    if errors:
        raise FieldErrors(errors)
    exc = await ScheduleException.create(
        user=person,
        date=day,
        kind=kind,
        start_minute=optional_minute(start),
        end_minute=optional_minute(end),
        location=location,
        office_id=office_id,
        note=note[:500],
        created_by=actor,
        created_at=clock.now(),
    )
    await record(actor, f"schedules.exception.{kind}", exc, person=person.id, day=day.isoformat())
    return exc


async def list_exceptions(person: User) -> list[ScheduleException]:
    return (
        await ScheduleException.filter(user_id=person.id)
        .order_by("-date", "-id")
        .limit(200)
        .prefetch_related("office")
    )
