"""What each feed shows, read from the areas' models in a fixed number of queries.

feeds reads shifts, meetings, schedules and tasks (DESIGN.md lets feeds read other areas'
models) and reuses their pure helpers: meetings' rule text and stamps, shifts' series
expansion, schedules' ``expand_person``. Nothing here writes. One module per source:
``meetings``, ``shifts``, ``schedule``, ``tasks``; ``common`` holds the window and wording.
"""

from __future__ import annotations

from opsuite.feeds.sources.common import Window, both
from opsuite.feeds.sources.meetings import (
    meeting_events,
    meetings_of,
    meetings_of_person,
)
from opsuite.feeds.sources.schedule import schedule_of_people, team_members
from opsuite.feeds.sources.shifts import shift_event, shifts_of_person, shifts_of_program
from opsuite.feeds.sources.tasks import tasks_of_person

__all__ = [
    "Window",
    "both",
    "meeting_events",
    "meetings_of",
    "meetings_of_person",
    "schedule_of_people",
    "shift_event",
    "shifts_of_person",
    "shifts_of_program",
    "tasks_of_person",
    "team_members",
]
