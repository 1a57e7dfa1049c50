"""What shifts adds to the managers' daily digest: today's shifts in their programs that still
have free places."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opsuite.auth.models import User
from opsuite.auth.permissions import is_admin
from opsuite.notify.digests import Section, add_section
from opsuite.people.models import ProgramAccess, ProgramRole
from opsuite.shifts.models import Shift, ShiftStatus
from opsuite.shifts.service import counts_for
from opsuite.web.i18n import format_time
from opsuite.web.i18n import gettext as _


async def shifts_with_gaps(manager: User, day: date) -> Section | None:
    zone = ZoneInfo(manager.timezone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    query = Shift.filter(
        status=ShiftStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
    )
    if not is_admin(manager):
        programs = await ProgramRole.filter(
            user_id=manager.id, access=ProgramAccess.MANAGE
        ).values_list("program_id", flat=True)
        if not programs:
            return None
        query = query.filter(opportunity__program_id__in=list(programs))
    shifts = await query.order_by("starts_at").prefetch_related("opportunity")
    counts = await counts_for([s.id for s in shifts])
    lines = tuple(
        _(
            "%(time)s %(title)s: %(free)s of %(capacity)s places still free",
            time=format_time(s.starts_at, "short", manager.timezone),
            title=s.opportunity.title,
            free=counts[s.id].free(s.capacity),
            capacity=s.capacity,
        )
        for s in shifts
        if counts[s.id].free(s.capacity) > 0
    )
    return Section(_("Today's shifts with free places"), lines) if lines else None


def register() -> None:
    add_section("digest_daily", shifts_with_gaps)
