"""The demo organisation after some weeks of use: every kind of edit the forms allow, made
through the services, with values drawn by hypothesis (a fixed seed, a handful of rounds).

`edit_demo(settings)` returns what the edits left behind that a page walk needs and cannot
find in the database (raw tokens are stored only as digests). Refusals (a domain error such
as "this series has already started") are what a person would see as a field message; they
are kept in `Edited.refused` and are not failures. Any other exception is a bug and is kept
in `Edited.crashed`.
"""

from __future__ import annotations

import io
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from opsuite import clock
from opsuite.auth.models import User
from opsuite.auth.service import create_api_token, create_link
from opsuite.errors import OpsuiteError
from opsuite.feeds.models import FeedKind
from opsuite.feeds.service import create_feed
from opsuite.help.service import contact_admins, mark_handled
from opsuite.meetings import polls
from opsuite.meetings import service as meetings
from opsuite.meetings.models import Meeting, Mode, Response, Vote
from opsuite.meetings.recurrence import original_starts
from opsuite.notify.preferences import save_preferences
from opsuite.people import service as people
from opsuite.people.models import Program, ProgramAccess, Team
from opsuite.reports.service import sharing
from opsuite.reports.service.funder import preset_period
from opsuite.reports.service.imports import Mode as ImportMode
from opsuite.reports.service.imports import import_file
from opsuite.schedules import service as schedules
from opsuite.schedules.models import (
    Arrangement,
    ArrangementStatus,
    ExceptionKind,
    Office,
    TimeOff,
    TimeOffKind,
    TimeOffStatus,
)
from opsuite.settings import Settings
from opsuite.shifts import hours, newcomers, planning
from opsuite.shifts import service as shifts
from opsuite.shifts.models import Attendance, Opportunity, Shift, ShiftStatus, SignUp, SignUpStatus
from opsuite.tasks import boards
from opsuite.tasks import service as tasks
from opsuite.tasks.models import Board, Label, Priority, Task, Visibility

ROUNDS = 3  # hypothesis examples: each is one more round of edits on the same organisation
SEED = 14

# What a person types: letters in any script, digits, punctuation, symbols, spaces (no control
# characters: forms refuse those outside text areas).
_typed = st.characters(categories=("L", "N", "P", "S", "Zs"))
words = st.text(_typed, min_size=1, max_size=40).map(str.strip).filter(bool)
paragraphs = st.text(st.characters(categories=("L", "N", "P", "S", "Zs"), include_characters="\n"))
zones = st.sampled_from(["Asia/Shanghai", "Europe/London", "America/New_York", "UTC"])


def _subset(names: tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(names), min_size=1)


TASK_FIELDS = ("title", "description", "priority", "due_date", "due_at", "labels")
MEETING_FIELDS = ("title", "description", "location", "agenda", "mode", "timing", "rrule", "zone")
OPPORTUNITY_FIELDS = (
    "title",
    "description",
    "location",
    "is_remote",
    "skills",
    "minimum_age",
    "training_note",
    "is_public",
)
SHIFT_FIELDS = ("capacity", "location", "notes", "times", "lead")
PERSON_FIELDS = ("name", "timezone", "locale", "phone", "skills")


@st.composite
def edit_round(draw: st.DrawFn) -> dict[str, Any]:
    """One round of edits: which fields change and to what."""
    return {
        "task_fields": [draw(_subset(TASK_FIELDS)) for _ in range(4)],
        "task_texts": draw(st.lists(words, min_size=4, max_size=4)),
        "description": draw(paragraphs),
        "priority": draw(st.sampled_from(list(Priority))),
        "days": draw(st.integers(min_value=-5, max_value=60)),
        "comment": draw(words),
        "meeting_fields": draw(_subset(MEETING_FIELDS)),
        "meeting_mode": draw(st.sampled_from(list(Mode))),
        "meeting_text": draw(words),
        "zone": draw(zones),
        "answers": draw(
            st.lists(
                st.sampled_from([a for a in Response if a != Response.NEEDS_ACTION]),
                min_size=3,
                max_size=3,
            )
        ),
        "votes": draw(st.lists(st.sampled_from(list(Vote)), min_size=3, max_size=3)),
        "opportunity_fields": draw(_subset(OPPORTUNITY_FIELDS)),
        "opportunity_text": draw(words),
        "shift_fields": draw(_subset(SHIFT_FIELDS)),
        "shift_scope": draw(st.sampled_from(list(planning.EditScope))),
        "capacity": draw(st.integers(min_value=3, max_value=40)),
        "leave_kind": draw(st.sampled_from(list(TimeOffKind))),
        "leave_hours": draw(st.booleans()),
        "leave_decision": draw(st.sampled_from(["approve", "decline", "cancel", "wait"])),
        "exception_kind": draw(st.sampled_from(list(ExceptionKind))),
        "person_fields": draw(_subset(PERSON_FIELDS)),
        "person_text": draw(words),
        "locale": draw(st.sampled_from(["en", "zh_Hans"])),
        "team_text": draw(words),
        "visibility": draw(st.sampled_from(list(Visibility))),
    }


