"""Walk every route as every role and check who gets in, against a hand-written table.

The table below is the specification: it is written by hand, not read from the routes'
declared capabilities, so a route declared with the wrong capability (or a handler that
forgets its target check) fails here. A new route fails the walk until it is added.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from starlette.routing import Mount

from opsuite import clock
from opsuite.app import create_app
from opsuite.auth.models import Role, User
from opsuite.auth.service import start_session
from opsuite.people.models import Program, ProgramAccess, ProgramRole, Team, TeamMember
from opsuite.web.routing import OpsRoute
from tests.factories.auth import make_user

ROLES = ("anonymous", "volunteer", "staff", "manager", "admin")
RANK = {role: rank for rank, role in enumerate(ROLES)}
RANK["public"] = RANK["anonymous"]

# Who may use each route: the least role that gets in ("public" lets everyone in). Keyed by
# route name, or "name METHOD" where one method needs more than the route's other methods.
# Path ids point at another volunteer, a team and a program that the manager runs.
ACCESS = {
    # web
    "web:home": "public",
    "home:calendar": "volunteer",
    "web:lang": "public",
    "web:healthz": "public",
    "web:readyz": "public",
    "api:openapi": "public",
    "web:api_docs": "public",
    "web:manifest": "public",
    "web:service_worker": "public",
    "web:draft_save": "volunteer",
    "web:draft_discard": "volunteer",
    "web:metrics": "public",  # the test client is on 127.0.0.1; strangers: test_observe.py
    "api:feeds": "volunteer",
    "api:feed_parts": "volunteer",
    "api:feed_revoke": "volunteer",
    "help:index": "public",
    "help:contact": "public",
    "help:topic": "public",
    "help:requests": "admin",
    "help:handled": "admin",
    "api:contact_request_handled": "admin",
    # accounts
    "auth:login": "public",
    "auth:logout": "public",
    "auth:register": "public",
    "auth:forgot": "public",
    "auth:reset": "public",
    "auth:invite": "public",
    "auth:profile": "volunteer",
    "auth:password": "volunteer",
    "auth:tokens": "volunteer",
    "auth:token_revoke": "volunteer",
    "api:me": "volunteer",
    "auth:login_two_factor": "public",  # the second step; without a half-login, back to /login
    "auth:two_factor": "volunteer",
    "auth:two_factor_start": "volunteer",
    "auth:two_factor_confirm": "volunteer",
    "auth:two_factor_codes": "volunteer",
    "auth:two_factor_disable": "volunteer",
    "auth:two_factor_reset": "admin",  # someone else's, when they lost their phone
    # admin
    "audit:activity": "admin",
    "notify:outbox": "admin",
    "notify:retry": "admin",
    "api:outbox_retry": "admin",
    "notify:scheduler": "admin",
    # outgoing webhooks (opsuite/hooks)
    "hooks:list": "admin",
    "hooks:endpoint": "admin",
    "hooks:delete": "admin",
    "hooks:secret": "admin",
    "hooks:test": "admin",
    "hooks:resume": "admin",
    "hooks:replay": "admin",
    "api:webhooks": "admin",
    "api:webhook": "admin",
    "api:webhook_deliveries": "admin",
    "api:webhook_secret": "admin",
    "api:webhook_test": "admin",
    "api:webhook_resume": "admin",
    "api:webhook_replay": "admin",
    "notify:mailbox": "admin",
    "notify:preferences": "volunteer",
    "api:notification_preferences": "volunteer",
    "notify:unsubscribe": "public",
    # people
    "people:list": "staff",
    "people:invite": "manager",
    "people:detail": "staff",  # someone else's profile; one's own is open to all
    "people:edit": "manager",
    "people:deactivate": "manager",
    "people:reactivate": "manager",
    "people:resend_invite": "manager",
    "people:my_data": "volunteer",
    "people:erase": "admin",
    "api:people": "staff",
    "api:people POST": "manager",
    "api:person": "staff",
    "api:person PATCH": "manager",
    "api:person_invite": "manager",
    # teams
    "teams:list": "staff",
    "teams:new": "manager",
    "teams:detail": "staff",
    "teams:edit": "manager",
    "teams:member_add": "manager",
    "teams:member_remove": "manager",
    "teams:deactivate": "manager",
    "teams:reactivate": "manager",
    # chat channels of a team or a program (who runs it: opsuite/chat/service.py)
    "chat:team": "manager",
    "chat:program": "manager",
    "chat:test": "manager",
    "chat:disable": "manager",
    "chat:enable": "manager",
    "chat:delete": "manager",
    "api:team_chat_channels": "manager",
    "api:program_chat_channels": "manager",
    "api:chat_channel": "manager",
    "api:chat_channel_test": "manager",
    "api:teams": "staff",
    "api:teams POST": "manager",
    "api:team": "staff",
    "api:team PATCH": "manager",
    "api:team_members": "manager",
    "api:team_member": "manager",
    # programs
    "programs:list": "volunteer",
    "programs:new": "manager",
    "programs:detail": "staff",  # or anyone given read access to that program
    "programs:edit": "manager",
    "programs:access_grant": "manager",
    "programs:access_revoke": "manager",
    "programs:deactivate": "manager",
    "programs:reactivate": "manager",
    "api:programs": "volunteer",
    "api:programs POST": "manager",
    # applying to a program
    "applications:apply": "public",
    "applications:apply POST": "volunteer",
    "applications:form": "manager",
    "applications:queue": "manager",
    "applications:mine": "volunteer",
    "applications:detail": "volunteer",  # the applicant, or those who run the program
    "applications:decide": "manager",
    "applications:guardian_resend": "volunteer",
    "applications:checks": "manager",
    "applications:check_remove": "manager",
    "applications:person_checks": "manager",
    "applications:person_check_remove": "manager",
    "applications:guardian_consent": "public",  # the signed token in the path is the permission
    "api:application_form": "volunteer",
    "api:application_form PUT": "manager",
    "api:apply": "volunteer",
    "api:applications": "manager",
    "api:my_applications": "volunteer",
    "api:application": "volunteer",
    "api:application_decide": "manager",
    "api:program_checks": "volunteer",
    "api:program_checks POST": "manager",
    "api:my_checks": "volunteer",
    "api:program_check": "manager",
    "api:check_records": "manager",
    "api:check_record": "manager",
    "api:guardian_resend": "volunteer",
    "api:program": "staff",
    "api:program PATCH": "manager",
    "api:program_access": "manager",
    "api:program_access_person": "manager",
    # schedules (the person is in the manager's team; staff outside it may not see them)
    "schedules:mine": "staff",
    "schedules:leave": "staff",
    "schedules:leave_cancel": "staff",
    "schedules:leave_decision": "manager",  # the request of someone in their team
    "schedules:person_leave": "manager",
    "schedules:leave_policies": "admin",
    "schedules:team": "staff",
    "schedules:working_now": "manager",  # every team they may see
    "schedules:propose": "staff",
    "schedules:arrangement": "manager",
    "schedules:exceptions": "manager",
    "schedules:approvals": "manager",
    "schedules:leave_decide": "manager",
    "schedules:proposal_decide": "manager",
    "schedules:offices": "admin",
    "schedules:holidays": "admin",
    "schedules:holidays_import": "admin",
    "api:arrangement": "manager",
    "api:person_intervals": "manager",
    "api:team_intervals": "manager",
    "api:working_now": "staff",
    "api:leave": "staff",
    "api:leave_decision": "manager",
    "api:leave_cancel": "staff",
    "api:arrangement_proposals": "staff",
    "api:proposal_decision": "manager",
    "api:schedule_exceptions": "manager",
    "api:offices": "staff",
    "api:offices POST": "admin",
    "api:holidays": "staff",
    "api:holidays POST": "admin",
    "api:holidays_import": "admin",
    "api:leave_balances": "staff",  # one's own; someone else's: their manager
    "api:leave_policies": "staff",
    "api:leave_policies PUT": "admin",
    "api:leave_allowances": "manager",
    # shifts (path ids are unknown shifts; the policy page is the manager's program)
    "shifts:list": "public",
    "shifts:calendar": "public",
    "shifts:mine": "volunteer",
    "shifts:log_hours": "volunteer",
    "shifts:hours": "manager",
    "shifts:hours_decide": "manager",
    "shifts:hours_correct": "manager",
    "shifts:certificate_mine": "volunteer",
    "shifts:certificate_for": "manager",
    "shifts:certificate": "volunteer",
    "shifts:verify": "public",
    "shifts:policy": "manager",
    "shifts:availability": "volunteer",
    "shifts:blackout_add": "volunteer",
    "shifts:blackout_remove": "volunteer",
    "shifts:invite_available": "manager",
    "shifts:roster": "manager",
    "shifts:roster_add": "manager",
    "shifts:roster_remove": "manager",
    "shifts:attendance": "manager",
    "shifts:message": "manager",
    "shifts:cancel_shift": "manager",
    "shifts:edit": "manager",
    "shifts:opportunities": "public",
    "shifts:opportunity_new": "manager",
    "shifts:opportunity": "public",
    "shifts:opportunity_edit": "manager",
    "shifts:shift_new": "manager",
    "shifts:detail": "public",
    "shifts:signup": "volunteer",
    "shifts:cancel": "volunteer",
    "shifts:accept": "volunteer",
    "shifts:swap": "volunteer",
    "shifts:handover": "volunteer",
    "shifts:handover_decide": "manager",
    "shifts:join": "public",
    "shifts:checkin": "volunteer",
    "shifts:checkout": "volunteer",
    "shifts:door_qr": "manager",
    "shifts:door": "public",  # the signed code in the path is checked first (403/410)
    "shifts:door_check": "volunteer",
    "shifts:kiosk_open": "manager",
    "shifts:kiosk": "manager",
    "shifts:kiosk_tap": "manager",
    "shifts:kiosk_leave": "manager",
    "shifts:sheet": "manager",
    "shifts:sheet_results": "manager",
    "api:opportunities": "volunteer",
    "api:opportunity": "volunteer",
    "api:shifts": "volunteer",
    "api:shift": "volunteer",
    "api:shift_signup": "volunteer",
    "api:shift_cancel": "volunteer",
    "api:shift_accept": "volunteer",
    "api:shift_swap": "volunteer",
    "api:shift_checkin": "volunteer",
    "api:shift_checkout": "volunteer",
    "api:shift_handover": "volunteer",
    "api:handover_decide": "manager",
    "api:shift_policy": "manager",
    "api:availability": "volunteer",
    "api:blackouts": "volunteer",
    "api:blackout": "volunteer",
    "api:invite_available": "manager",
    "api:shift_roster": "manager",
    "api:shift_roster_entry": "manager",
    "api:shift_message": "manager",
    "api:shift_cancel_shift": "manager",
    "api:shift_attendance": "manager",
    "api:hours": "volunteer",
    "api:hours_totals": "volunteer",
    "api:certificates": "volunteer",
    "api:certificate": "volunteer",
    "api:hours_record": "manager",
    # meetings
    "meetings:calendar": "volunteer",
    "meetings:new": "staff",
    "meetings:find": "staff",
    "meetings:poll_new": "staff",
    "meetings:poll": "volunteer",
    "meetings:poll_decide": "staff",
    "meetings:rsvp_link": "public",
    "meetings:detail": "volunteer",
    "meetings:edit": "staff",
    "meetings:respond": "volunteer",
    "meetings:cancel": "staff",
    "meetings:skip": "staff",
    "meetings:minutes": "staff",
    "api:meetings": "volunteer",
    "api:meetings POST": "staff",
    "api:meeting_conflicts": "staff",
    "api:find_a_time": "staff",
    "api:meeting": "volunteer",
    "api:meeting_occurrence": "volunteer",
    "api:meeting_occurrence PATCH": "staff",
    "api:meeting_occurrence DELETE": "staff",
    "api:meeting_minutes": "staff",
    "api:meeting_rsvp": "volunteer",
    "api:meeting_polls": "staff",
    "api:meeting_poll": "volunteer",
    "api:meeting_poll_votes": "volunteer",
    "api:meeting_poll_decide": "staff",
    # tasks (path ids are unknown boards and tasks: 404 for those let in)
    "tasks:boards": "volunteer",
    "tasks:board_new": "manager",
    "tasks:board": "volunteer",
    "tasks:board_settings": "volunteer",
    "tasks:column_add": "volunteer",
    "tasks:column_edit": "volunteer",
    "tasks:label_add": "volunteer",
    "tasks:member_add": "volunteer",
    "tasks:member_remove": "volunteer",
    "tasks:board_activity": "volunteer",
    "tasks:mine": "volunteer",
    "tasks:overview": "manager",
    "tasks:list": "volunteer",
    "tasks:new": "volunteer",
    "tasks:detail": "volunteer",
    "tasks:edit": "volunteer",
    "tasks:move": "volunteer",
    "tasks:assign": "volunteer",
    "tasks:comment": "volunteer",
    "tasks:checklist_add": "volunteer",
    "tasks:checklist_item": "volunteer",
    "tasks:link_add": "volunteer",
    "tasks:link_remove": "volunteer",
    "tasks:label_remove": "volunteer",
    "tasks:repeat_stop": "volunteer",
    "tasks:delete": "volunteer",
    "api:boards": "volunteer",
    "api:boards POST": "manager",
    "api:board": "volunteer",
    "api:board_columns": "volunteer",
    "api:board_labels": "volunteer",  # a board manager's (404 or 403 otherwise)
    "api:board_members": "volunteer",
    "api:board_member": "volunteer",
    "api:board_column": "volunteer",
    "api:board_tasks": "volunteer",
    "api:board_activity": "volunteer",
    "api:tasks_mine": "volunteer",
    "api:task": "volunteer",
    "api:task_move": "volunteer",
    "api:task_assignees": "volunteer",
    "api:task_comments": "volunteer",
    "api:task_checklist": "volunteer",
    "api:task_checklist_item": "volunteer",
    "api:task_links": "volunteer",
    "api:task_link": "volunteer",
    "api:task_label": "volunteer",
    "api:task_activity": "volunteer",
    # reports (managers see what they run, admins everything)
    "reports:index": "manager",
    "reports:hours": "manager",
    "reports:fill": "manager",
    "reports:applications": "manager",
    "reports:no_shows": "manager",
    "reports:coverage": "manager",
    "reports:throughput": "manager",
    "reports:leave": "manager",
    "reports:exports": "manager",
    "reports:export": "manager",
    "reports:imports": "manager",
    "api:imports": "manager",
    # a program's report for funders: its managers (and its read-only viewers, not in the walk);
    # a share link's page is public (an unknown token is 404, a revoked one 410)
    "reports:program": "manager",
    "reports:program_narrative": "manager",
    "reports:program_link_create": "manager",
    "reports:program_link_revoke": "manager",
    "reports:shared": "public",
    "api:program_report": "manager",
    "api:program_narrative": "manager",
    "api:program_links": "manager",
    "api:program_link_revoke": "manager",
    "api:report": "manager",
    "api:report_export": "manager",
    # feeds
    "feeds:feed": "public",  # unknown tokens answer 404, like a wrong signed link
    "feeds:index": "volunteer",
    "feeds:meeting_download": "volunteer",  # only who may see the meeting (404 otherwise)
    "feeds:shift_download": "public",  # like the shift's page
    "feeds:create": "volunteer",
    "feeds:parts": "volunteer",
    "feeds:revoke": "volunteer",
}

CSRF = "c" * 43


def walked_routes(app: Any) -> list[OpsRoute]:
    routes = []
    for route in app.routes:
        if isinstance(route, Mount) and route.path == "/static":
            continue
        assert isinstance(route, OpsRoute), f"{route!r} is not declared with page() or api()"
        routes.append(route)
    return routes


def test_every_route_is_in_the_access_table(settings):
    names = {route.name for route in walked_routes(create_app(settings))}
    listed = {key.split(" ")[0] for key in ACCESS}
    missing = sorted(names - listed)
    assert not missing, f"add these routes to ACCESS in tests/web/test_roles.py: {missing}"
    stale = sorted(listed - names)
    assert not stale, f"ACCESS in tests/web/test_roles.py lists routes that are gone: {stale}"


async def make_world() -> dict[str, Any]:
    """A person of each role, someone to look at, a team and a program the manager runs."""
    users = {role: await make_user(role, name=f"Walker {role}") for role in ROLES[1:]}
    target = await make_user(Role.VOLUNTEER, name="Someone Else")
    now = clock.now()
    team = await Team.create(name="Kitchen", created_at=now)
    await TeamMember.create(team=team, user=users["manager"], is_manager=True)
    await TeamMember.create(team=team, user=target)
    program = await Program.create(name="Winter shelter", created_at=now)
    await ProgramRole.create(program=program, user=users["manager"], access=ProgramAccess.MANAGE)
    await ProgramRole.create(program=program, user=target, access=ProgramAccess.READ)
    by_segment = {"people": target.id, "teams": team.id, "programs": program.id}
    return {"users": users, "target": target, "ids": by_segment}


def fill_path(route: OpsRoute, ids: dict[str, int]) -> str:
    segments = route.path.strip("/").split("/")
    filled = []
    for index, segment in enumerate(segments):
        if not segment.startswith("{"):
            filled.append(segment)
            continue
        param = segment[1:-1].split(":")[0]
        before = segments[index - 1] if index else ""
        if param == "user_id" or before == "members":
            value = ids["people"]
        elif param == "id" and before in ids:
            value = ids[before]
        else:
            value = 999999
        filled.append(str(value))
    return "/" + "/".join(filled)


def expected_role(name: str, method: str) -> str:
    return ACCESS.get(f"{name} {method}", ACCESS[name])


async def request_as(
    client: httpx.AsyncClient, user: User | None, method: str, path: str, settings: Any
) -> httpx.Response:
    """One request from a browser (or script) that just signed in as ``user``."""
    client.cookies.clear()
    client.cookies.set("opsuite_csrf", CSRF)
    if user is not None:
        started = await start_session(user, settings=settings)
        client.cookies.set("opsuite_session", started.key)
    if method == "GET":
        return await client.get(path)
    if path.startswith("/api/"):
        return await client.request(method, path, json={}, headers={"x-csrf-token": CSRF})
    return await client.request(method, path, data={"csrf_token": CSRF})


def judge(role: str, need: str, path: str, response: httpx.Response) -> str | None:
    """What is wrong with this answer, if anything."""
    status = response.status_code
    location = response.headers.get("location", "")
    to_login = status == 303 and location.startswith("/login?next=")
    if status >= 500:
        return f"{status} (server error)"
    if RANK[role] >= RANK[need]:
        if status in (401, 403) or to_login:
            return f"refused with {status} {location}".strip()
        return None
    if role == "anonymous":
        if path.startswith("/api/"):
            return None if status == 401 else f"expected 401, got {status}"
        return None if to_login else f"expected 303 to /login, got {status} {location}".strip()
    return None if status == 403 else f"expected 403, got {status} {location}".strip()


async def test_every_route_lets_in_exactly_the_roles_in_the_table(settings, frozen_clock):
    app = create_app(settings)
    routes = walked_routes(app)
    assert not [r.name for r in routes if r.name not in ACCESS], "see the table test"
    world = await make_world()
    problems = []
    # A server error becomes a 500 answer in the list below instead of stopping the walk.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for route in routes:
            path = fill_path(route, world["ids"])
            for method in sorted((route.methods or set()) - {"HEAD"}):
                need = expected_role(route.name, method)
                # Least privileged first, so a destructive call by an allowed role (deactivate)
                # happens after the refusals have been checked.
                for role in ROLES:
                    user = world["users"].get(role)
                    response = await request_as(client, user, method, path, settings)
                    problem = judge(role, need, path, response)
                    if problem:
                        problems.append(f"{route.name} {method} {path} as {role}: {problem}")
                # Sign-ups and logins leave throttle rows and sessions; keep the clock moving.
                clock.set_now(clock.now() + timedelta(seconds=1))
    assert not problems, "\n".join(problems)


async def test_a_persons_own_profile_is_open_to_them(settings):
    volunteer = await make_user(Role.VOLUNTEER)
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        for path in (f"/people/{volunteer.id}", f"/api/v1/people/{volunteer.id}", "/api/v1/me"):
            response = await request_as(browser, volunteer, "GET", path, settings)
            assert response.status_code == 200, path


async def test_program_read_access_lets_a_volunteer_see_that_program(settings):
    world = await make_world()
    target = world["target"]
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        path = f"/programs/{world['ids']['programs']}"
        response = await request_as(browser, target, "GET", path, settings)
        assert response.status_code == 200
        edit = await request_as(browser, target, "GET", f"{path}/edit", settings)
        assert edit.status_code == 403


async def test_a_manager_who_does_not_run_a_team_may_not_change_it(settings):
    world = await make_world()
    other_manager = await make_user(Role.MANAGER, name="Other Manager")
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as browser:
        for path in (
            f"/teams/{world['ids']['teams']}/edit",
            f"/programs/{world['ids']['programs']}/edit",
        ):
            response = await request_as(browser, other_manager, "GET", path, settings)
            assert response.status_code == 403, path
            allowed = await request_as(browser, world["users"]["manager"], "GET", path, settings)
            assert allowed.status_code == 200, path
