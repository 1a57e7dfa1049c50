"""Object scope: every write route that names an object refuses a manager of another team or
program, and lets in the one it is for (issue #15: "for each write route, a manager of another
team is refused").

The walk reads the app's route table, so a new write route with an id in its path fails here
until it gets an object below (OBJECTS) or a line in NOT_SCOPED saying why it has no scope.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from opsuite import clock
from opsuite.app import create_app
from opsuite.applications.service import Consent, add_check, apply, save_form
from opsuite.auth.models import Role, User
from opsuite.auth.service import create_api_token, start_session
from opsuite.chat.service import create_channel
from opsuite.feeds.models import FeedKind
from opsuite.feeds.service import create_feed
from opsuite.hooks.models import WebhookDelivery
from opsuite.hooks.service import create_endpoint, emit
from opsuite.meetings.polls import PollInput, create_poll
from opsuite.meetings.service import AttendeeInput
from opsuite.reports.service.funder import parse_period
from opsuite.reports.service.sharing import create_link
from opsuite.schedules.service import ArrangementInput, import_holidays, propose_arrangement
from opsuite.shifts.hours import log_offsite_hours
from opsuite.shifts.models import (
    HandoverKind,
    HandoverStatus,
    ShiftHandover,
    SignUp,
    SignUpStatus,
)
from opsuite.tasks.boards import add_label
from opsuite.tasks.service import add_checklist_item, add_link
from tests.factories.auth import make_user
from tests.factories.meetings import make_meeting
from tests.factories.people import make_program, make_team
from tests.factories.schedules import make_leave, make_office, weekday_blocks
from tests.factories.shifts import make_opportunity, make_shift
from tests.factories.tasks import columns, make_board, make_task
from tests.web.test_roles import CSRF, walked_routes

WRITE = {"POST", "PUT", "PATCH", "DELETE"}

# Write routes with an id in the path that have no team or program scope, and why.
NOT_SCOPED = {
    # signed links: the token or signature in the path is the permission
    "auth:reset": "a password-reset token is the permission",
    "auth:invite": "an invitation token is the permission",
    "notify:unsubscribe": "a signed unsubscribe link is the permission",
    "meetings:rsvp_link": "a signed RSVP link is the permission",
    # organisation-wide objects for admins only (the role walk in test_roles.py holds them)
    "schedules:holidays": "offices belong to the organisation; admins only",
    "schedules:holidays_import": "offices belong to the organisation; admins only",
    "api:holidays": "offices belong to the organisation; admins only",
    "api:holidays_import": "offices belong to the organisation; admins only",
    "notify:retry": "the outbox is the organisation's; admins only",
    "help:handled": "contact requests go to every admin; admins only",
    "api:outbox_retry": "the outbox is the organisation's; admins only",
    "api:contact_request_handled": "contact requests go to every admin; admins only",
    # the caller acts on their own sign-up for a shift any volunteer may take
    "shifts:signup": "signs the caller up; any volunteer may take an open shift",
    "shifts:join": "signs up whoever fills the form in; public shifts",
    "shifts:cancel": "cancels the caller's own sign-up",
    "shifts:accept": "accepts the caller's own waitlist offer",
    "shifts:swap": "offers the caller's own place",
    "shifts:checkin": "checks the caller in on their own sign-up",
    "shifts:checkout": "checks the caller out on their own sign-up",
    "shifts:door_check": "the signed check-in code in the path, on the caller's own sign-up",
    "api:shift_signup": "signs the caller up; any volunteer may take an open shift",
    "api:shift_cancel": "cancels the caller's own sign-up",
    "api:shift_accept": "accepts the caller's own waitlist offer",
    "api:shift_swap": "offers, withdraws or takes a place; any volunteer may take an offered one",
    "api:shift_checkin": "checks the caller in on their own sign-up (others: hours.check_in asks)",
    "api:shift_checkout": "checks the caller out on their own sign-up (others: as check-in)",
    "applications:apply": "applies as the caller; any volunteer may apply to an active program",
    "applications:guardian_resend": "emails the caller's own guardian again",
    "api:guardian_resend": "emails the caller's own guardian again",
    "applications:guardian_consent": "the signed consent link is the permission",
    "api:apply": "applies as the caller; any volunteer may apply to an active program",
    "shifts:handover": "hands over the caller's own place, or answers an offer made to them",
    "api:shift_handover": "hands over the caller's own place, or answers an offer made to them",
    "shifts:blackout_remove": "removes the caller's own blackout (another's is a 404)",
    "api:blackout": "removes the caller's own blackout (another's is a 404)",
}

# Path parameters the walk fills: (route name prefix or "", segment before it, parameter) ->
# key of the object in the world; the first match wins.
PARAMS = (
    ("api:feed_revoke", "feeds", "id", "feed2"),  # each revoke ends a feed of its own
    ("schedules:leave", "leave", "id", "leave"),
    ("schedules:leave_decide", "leave", "id", "leave"),
    ("schedules:leave_decision", "leave", "id", "leave"),
    ("api:leave_decision", "leave", "id", "leave"),
    ("api:leave_cancel", "leave", "id", "leave"),
    ("", "arrangement-proposals", "id", "proposal"),
    ("", "offices", "id", "office"),
    ("schedules:proposal_decide", "proposals", "id", "proposal"),
    ("", "people", "id", "staff"),
    ("", "people", "user_id", "volunteer"),  # an applicant to the program
    ("", "checks", "check_id", "check"),
    ("", "teams", "id", "team"),
    ("", "programs", "id", "program"),
    ("", "applications", "id", "application"),
    ("", "members", "user_id", "staff"),
    ("", "access", "user_id", "reader"),
    ("", "hours", "id", "hours"),
    ("", "handovers", "id", "handover"),
    ("", "opportunities", "id", "opportunity"),
    ("", "roster", "signup_id", "signup"),
    ("", "shifts", "id", "shift"),
    ("", "polls", "id", "poll"),
    ("", "meeting-polls", "id", "poll"),
    ("", "meetings", "id", "meeting"),
    ("", "boards", "id", "board"),
    ("", "columns", "column_id", "column"),
    # Taking a label or a link off runs on a task of its own (the walk deletes "task" first).
    ("tasks:label_remove", "tasks", "id", "task2"),
    ("tasks:link_remove", "tasks", "id", "task2"),
    ("api:task_label", "tasks", "id", "task2"),
    ("api:task_link", "tasks", "id", "task2"),
    ("", "tasks", "id", "task"),
    ("", "labels", "label_id", "label"),
    ("", "links", "link_id", "link"),
    ("", "checklist", "item_id", "item"),
    ("", "feeds", "id", "feed"),
    ("", "tokens", "token_id", "token"),
    ("", "chat", "id", "chat_channel"),
    ("", "chat-channels", "id", "chat_channel"),
    ("", "webhooks", "id", "webhook"),
    ("", "webhook-deliveries", "id", "webhook_delivery"),
    ("", "links", "link_id", "report_link"),
)

# Who the object belongs to, when it is not simply "what manager A runs".
ALLOWED = {
    "schedules:leave_cancel": "staff",  # one's own leave request
    "schedules:propose": "staff",
    "api:leave_cancel": "staff",
    "meetings:poll": "staff",  # the poll's invitee votes
    "api:meeting_poll_votes": "staff",
    "meetings:respond": "staff",  # an invitee answers
    "meetings:poll_decide": "staff",  # the poll's organiser books it
    "api:meeting_poll_decide": "staff",
    "api:meeting_rsvp": "staff",
    "auth:token_revoke": "staff",  # one's own API token
    "people:erase": "admin",  # erasing someone's personal data is for admins only
    "auth:two_factor_reset": "admin",  # turning off someone's two-factor sign-in too
    "feeds:parts": "manager",  # the feed's owner
    "feeds:revoke": "manager",
    "api:feed_parts": "manager",
    "api:feed_revoke": "manager",
    # webhooks are for admins only
    **dict.fromkeys(
        (
            "hooks:endpoint",
            "hooks:delete",
            "hooks:secret",
            "hooks:test",
            "hooks:resume",
            "hooks:replay",
            "api:webhook",
            "api:webhook_secret",
            "api:webhook_test",
            "api:webhook_resume",
            "api:webhook_replay",
        ),
        "admin",
    ),
}
REFUSED = (403, 404)

# Bodies that pass validation, for routes that check their input before who is asking: the
# outsider's empty form is a 400, so the walk sends a valid one to reach the permission check.
BODIES: dict[str, Any] = {
    "shifts:hours_decide": lambda ids: {"decision": "approve"},
    "shifts:hours_correct": lambda ids: {"minutes": "30", "note": "a correction"},
    "shifts:attendance": lambda ids: {"attendance": "attended"},
    "api:shift_roster": lambda ids: {"user_id": ids["staff"]},
    "api:shift_attendance": lambda ids: {"signup_id": ids["signup"], "attendance": "attended"},
    "api:hours_record": lambda ids: {"approve": True},
    "shifts:handover_decide": lambda ids: {"decision": "reject"},
    "api:handover_decide": lambda ids: {"approve": False},
    "tasks:move": lambda ids: {"version": "1", "column_id": str(ids["column"]), "index": "0"},
    "api:task_move": lambda ids: {"version": 1, "column_id": ids["column"], "position": 0},
    "api:feed_parts": lambda ids: {"parts": ["meetings"]},
    "api:chat_channel": lambda ids: {"active": False},
    **dict.fromkeys(
        ("api:team_chat_channels", "api:program_chat_channels"),
        lambda ids: {
            "kind": "slack",
            "name": "G",
            "webhook_url": "https://chat.example.org/h",
            "language": "en",
        },
    ),
}
# Routes that change or end the objects others use run last in the allowed walk.
ENDINGS = ("remove", "revoke", "delete", "deactivate", "cancel", "erase")


async def make_world(settings: Any) -> dict[str, Any]:
    """Manager A runs a team and a program with everything in them; manager B runs others."""
    clock.set_now(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    manager = await make_user(Role.MANAGER, name="Manager A")
    other = await make_user(Role.MANAGER, name="Manager B")
    staff = await make_user(Role.STAFF, name="Staff A")
    volunteer = await make_user(Role.VOLUNTEER, name="Volunteer A")
    reader = await make_user(Role.VOLUNTEER, name="Reader A")
    team = await make_team(manager=manager, members=[staff, volunteer], name="Team A")
    await make_team(manager=other, name="Team B")
    program = await make_program(manager=manager, readers=[reader], name="Program A")
    await make_program(manager=other, name="Program B")
    opportunity = await make_opportunity(program=program, manager=manager, title="Sorting")
    shift = await make_shift(opportunity)
    signup = await SignUp.create(
        shift=shift,
        volunteer=volunteer,
        status=SignUpStatus.CONFIRMED,
        queued_at=clock.now(),
        created_at=clock.now(),
    )
    handover = await ShiftHandover.create(
        shift=shift,
        giver=volunteer,
        recipient=reader,
        kind=HandoverKind.NAMED,
        status=HandoverStatus.AWAITING_APPROVAL,
        created_at=clock.now(),
        expires_at=shift.starts_at,
    )
    hours = await log_offsite_hours(
        volunteer, program_id=program.id, work_date=date(2026, 2, 27), minutes=60, description="x"
    )
    leave = await make_leave(staff, date(2026, 3, 20), settings=settings)
    office = await make_office(name="Office A")
    await import_holidays(manager, office, [(date(2026, 10, 1), "National Day")])
    proposal = await propose_arrangement(
        staff,
        ArrangementInput(
            kind="fixed",
            valid_from=date(2026, 4, 1),
            timezone=staff.timezone,
            blocks=weekday_blocks(),
        ),
    )
    meeting = await make_meeting(
        settings=settings,
        organizer=staff,
        starts_at=clock.now() + timedelta(days=2),
        team_id=team.id,
        attendees=[staff],
    )
    start = clock.now() + timedelta(days=3)
    poll = await create_poll(
        staff,
        PollInput(
            title="When?",
            timezone="UTC",
            slots=((start, start + timedelta(hours=1)),),
            invitees=(AttendeeInput(staff.id, True),),
            mode="in_person",
            location="Room 1",
        ),
        settings=settings,
    )
    board = await make_board(manager=manager, members=[staff], team_id=team.id)
    task = await make_task(board, settings=settings, by=manager)
    item = await add_checklist_item(manager, task.id, "Call the school")
    label = await add_label(manager, board, name="Print")
    task2 = await make_task(board, settings=settings, by=manager, label_ids=(label.id,))
    link = await add_link(manager, task2.id, url="https://docs.example.org/plan")
    feed = (await create_feed(manager, FeedKind.TEAM, team=team)).feed
    feed2 = (await create_feed(manager, FeedKind.PROGRAM, program=program)).feed
    token = (await create_api_token(staff, "laptop")).record
    # Nothing listens there: a test message fails at once, past the permission check.
    chat_channel = await create_channel(
        manager, team, kind="slack", name="Team A chat", webhook_url="http://127.0.0.1:9/hook",
        secret="", language="en", settings=settings,
    )  # fmt: skip
    # Nothing listens there either: a test event fails at once, past the permission check.
    webhook, _secret = await create_endpoint(
        await make_user("admin"), url="http://127.0.0.1:9/hook", description="",
        events=["shift.cancelled"], settings=settings,
    )  # fmt: skip
    await emit("shift.cancelled", {}, key="walk", at=clock.now())
    webhook_delivery = await WebhookDelivery.get(endpoint_id=webhook.id)
    await save_form(manager, program, requires_application=True, questions=[], consents=[
        Consent("", "Photos", "We may take photos."),
    ])  # fmt: skip
    application = await apply(volunteer, program, version=1, answers={}, consents=["c1"])
    check = await add_check(manager, program, name="Training done", expires=True)
    last_month = parse_period({}, timezone=settings.i18n.default_timezone)
    report_link = await create_link(manager, program.id, last_month, label="", expires_on=None)
    ids = {
        "staff": staff.id,
        "reader": reader.id,
        "team": team.id,
        "program": program.id,
        "opportunity": opportunity.id,
        "shift": shift.id,
        "signup": signup.id,
        "handover": handover.id,
        "hours": hours.id,
        "leave": leave.id,
        "proposal": proposal.id,
        "office": office.id,
        "meeting": meeting.id,
        "poll": poll.id,
        "board": board.id,
        "column": (await columns(board))[0].id,
        "task": task.id,
        "item": item.id,
        "task2": task2.id,
        "label": label.id,
        "link": link.id,
        "feed": feed.id,
        "feed2": feed2.id,
        "token": token.id,
        "chat_channel": chat_channel.id,
        "webhook": webhook.id,
        "webhook_delivery": webhook_delivery.id,
        "application": application.id,
        "check": check.id,
        "volunteer": volunteer.id,
        "report_link": report_link.link.id,
    }
    users = {"manager": manager, "other": other, "staff": staff, "admin": await make_user("admin")}
    return {"ids": ids, "users": users}


def fill(route: Any, ids: dict[str, int]) -> str | None:
    """The route's path with the world's objects in it (None: a parameter the walk lacks)."""
    segments = route.path.strip("/").split("/")
    out = []
    for index, segment in enumerate(segments):
        if not segment.startswith("{"):
            out.append(segment)
            continue
        param = segment[1:-1].split(":")[0]
        before = segments[index - 1] if index else ""
        key = next(
            (
                k
                for prefix, seg, name, k in PARAMS
                if route.name.startswith(prefix) and seg == before and name == param
            ),
            None,
        )
        if key is None or key not in ids:
            return None
        out.append(str(ids[key]))
    return "/" + "/".join(out)


async def send(
    client: httpx.AsyncClient,
    user: User,
    method: str,
    path: str,
    settings: Any,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    client.cookies.clear()
    client.cookies.set("opsuite_csrf", CSRF)
    client.cookies.set("opsuite_session", (await start_session(user, settings=settings)).key)
    if path.startswith("/api/"):
        return await client.request(method, path, json=body or {}, headers={"x-csrf-token": CSRF})
    return await client.request(method, path, data={"csrf_token": CSRF, **(body or {})})


def write_routes(app: Any) -> list[tuple[Any, str]]:
    return [
        (route, method)
        for route in walked_routes(app)
        if "{" in route.path
        for method in sorted((route.methods or set()) & WRITE)
    ]


def test_every_write_route_with_an_id_is_walked_or_explained(settings):
    app = create_app(settings)
    names = {route.name for route, _method in write_routes(app)}
    stale = sorted(set(NOT_SCOPED) - names)
    assert not stale, f"NOT_SCOPED lists routes that are gone or take no id: {stale}"
    # Any number will do: this only checks that every parameter has an object.
    ids = dict.fromkeys({key for _prefix, _segment, _param, key in PARAMS}, 1)
    unknown = sorted(
        route.name
        for route, _m in write_routes(app)
        if route.name not in NOT_SCOPED and fill(route, ids) is None
    )
    assert not unknown, (
        f"give these routes an object in PARAMS, or a reason in NOT_SCOPED: {unknown}"
    )


async def test_a_manager_of_another_team_is_refused_on_every_write_route(settings):
    app = create_app(settings)
    world = await make_world(settings)
    outsider = world["users"]["other"]
    problems = []
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for route, method in write_routes(app):
            if route.name in NOT_SCOPED:
                continue
            path = fill(route, world["ids"])
            assert path is not None, route.name
            answer = await send(client, outsider, method, path, settings)
            if answer.status_code == 400 and route.name in BODIES:
                body = BODIES[route.name](world["ids"])
                answer = await send(client, outsider, method, path, settings, body)
            if answer.status_code == 400:
                problems.append(f"{route.name} {method} {path}: 400 before the permission check")
            elif answer.status_code not in REFUSED:
                problems.append(f"{route.name} {method} {path}: {answer.status_code}")
    assert not problems, "a manager of another team got through:\n" + "\n".join(problems)


async def test_the_one_each_object_is_for_gets_through(settings):
    """The same walk as the one who runs the team and program (or owns the object): never
    refused. An empty form may still be a 400 or a 409: that is past the permission check."""
    app = create_app(settings)
    world = await make_world(settings)
    problems = []
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        # Removing and ending last, so the people and objects stay for the other routes.
        ordered = sorted(
            write_routes(app),
            key=lambda rm: (any(word in rm[0].name for word in ENDINGS), rm[0].name),
        )
        for route, method in ordered:
            if route.name in NOT_SCOPED or method == "DELETE":
                continue
            path = fill(route, world["ids"])
            assert path is not None, route.name
            actor = world["users"][ALLOWED.get(route.name, "manager")]
            answer = await send(client, actor, method, path, settings)
            if answer.status_code in (401, 403, 404) or answer.status_code >= 500:
                problems.append(f"{route.name} {method} {path}: {answer.status_code}")
    assert not problems, "refused the one it is for:\n" + "\n".join(problems)
