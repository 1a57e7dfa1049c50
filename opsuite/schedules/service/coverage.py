"""What a leave request leaves of a team: on each day the requester would have worked, how
many of the team's people with a schedule are working once the request is approved, and who
else has leave (approved or asked for) on those days."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from opsuite.auth.models import User
from opsuite.people.models import Team
from opsuite.schedules.expansion import Leave, PersonInputs, expand_person, pattern_on
from opsuite.schedules.models import TimeOff, TimeOffStatus
from opsuite.schedules.service.intervals import load_inputs
from opsuite.schedules.service.lookup import team_people

MAX_DAYS_SHOWN = 31


@dataclass(frozen=True)
class DayCover:
    day: date
    working: int  # people of the team working that day, the requester off
    scheduled: int  # people of the team with an arrangement in force that day


@dataclass(frozen=True)
class TeamCover:
    team: Team
    days: list[DayCover]  # the requester's working days, at most MAX_DAYS_SHOWN
    more_days: int  # working days past those shown
    others_off: list[TimeOff]  # other members' approved or pending leave on those days


async def team_cover(leave: TimeOff, team: Team) -> TeamCover:
    """The team's cover on the days of ``leave`` if it is approved."""
    people: list[User] = await team_people(team.id)
    ids = [p.id for p in people]
    if leave.user_id not in ids:
        ids.append(leave.user_id)
    first, after = leave.start_date, leave.end_date + timedelta(days=1)
    inputs = await load_inputs(ids, first, after)
    mine = inputs[leave.user_id]
    asked = Leave(
        leave.start_date, leave.end_date, leave.start_time, leave.end_time, str(leave.kind)
    )
    with_request = replace(mine, leaves=(*mine.leaves, asked))
    days: list[DayCover] = []
    more = 0
    day = first
    while day < after:
        nxt = day + timedelta(days=1)
        if any(i.is_working for i in expand_person(replace(mine, leaves=()), day, nxt)):
            if len(days) >= MAX_DAYS_SHOWN:
                more += 1
            else:
                days.append(_cover(day, ids, inputs, leave.user_id, with_request))
        day = nxt
    others = (
        await TimeOff.filter(
            user_id__in=[i for i in ids if i != leave.user_id],
            status__in=(TimeOffStatus.APPROVED, TimeOffStatus.PENDING),
            start_date__lte=leave.end_date,
            end_date__gte=leave.start_date,
        )
        .order_by("start_date", "id")
        .prefetch_related("user")
    )
    return TeamCover(team, days, more, list(others))


def _cover(
    day: date,
    ids: list[int],
    inputs: dict[int, PersonInputs],
    requester: int,
    with_request: PersonInputs,
) -> DayCover:
    working = scheduled = 0
    nxt = day + timedelta(days=1)
    for uid in ids:
        person = with_request if uid == requester else inputs[uid]
        if pattern_on(person.patterns, day) is None:
            continue
        scheduled += 1
        if any(i.is_working for i in expand_person(person, day, nxt)):
            working += 1
    return DayCover(day, working, scheduled)