def draw_rounds() -> list[dict[str, Any]]:
    """ROUNDS rounds of edits, the same on every run (a fixed seed)."""
    drawn: list[dict[str, Any]] = []

    @seed(SEED)
    @hypothesis_settings(
        max_examples=ROUNDS,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(edit_round())
    def collect(values: dict[str, Any]) -> None:
        drawn.append(values)

    collect()
    return drawn[:ROUNDS]


@dataclass
class Edited:
    """What the page walk needs to reach pages behind tokens, and how the edits went."""

    feed_tokens: list[str] = field(default_factory=list)
    reset_tokens: list[str] = field(default_factory=list)
    invite_tokens: list[str] = field(default_factory=list)
    report_tokens: list[str] = field(default_factory=list)  # funder report share links
    applied: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)


class Editor:
    def __init__(self, settings: Settings, users: dict[str, User]) -> None:
        self.settings = settings
        self.users = users
        self.out = Edited()
        self.sorting_id = 0  # the demo's food sorting opportunity (its title is edited)

    async def attempt(self, what: str, action: Callable[[], Awaitable[Any]]) -> Any:
        try:
            result = await action()
        except OpsuiteError as exc:
            self.out.refused.append(f"{what}: {exc}")
            return None
        except Exception:  # noqa: BLE001 - every crash is collected and reported by the test
            self.out.crashed.append(f"{what}:\n{traceback.format_exc(limit=6)}")
            return None
        self.out.applied.append(what)
        return result

    def u(self, key: str) -> User:
        return self.users[key]


async def _users() -> dict[str, User]:
    from opsuite.demo import DEMO_DOMAIN

    found = await User.filter(email__endswith=f"@{DEMO_DOMAIN}")
    return {u.email.split("@")[0]: u for u in found}


# --- tasks ---------------------------------------------------------------------------------


