"""What schedules adds to the digests: leave waiting for a manager's decision (daily), and a
person's working week (weekly)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from opsuite.auth.models import User
from opsuite.notify.digests import Section, add_section
from opsuite.people.models import TeamMember
from opsuite.schedules.models import TimeOff, TimeOffKind, TimeOffStatus
from opsuite.schedules.service import expand
from opsuite.web.i18n import format_date, format_datetime, format_time, to_local
from opsuite.web.i18n import gettext as _


async def leave_waiting(manager: User, day: date) -> Section | None:
    team_ids = await TeamMember.filter(user_id=manager.id, is_manager=True).values_list(
        "team_id", flat=True
    )
    if not team_ids:
        return None
    # Tortoise types values_list(..., flat=True) as a list of tuples, but flat gives the values.
    people = cast(
        list[int],
        await TeamMember.filter(team_id__in=list(team_ids)).values_list("user_id", flat=True),
    )
    waiting = await TimeOff.filter(
        user_id__in=[p for p in set(people) if p != manager.id], status=TimeOffStatus.PENDING
    ).prefetch_related("user")
    if not waiting:
        return None
    lines = tuple(
        _(
            "%(name)s: %(start)s to %(end)s (%(kind)s)",
            name=leave.user.name,
            start=format_date(leave.start_date),
            end=format_date(leave.end_date),
            kind=TimeOffKind.label_of(leave.kind),
        )
        for leave in waiting
    )
    return Section(_("Leave requests waiting for you"), lines)


async def my_week(person: User, day: date) -> Section | None:
    expanded = await expand([person.id], day, day + timedelta(days=7))
    lines = []
    for interval in expanded[person.id]:
        start = to_local(interval.start, person.timezone)
        end = to_local(interval.end, person.timezone)
        if interval.kind in ("work", "core"):
            where = {"office": _("office"), "home": _("home"), "field": _("field")}.get(
                interval.location or "", ""
            )
            lines.append(
                _(
                    "%(start)s to %(end)s, %(where)s",
                    start=format_datetime(interval.start, "short", person.timezone),
                    end=format_time(end, "short", person.timezone),
                    where=where,
                )
            )
        elif interval.kind == "time_off":
            lines.append(_("%(day)s: time off", day=format_date(start.date())))
        elif interval.kind == "holiday":
            lines.append(
                _(
                    "%(day)s: public holiday (%(name)s)",
                    day=format_date(start.date()),
                    name=interval.detail,
                )
            )
    if not lines:
        return None
    return Section(_("Your working week"), tuple(lines))


def register() -> None:
    add_section("digest_daily", leave_waiting)
    add_section("digest_weekly", my_week)
