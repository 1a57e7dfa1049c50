"""Schedules: arrangements (with history and proposals), leave, holidays, exceptions, and the
questions people ask of them (my week, who works now, when does the whole team overlap).

One module per topic; the names are re-exported here so ``from opsuite.schedules.service import x``
and ``service.x`` keep working."""

from __future__ import annotations

# People and teams are looked up by the people area's own functions (one not-found message, one
# id range check); they stay reachable as ``service.get_person`` for the schedules routes.
from opsuite.people.service import get_person, get_team
from opsuite.schedules.service.arrangements import (
    ArrangementInput,
    BlockInput,
    arrangement_history,
    current_arrangement,
    decide_proposal,
    get_arrangement,
    input_to_pattern,
    pending_proposals,
    people_with_arrangements,
    propose_arrangement,
    set_arrangement,
    to_pattern,
    validate_arrangement,
    weekly_targets,
)
from opsuite.schedules.service.exceptions import (
    add_exception,
    list_exceptions,
)
from opsuite.schedules.service.intervals import (
    MAX_RANGE_DAYS,
    WeekSummary,
    WorkingNow,
    expand,
    expand_between,
    load_inputs,
    local_today,
    overlap,
    summarize,
    utc_midnight,
    week_start,
    who_is_working_now,
    who_to_overlap,
)
from opsuite.schedules.service.lookup import (
    is_team_member,
    managers_of,
    people_in_teams,
    people_managed_by,
    shares_team,
    team_people,
    teams_of,
    visible_teams,
)
from opsuite.schedules.service.offices import (
    HolidayImport,
    create_office,
    get_office,
    import_holidays,
    list_holidays,
    list_offices,
    parse_holidays_csv,
    parse_holidays_ics,
)
from opsuite.schedules.service.time_off import (
    LeaveInput,
    cancel_leave,
    decide_leave,
    get_leave,
    list_leave,
    pending_leave,
    request_leave,
)

__all__ = [
    "MAX_RANGE_DAYS",
    "ArrangementInput",
    "BlockInput",
    "HolidayImport",
    "LeaveInput",
    "WeekSummary",
    "WorkingNow",
    "add_exception",
    "arrangement_history",
    "cancel_leave",
    "create_office",
    "current_arrangement",
    "decide_leave",
    "decide_proposal",
    "expand",
    "expand_between",
    "get_arrangement",
    "get_leave",
    "get_office",
    "get_person",
    "get_team",
    "import_holidays",
    "input_to_pattern",
    "is_team_member",
    "list_exceptions",
    "list_holidays",
    "list_leave",
    "list_offices",
    "load_inputs",
    "local_today",
    "managers_of",
    "overlap",
    "parse_holidays_csv",
    "parse_holidays_ics",
    "pending_leave",
    "pending_proposals",
    "people_in_teams",
    "people_managed_by",
    "people_with_arrangements",
    "propose_arrangement",
    "request_leave",
    "set_arrangement",
    "shares_team",
    "summarize",
    "team_people",
    "teams_of",
    "to_pattern",
    "utc_midnight",
    "validate_arrangement",
    "visible_teams",
    "week_start",
    "weekly_targets",
    "who_is_working_now",
    "who_to_overlap",
]