async def _edit_tasks(ed: Editor, r: dict[str, Any]) -> None:
    s, manager = ed.settings, ed.u("manager")
    board = await Board.get(name="Winter appeal 冬季募捐")
    label = await ed.attempt(
        "add label", lambda: boards.add_label(manager, board, name=r["team_text"][:30])
    )
    if label is None:
        label = await Label.filter(board_id=board.id).first()
    labels = [label.id] if label else []
    board_tasks = await Task.filter(board_id=board.id).order_by("id")
    today = clock.now().date()
    for task, changed, text in zip(board_tasks, r["task_fields"], r["task_texts"], strict=False):
        due_at = clock.now().replace(microsecond=0) + timedelta(days=r["days"], hours=3)
        data = tasks.TaskInput(
            title=text if "title" in changed else task.title,
            description=r["description"] if "description" in changed else task.description,
            priority=r["priority"] if "priority" in changed else task.priority,
            due_date=None
            if "due_at" in changed
            else (today + timedelta(days=r["days"]) if "due_date" in changed else task.due_date),
            due_at=due_at if "due_at" in changed else None,
            label_ids=tuple(labels) if "labels" in changed else (),
        )
        await ed.attempt(
            f"edit task {sorted(changed)}",
            lambda t=task, d=data: tasks.update_task(
                manager, t.id, d, version=t.version, settings=s
            ),
        )
    cols = await boards.columns_of(board)
    first, *rest = board_tasks
    await ed.attempt(
        "move task",
        lambda: tasks.move_task(manager, first.id, column_id=cols[1].id, position=0, settings=s),
    )
    await ed.attempt(
        "assign",
        lambda: tasks.set_assignees(
            manager, first.id, (ed.u("staff").id, ed.u("staff2").id), settings=s
        ),
    )
    await ed.attempt(
        "comment",
        lambda: tasks.add_comment(manager, first.id, f"@staff {r['comment']}", settings=s),
    )
    item = await ed.attempt(
        "checklist item", lambda: tasks.add_checklist_item(manager, first.id, r["comment"])
    )
    if item:
        await ed.attempt(
            "tick item", lambda: tasks.set_checklist_item(manager, first.id, item.id, done=True)
        )
    second = await ed.attempt(
        "second checklist item", lambda: tasks.add_checklist_item(manager, first.id, "Remove me")
    )
    if second:
        await ed.attempt(
            "remove item", lambda: tasks.delete_checklist_item(manager, first.id, second.id)
        )
    await ed.attempt(
        "link",
        lambda: tasks.add_link(manager, first.id, url="https://example.org/a?b=1", title="Plan"),
    )
    column = await ed.attempt(
        "add column",
        lambda: boards.add_column(manager, board, name=r["team_text"][:40], wip_limit=2),
    )
    if column:
        await ed.attempt(
            "edit column",
            lambda: boards.update_column(
                manager, column, name=column.name + "!", wip_limit=None, is_done=False
            ),
        )
        await ed.attempt("delete column", lambda: boards.delete_column(manager, column))
    await ed.attempt(
        "edit board",
        lambda: boards.update_board(
            manager,
            board,
            name=board.name,
            description=r["description"][:500],
            team_id=board.team_id,
            program_id=board.program_id,
            visibility=r["visibility"],
        ),
    )
    food_bank = await Program.get(name="Harbour Food Bank")
    other = await ed.attempt(
        "program board",
        lambda: boards.create_board(manager, name=r["team_text"][:60], program_id=food_bank.id),
    )
    if other:
        await ed.attempt(
            "add board member",
            lambda: boards.add_member(manager, other, ed.u("staff3"), is_manager=False),
        )
        task = await ed.attempt(
            "task on program board",
            lambda: tasks.create_task(
                manager,
                other,
                tasks.TaskInput(title=r["comment"], due_at=clock.now() + timedelta(days=2)),
                assignee_ids=(ed.u("staff3").id,),
                settings=s,
            ),
        )
        if task:
            await ed.attempt("delete task", lambda: tasks.delete_task(manager, task.id))
        await ed.attempt(
            "archive board", lambda: boards.set_board_archived(manager, other, archived=True)
        )
    if rest:
        await ed.attempt("delete demo task", lambda: tasks.delete_task(manager, rest[-1].id))


# --- meetings ------------------------------------------------------------------------------


async def _edit_meetings(ed: Editor, r: dict[str, Any]) -> None:
    s, organiser = ed.settings, ed.u("manager2")
    first = await Meeting.filter(title="Remote Outreach weekly check-in").order_by("id").first()
    if first is not None:
        series = await meetings.get_meeting(first.id)  # as the pages load it
        starts = original_starts(
            starts_at=series.starts_at,
            timezone=series.timezone,
            rule_text=series.rrule,
            window_start=clock.now(),
            window_end=clock.now() + timedelta(days=120),
        )
        if len(starts) > 4:
            moved = meetings.OccurrenceInput(
                starts_at=starts[1] + timedelta(hours=1),
                ends_at=starts[1] + timedelta(hours=2),
                title=r["meeting_text"],
                location="Room 2",
                agenda=r["description"][:500],
            )
            await ed.attempt(
                "move occurrence",
                lambda: meetings.update_occurrence(organiser, series, starts[1], moved, settings=s),
            )
            await ed.attempt(
                "skip occurrence",
                lambda: meetings.skip_occurrence(organiser, series, starts[2], settings=s),
            )
            await ed.attempt(
                "minutes", lambda: meetings.save_minutes(organiser, series, r["description"])
            )
            following = meetings.MeetingInput(
                title=series.title + " (new time)",
                timezone=series.timezone,
                starts_at=starts[4] + timedelta(minutes=30),
                ends_at=starts[4] + timedelta(minutes=75),
                mode=Mode.ONLINE,
                video_url=series.video_url,
                rrule=series.rrule,
                team_id=series.team_id,
                attendees=tuple(
                    meetings.AttendeeInput(ed.u(k).id) for k in ("staff4", "staff5", "staff6")
                ),
            )
            await ed.attempt(
                "change following",
                lambda: meetings.update_following(
                    organiser, series, starts[4], following, settings=s
                ),
            )
        for key, answer in zip(("staff4", "staff5", "staff6"), r["answers"], strict=True):
            await ed.attempt(
                f"rsvp {answer}",
                lambda k=key, a=answer: meetings.respond(series, ed.u(k).id, a, settings=s),
            )
    await _one_off_meeting(ed, r)
    await _polls(ed, r)


