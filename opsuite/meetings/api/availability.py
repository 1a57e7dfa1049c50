"""Finding time over JSON: each attendee's conflicts with a proposed meeting, and the best
slots for a group of people."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from opsuite.auth.models import User
from opsuite.errors import FieldErrors, InvalidInput
from opsuite.meetings import availability, recurrence, service, views
from opsuite.meetings.api.meetings import meeting_input
from opsuite.meetings.api.schemas import FindInput, ids, iso
from opsuite.web.api import typed_body
from opsuite.web.forms import parse_date
from opsuite.web.http import viewer
from opsuite.web.i18n import gettext as _


async def api_conflicts(request: Request) -> Response:
    data = await service.validate_meeting(await meeting_input(request))
    people = await User.filter(id__in=[a.user_id for a in data.attendees])
    starts = recurrence.original_starts(
        starts_at=data.starts_at,
        timezone=data.timezone,
        rule_text=data.rrule,
        window_start=data.starts_at,
        window_end=data.starts_at + timedelta(weeks=12),
    )[:10]
    length = data.ends_at - data.starts_at
    found = await availability.conflicts(
        people, [(s, s + length) for s in starts], viewer=viewer(request)
    )
    items = [
        {
            "user_id": c.user.id,
            "kind": c.kind,
            "start": iso(c.start),
            "end": iso(c.end),
            "label": c.label,
        }
        for p in people
        for c in found[p.id]
    ]
    return JSONResponse({"conflicts": items})


async def api_find(request: Request) -> Response:
    body = await typed_body(request, FindInput)
    required, optional = ids(body, "required"), ids(body, "optional")
    if not required:
        raise FieldErrors({"required": _("Invite at least one person.")})
    duration = body.get("duration")
    if not isinstance(duration, int) or isinstance(duration, bool):
        raise InvalidInput(_("Enter a whole number."), field="duration")
    first = parse_date(str(body.get("from_date", "")))
    last = parse_date(str(body.get("to_date", "")))
    if first is None or last is None:
        raise InvalidInput(
            _("Enter a date like 2026-03-09."), field="from_date" if first is None else "to_date"
        )
    slots, _more = await views.find_slots(
        {
            "required": [str(i) for i in required],
            "optional": [str(i) for i in optional],
            "duration": duration,
            "from_date": first.isoformat(),
            "to_date": last.isoformat(),
        },
        ZoneInfo(str(request.state.timezone)),
    )
    return JSONResponse(
        {
            "slots": [
                {
                    "start": iso(s.start),
                    "end": iso(s.end),
                    "missing_optional": s.missing_optional,
                    "in_core_hours": s.in_core_hours,
                    "people": [
                        {
                            "user_id": p.user.id,
                            "required": p.required,
                            "free": p.free,
                            "outside_hours": p.outside_hours,
                            "outside_core": p.outside_core,
                            "local_start": p.local_start.isoformat(),
                            "local_end": p.local_end.isoformat(),
                        }
                        for p in s.people
                    ],
                }
                for s in slots
            ]
        }
    )