async def _one_off_meeting(ed: Editor, r: dict[str, Any]) -> None:
    s, organiser = ed.settings, ed.u("manager")
    start = (clock.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    office = await Team.get(name="Office")
    people_invited = (
        meetings.AttendeeInput(ed.u("staff").id),
        meetings.AttendeeInput(ed.u("volunteer").id, required=False),
    )
    base = meetings.MeetingInput(
        title="Board meeting",
        timezone="Asia/Shanghai",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        mode=Mode.HYBRID,
        location="上海办公室",
        video_url="https://meet.example.org/board",
        team_id=office.id,
        attendees=people_invited,
    )
    meeting = await ed.attempt(
        "create meeting", lambda: meetings.create_meeting(organiser, base, settings=s)
    )
    if meeting is None:
        return
    changed, mode = r["meeting_fields"], r["meeting_mode"]
    edit = meetings.MeetingInput(
        title=r["meeting_text"] if "title" in changed else base.title,
        timezone=r["zone"] if "zone" in changed else base.timezone,
        starts_at=start + timedelta(days=1) if "timing" in changed else start,
        ends_at=start + timedelta(days=1, hours=2) if "timing" in changed else base.ends_at,
        description=r["description"] if "description" in changed else "",
        mode=mode if "mode" in changed else base.mode,
        location="" if "mode" in changed and mode == Mode.ONLINE else base.location,
        video_url="" if "mode" in changed and mode == Mode.IN_PERSON else base.video_url,
        agenda=r["description"] if "agenda" in changed else "",
        rrule="FREQ=WEEKLY;COUNT=4" if "rrule" in changed else "",
        team_id=office.id,
        attendees=(*people_invited, meetings.AttendeeInput(ed.u("staff2").id)),
    )
    await ed.attempt(
        f"edit meeting {sorted(changed)}",
        lambda: meetings.update_meeting(organiser, meeting, edit, settings=s),
    )
    await ed.attempt(
        "rsvp one-off", lambda: meetings.respond(meeting, ed.u("staff").id, "accepted", settings=s)
    )
    doomed = await ed.attempt(
        "meeting to cancel",
        lambda: meetings.create_meeting(
            organiser,
            meetings.MeetingInput(
                title="Cancelled meeting",
                timezone="Asia/Shanghai",
                starts_at=start + timedelta(days=2),
                ends_at=start + timedelta(days=2, hours=1),
                location="Room 3",
                attendees=people_invited,
            ),
            settings=s,
        ),
    )
    if doomed:
        await ed.attempt(
            "cancel meeting", lambda: meetings.cancel_meeting(organiser, doomed, settings=s)
        )


async def _polls(ed: Editor, r: dict[str, Any]) -> None:
    s, organiser = ed.settings, ed.u("manager")
    start = (clock.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    invitees = ("staff", "staff2", "volunteer")
    for decide in (False, True):
        data = polls.PollInput(
            title=f"When shall we meet? {r['meeting_text']}",
            timezone=r["zone"],
            slots=tuple(
                (start + timedelta(days=d), start + timedelta(days=d, hours=1)) for d in range(3)
            ),
            invitees=tuple(meetings.AttendeeInput(ed.u(k).id) for k in invitees),
            mode=Mode.IN_PERSON,
            location="Room 4",
        )
        poll = await ed.attempt(
            "create poll", lambda d=data: polls.create_poll(organiser, d, settings=s)
        )
        if poll is None:
            continue
        slots = [v.slot.id for v in await polls.slots_for(poll, organiser)]
        for key, answer in zip(invitees, r["votes"], strict=True):
            await ed.attempt(
                "vote",
                lambda k=key, a=answer, p=poll, sl=slots: polls.vote(
                    p, ed.u(k), dict.fromkeys(sl, a)
                ),
            )
        if decide:
            await ed.attempt(
                "decide poll",
                lambda p=poll, slot=slots[0]: polls.decide(organiser, p, slot, settings=s),
            )


# --- shifts --------------------------------------------------------------------------------


async def _edit_shifts(ed: Editor, r: dict[str, Any]) -> None:
    s, manager = ed.settings, ed.u("manager")
    sorting = await Opportunity.get(id=ed.sorting_id)
    changed, text = r["opportunity_fields"], r["opportunity_text"]
    data = planning.OpportunityInput(
        title=text if "title" in changed else sorting.title,
        description=r["description"][:1000] if "description" in changed else sorting.description,
        location=text if "location" in changed else sorting.location,
        is_remote=not sorting.is_remote if "is_remote" in changed else sorting.is_remote,
        required_skills=("driving",) if "skills" in changed else tuple(sorting.required_skills),
        minimum_age=16 if "minimum_age" in changed else sorting.minimum_age,
        training_note=text if "training_note" in changed else sorting.training_note,
        is_public=not sorting.is_public if "is_public" in changed else sorting.is_public,
    )
    await ed.attempt(
        f"edit opportunity {sorted(changed)}",
        lambda: planning.update_opportunity(manager, sorting, data),
    )
    upcoming = await Shift.filter(opportunity_id=sorting.id, status=ShiftStatus.SCHEDULED).order_by(
        "starts_at"
    )
    if len(upcoming) > 4:
        shift = upcoming[3]
        sc = r["shift_fields"]
        start = shift.starts_at.astimezone(ZoneInfo(shift.timezone))
        end = shift.ends_at.astimezone(ZoneInfo(shift.timezone))
        edit = planning.ShiftInput(
            day=start.date(),
            start=time(8) if "times" in sc else start.time(),
            end=time(13) if "times" in sc else end.time(),
            timezone=shift.timezone,
            capacity=r["capacity"] if "capacity" in sc else shift.capacity,
            location=r["opportunity_text"] if "location" in sc else shift.location,
            notes=r["description"][:500] if "notes" in sc else shift.notes,
            lead_id=ed.u("volunteer6").id if "lead" in sc else shift.lead_id,
        )
        await ed.attempt(
            f"edit shift {r['shift_scope']} {sorted(sc)}",
            lambda: planning.update_shift(manager, shift, edit, scope=r["shift_scope"], settings=s),
        )
        await ed.attempt(
            "cancel shift",
            lambda: planning.cancel_shift(manager, upcoming[-1], reason="Hall closed", settings=s),
        )
        await ed.attempt(
            "message shift",
            lambda: planning.message_shift(
                manager, upcoming[0], subject="Bring gloves", body=r["comment"], settings=s
            ),
        )
        for key in ("volunteer3", "volunteer4"):
            await ed.attempt(
                "sign up", lambda k=key: shifts.sign_up(ed.u(k), upcoming[2].id, settings=s)
            )
        await ed.attempt(
            "cancel sign-up",
            lambda: shifts.cancel_signup(ed.u("volunteer4"), upcoming[2].id, settings=s),
        )
        await ed.attempt(
            "offer swap", lambda: shifts.offer_swap(ed.u("volunteer"), upcoming[1].id, settings=s)
        )
        await ed.attempt(
            "hand over",
            lambda: shifts.offer_handover(
                ed.u("volunteer3"), upcoming[2].id, ed.u("volunteer").id, settings=s
            ),
        )
        await ed.attempt(
            "newcomer",
            lambda: newcomers.join(
                upcoming[2].id,
                name="Newcomer 新人",
                email=f"newcomer{len(ed.out.applied)}@example.org",
                timezone="Asia/Shanghai",
                locale="zh_Hans",
                settings=s,
            ),
        )
    await _tight_shift(ed, sorting)
    await ed.attempt(
        "policy",
        lambda: shifts.set_policy(manager, sorting.program_id, auto_promote=False, offer_hours=6),
    )
    await ed.attempt(
        "offsite hours",
        lambda: hours.log_offsite_hours(
            ed.u("volunteer2"),
            program_id=sorting.program_id,
            work_date=clock.now().date() - timedelta(days=1),
            minutes=90,
            description=r["comment"],
        ),
    )


async def _tight_shift(ed: Editor, sorting: Opportunity) -> None:
    """A one-place shift with a waitlist."""
    s, manager = ed.settings, ed.u("manager")
    day = clock.now().date() + timedelta(days=9)
    shift = await ed.attempt(
        "one-place shift",
        lambda: planning.create_shift(
            manager,
            sorting,
            planning.ShiftInput(day, time(22), time(2), "Asia/Shanghai", 1, "Night run"),
        ),
    )
    if shift:
        for key in ("volunteer5", "volunteer7", "volunteer8"):
            await ed.attempt(
                "sign up tight", lambda k=key: shifts.sign_up(ed.u(k), shift.id, settings=s)
            )
        await ed.attempt(
            "cancel confirmed",
            lambda: shifts.cancel_signup(ed.u("volunteer5"), shift.id, settings=s),
        )


async def _attendance(ed: Editor) -> None:
    """At the first Saturday's food sorting: check in and out, mark the rest, correct, approve."""
    manager = ed.u("manager")
    shift = (
        await Shift.filter(status=ShiftStatus.SCHEDULED, signups__status=SignUpStatus.CONFIRMED)
        .order_by("starts_at")
        .first()
    )
    if shift is None:
        return
    signups = await SignUp.filter(shift_id=shift.id, status=SignUpStatus.CONFIRMED).order_by("id")
    if not signups:
        return
    first = await User.get(id=signups[0].volunteer_id)
    clock.set_now(shift.starts_at + timedelta(minutes=5))
    await ed.attempt("check in", lambda: hours.check_in(first, signups[0].id))
    clock.set_now(shift.ends_at + timedelta(minutes=10))
    record = await ed.attempt("check out", lambda: hours.check_out(first, signups[0].id))
    for signup, attendance in zip(
        signups[1:], (Attendance.ATTENDED, Attendance.NO_SHOW), strict=False
    ):
        await ed.attempt(
            f"mark {attendance}",
            lambda sg=signup, a=attendance: hours.mark_attendance(manager, sg.id, a),
        )
    if record:
        await ed.attempt(
            "correct hours",
            lambda: hours.correct_hours(manager, record.id, minutes=150, note="Left early"),
        )
        await ed.attempt(
            "approve hours", lambda: hours.decide_hours(manager, record.id, approve=True)
        )


# --- schedules and people -------------------------------------------------------------------


async def _edit_schedules(ed: Editor, r: dict[str, Any]) -> None:
    s, manager, admin = ed.settings, ed.u("manager"), ed.u("admin")
    start = clock.now().date() + timedelta(days=30 + r["days"] % 20)
    hourly = r["leave_hours"]
    leave = await ed.attempt(
        f"leave {r['leave_kind']}",
        lambda: schedules.request_leave(
            ed.u("staff2"),
            schedules.LeaveInput(
                r["leave_kind"],
                start,
                start if hourly else start + timedelta(days=2),
                time(9) if hourly else None,
                time(12) if hourly else None,
                reason=r["comment"],
            ),
            settings=s,
        ),
    )
    decision = r["leave_decision"]
    if leave and decision in ("approve", "decline"):
        await ed.attempt(
            f"{decision} leave",
            lambda: schedules.decide_leave(
                manager, leave, approve=decision == "approve", settings=s, note=r["comment"]
            ),
        )
    elif leave and decision == "cancel":
        await ed.attempt("cancel leave", lambda: schedules.cancel_leave(ed.u("staff2"), leave))
    waiting = await TimeOff.filter(status=TimeOffStatus.PENDING).first()
    if waiting and decision == "approve":
        await ed.attempt(
            "decide demo leave",
            lambda: schedules.decide_leave(ed.u("manager2"), waiting, approve=True, settings=s),
        )
    day = clock.now().date() + timedelta(days=4)
    await ed.attempt(
        f"exception {r['exception_kind']}",
        lambda: schedules.add_exception(
            manager,
            ed.u("staff"),
            day=day,
            kind=r["exception_kind"],
            start=None if r["exception_kind"] == ExceptionKind.DAY_OFF else time(10),
            end=None if r["exception_kind"] == ExceptionKind.DAY_OFF else time(14),
            location="home" if r["exception_kind"] != ExceptionKind.DAY_OFF else None,
            note=r["comment"],
        ),
    )
    current = await Arrangement.filter(
        user_id=ed.u("staff3").id, status=ArrangementStatus.ACTIVE
    ).first()
    blocks = tuple(schedules.BlockInput(d, time(7), time(15), "field") for d in range(5))
    await ed.attempt(
        "new arrangement",
        lambda: schedules.set_arrangement(
            admin,
            ed.u("staff3"),
            schedules.ArrangementInput(
                "fixed",
                clock.now().date() + timedelta(days=7),
                r["zone"],
                blocks,
                current.office_id if current else None,
            ),
        ),
    )
    proposal = await ed.attempt(
        "propose arrangement",
        lambda: schedules.propose_arrangement(
            ed.u("staff6"),
            schedules.ArrangementInput(
                "flexible",
                clock.now().date() + timedelta(days=14),
                "America/New_York",
                tuple(schedules.BlockInput(d, time(8), time(18), "home") for d in range(4)),
                core=(time(10), time(14)),
                window=(time(8), time(18)),
                weekly_hours_target=Decimal(28),
            ),
        ),
    )
    if proposal and decision != "wait":
        await ed.attempt(
            "decide proposal",
            lambda: schedules.decide_proposal(
                ed.u("manager2"), proposal, approve=decision == "approve"
            ),
        )
    office = await ed.attempt(
        "office",
        lambda: schedules.create_office(admin, name=r["team_text"][:60], timezone=r["zone"]),
    )
    target = office or await Office.first()
    if target:
        await ed.attempt(
            "import holidays",
            lambda: schedules.import_holidays(
                admin, target, [(date(2026, 12, 31), r["comment"]), (date(2027, 1, 1), "New Year")]
            ),
        )


async def _edit_people(ed: Editor, r: dict[str, Any]) -> None:
    s, admin, manager = ed.settings, ed.u("admin"), ed.u("manager")
    changed = r["person_fields"]
    values: dict[str, Any] = {}
    if "name" in changed:
        values["name"] = r["person_text"]
    if "timezone" in changed:
        values["timezone"] = r["zone"]
    if "locale" in changed:
        values["locale"] = r["locale"]
    if "phone" in changed:
        values["phone"] = "+86 21 5555 0100"
    if "skills" in changed:
        values["skills"] = [r["person_text"][:60], "first aid"]
    for key in ("staff5", "volunteer3"):
        await ed.attempt(
            f"edit person {sorted(changed)}",
            lambda k=key: people.update_person(admin, ed.u(k), **values),
        )
    await ed.attempt("deactivate", lambda: people.deactivate_person(admin, ed.u("volunteer8")))
    office = await Team.get(name="Office")
    await ed.attempt(
        "edit team",
        lambda: people.update_team(manager, office, description=r["description"][:1000]),
    )
    team = await ed.attempt(
        "create team", lambda: people.create_team(manager, name=f"Team {r['team_text']}"[:80])
    )
    if team:
        await ed.attempt("add member", lambda: people.add_team_member(manager, team, ed.u("staff")))
        await ed.attempt(
            "add member 2", lambda: people.add_team_member(manager, team, ed.u("volunteer2"))
        )
        await ed.attempt(
            "remove member", lambda: people.remove_team_member(manager, team, ed.u("volunteer2"))
        )
    food = await Program.get(name="Harbour Food Bank")
    await ed.attempt(
        "edit program", lambda: people.update_program(manager, food, funder=r["comment"][:200])
    )
    await ed.attempt(
        "grant read",
        lambda: people.grant_program_access(
            manager, food, ed.u("funder"), access=ProgramAccess.READ
        ),
    )
    invited = await ed.attempt(
        "invite",
        lambda: people.invite_person(
            admin,
            email=f"invited{len(ed.out.applied)}@example.org",
            name=r["person_text"],
            role="staff",
            timezone="Europe/London",
            locale="en",
            team_id=office.id,
            settings=s,
        ),
    )
    if invited:
        ed.out.invite_tokens.append(
            await create_link(
                invited, purpose="invite", valid_for=timedelta(days=7), created_by=admin
            )
        )
    ed.out.reset_tokens.append(
        await create_link(ed.u("staff"), purpose="reset", valid_for=timedelta(hours=2))
    )
    program = await Program.all().order_by("id").first()
    if program is not None:
        shared = await sharing.create_link(
            admin,
            program.id,
            preset_period("last_month", ed.settings.i18n.default_timezone),
            label="For the board",
            expires_on=None,
        )
        ed.out.report_tokens.append(shared.token)
    await ed.attempt("api token", lambda: create_api_token(ed.u("staff"), r["team_text"][:60]))
    await ed.attempt(
        "preferences",
        lambda: save_preferences(
            ed.u("volunteer"),
            disabled_kinds=set(),
            lead_minutes={},
            quiet_start=time(22),
            quiet_end=time(7),
        ),
    )


async def _edit_feeds_and_help(ed: Editor, r: dict[str, Any]) -> None:
    s = ed.settings
    for key in ("admin", "manager", "manager2", "staff", "volunteer", "funder"):
        feed = await ed.attempt("person feed", lambda k=key: create_feed(ed.u(k), FeedKind.PERSON))
        if feed:
            ed.out.feed_tokens.append(feed.token)
    office = await Team.get(name="Office")
    food = await Program.get(name="Harbour Food Bank")
    for kind, kwargs in (
        (FeedKind.TEAM, {"team": office}),
        (FeedKind.PROGRAM, {"program": food}),
        (FeedKind.PUBLIC, {"program": food}),
    ):
        feed = await ed.attempt(
            f"{kind} feed", lambda k=kind, kw=kwargs: create_feed(ed.u("manager"), k, **kw)
        )
        if feed:
            ed.out.feed_tokens.append(feed.token)
    for sender in (None, ed.u("volunteer")):
        question = await ed.attempt(
            "contact",
            lambda who=sender: contact_admins(
                sender=who,
                name=who.name if who else r["person_text"],
                email=who.email if who else "someone@example.org",
                subject=r["comment"][:100],
                message=r["description"] or "Hello",
                page="/help",
                settings=s,
            ),
        )
        if question and sender is None:
            await ed.attempt("handled", lambda q=question: mark_handled(ed.u("admin"), q.id))
    people_csv = (
        "email,name,role,timezone,locale,phone,skills,team,program\n"
        f"imported{len(ed.out.applied)}@example.org,{r['person_text'].replace(',', ' ')},"
        "volunteer,Asia/Shanghai,zh_Hans,,cooking,Field Services,Harbour Food Bank\n"
        "broken,,,,,,,,\n"
    )
    await ed.attempt(
        "import people",
        lambda: import_file(
            ed.u("manager"), "people", io.BytesIO(people_csv.encode()), mode=ImportMode.ONLY_VALID
        ),
    )
    day = (clock.now().date() + timedelta(days=20)).isoformat()
    shifts_csv = (
        "program,opportunity,date,start,end,timezone,capacity,location,notes\n"
        f"Harbour Food Bank,Packing 打包,{day},10:00,12:00,Asia/Shanghai,4,Hall,Imported\n"
    )
    await ed.attempt(
        "import shifts",
        lambda: import_file(
            ed.u("manager"), "shifts", io.BytesIO(shifts_csv.encode()), mode=ImportMode.ALL
        ),
    )


async def edit_demo(settings: Settings) -> Edited:
    """Edit the loaded demo organisation in every way the forms allow, ROUNDS times over."""
    users = await _users()
    ed = Editor(settings, users)
    ed.sorting_id = (await Opportunity.get(title__startswith="Food sorting")).id
    for values in draw_rounds():
        for step in (_edit_tasks, _edit_meetings, _edit_shifts, _edit_schedules, _edit_people):
            await step(ed, values)
            ed.users = await _users()  # edits change people (names, zones)
        await _edit_feeds_and_help(ed, values)
    return ed.out


async def attend_first_shift(settings: Settings) -> Edited:
    """Check in and out of the demo's first food-sorting shift (moves the clock to it)."""
    ed = Editor(settings, await _users())
    await _attendance(ed)
    return ed.out
