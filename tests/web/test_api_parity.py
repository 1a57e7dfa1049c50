"""API parity (issue #22): every action a page offers has an API operation that calls the same
service, or a line below saying why it has none.

The walk reads the app's route table: a new page POST fails here until it is given its API
counterpart in COUNTERPARTS, or a reason in BROWSER_ONLY (it only makes sense in a browser)
or NOT_YET (an honest gap, still to build; the list should only shrink).
"""

from __future__ import annotations

from opsuite.app import create_app
from opsuite.web.routing import OpsRoute
from tests.web.test_roles import walked_routes

# page route -> "api route METHOD" doing the same through the same service.
COUNTERPARTS = {
    "auth:profile": "api:me PATCH",
    "schedules:leave": "api:leave POST",
    "schedules:leave_decide": "api:leave_decision POST",
    "schedules:leave_cancel": "api:leave_cancel POST",
    "schedules:propose": "api:arrangement_proposals POST",
    "schedules:proposal_decide": "api:proposal_decision POST",
    "schedules:exceptions": "api:schedule_exceptions POST",
    "schedules:offices": "api:offices POST",
    "schedules:holidays": "api:holidays POST",
    "schedules:holidays_import": "api:holidays_import POST",
    "schedules:arrangement": "api:arrangement PUT",
    "schedules:person_leave": "api:leave_allowances PUT",
    "schedules:leave_policies": "api:leave_policies PUT",
    "people:invite": "api:people POST",
    "people:edit": "api:person PATCH",
    "people:deactivate": "api:person PATCH",  # with "is_active": false
    "people:reactivate": "api:person PATCH",  # with "is_active": true
    "people:resend_invite": "api:person_invite POST",
    "teams:new": "api:teams POST",
    "teams:edit": "api:team PATCH",
    "teams:deactivate": "api:team PATCH",  # with "is_active": false
    "teams:reactivate": "api:team PATCH",  # with "is_active": true
    "teams:member_add": "api:team_members POST",
    "teams:member_remove": "api:team_member DELETE",
    "programs:new": "api:programs POST",
    "programs:edit": "api:program PATCH",
    "programs:deactivate": "api:program PATCH",  # with "is_active": false
    "programs:reactivate": "api:program PATCH",  # with "is_active": true
    "programs:access_grant": "api:program_access POST",
    "programs:access_revoke": "api:program_access_person DELETE",
    "applications:apply": "api:apply POST",
    "applications:form": "api:application_form PUT",
    "applications:decide": "api:application_decide POST",
    "applications:guardian_resend": "api:guardian_resend POST",
    "applications:checks": "api:program_checks POST",
    "applications:check_remove": "api:program_check DELETE",
    "applications:person_checks": "api:check_record PUT",
    "applications:person_check_remove": "api:check_record DELETE",
    "shifts:opportunity_new": "api:opportunities POST",
    "shifts:opportunity_edit": "api:opportunity PATCH",
    "shifts:shift_new": "api:shifts POST",
    "shifts:edit": "api:shift PATCH",
    "shifts:signup": "api:shift_signup POST",
    "shifts:cancel": "api:shift_cancel POST",
    "shifts:accept": "api:shift_accept POST",
    "shifts:swap": "api:shift_swap POST",
    "shifts:handover": "api:shift_handover POST",
    "shifts:handover_decide": "api:handover_decide POST",
    "shifts:policy": "api:shift_policy PUT",
    "shifts:availability": "api:availability PUT",
    "shifts:blackout_add": "api:blackouts POST",
    "shifts:blackout_remove": "api:blackout DELETE",
    "shifts:invite_available": "api:invite_available POST",
    "shifts:roster_remove": "api:shift_roster_entry DELETE",
    "shifts:message": "api:shift_message POST",
    "shifts:cancel_shift": "api:shift_cancel_shift POST",
    "shifts:checkin": "api:shift_checkin POST",
    "shifts:checkout": "api:shift_checkout POST",
    "shifts:roster_add": "api:shift_roster POST",
    "shifts:attendance": "api:shift_attendance POST",
    "shifts:sheet_results": "api:shift_attendance POST",  # the paper sheet, one person a call
    "shifts:log_hours": "api:hours POST",
    "shifts:hours_decide": "api:hours_record PATCH",
    "shifts:hours_correct": "api:hours_record PATCH",
    "shifts:certificate_mine": "api:certificates POST",
    "shifts:certificate_for": "api:certificates POST",
    "meetings:new": "api:meetings POST",
    "meetings:edit": "api:meeting PATCH",
    "meetings:cancel": "api:meeting DELETE",
    "meetings:skip": "api:meeting_occurrence DELETE",
    "meetings:respond": "api:meeting_rsvp POST",
    "meetings:minutes": "api:meeting_minutes POST",
    "meetings:poll_new": "api:meeting_polls POST",
    "meetings:poll": "api:meeting_poll_votes POST",
    "meetings:poll_decide": "api:meeting_poll_decide POST",
    "tasks:board_new": "api:boards POST",
    "tasks:board_settings": "api:board PATCH",
    "tasks:label_add": "api:board_labels POST",
    "tasks:member_add": "api:board_members POST",
    "tasks:member_remove": "api:board_member DELETE",
    "tasks:column_add": "api:board_columns POST",
    "tasks:column_edit": "api:board_column PATCH",
    "tasks:new": "api:board_tasks POST",
    "tasks:edit": "api:task PATCH",
    "tasks:move": "api:task_move POST",
    "tasks:link_add": "api:task_links POST",
    "tasks:link_remove": "api:task_link DELETE",
    "tasks:label_remove": "api:task_label DELETE",
    "tasks:repeat_stop": "api:task PATCH",  # with "repeat": null
    "tasks:assign": "api:task_assignees PUT",
    "tasks:comment": "api:task_comments POST",
    "tasks:checklist_add": "api:task_checklist POST",
    "tasks:checklist_item": "api:task_checklist_item PATCH",
    "tasks:delete": "api:task DELETE",
    "notify:preferences": "api:notification_preferences PATCH",
    "notify:retry": "api:outbox_retry POST",
    "help:handled": "api:contact_request_handled POST",
    "reports:imports": "api:imports POST",
    "feeds:create": "api:feeds POST",
    "feeds:parts": "api:feed_parts PUT",
    "feeds:revoke": "api:feed_revoke POST",
    "reports:program_narrative": "api:program_narrative PUT",
    "reports:program_link_create": "api:program_links POST",
    "reports:program_link_revoke": "api:program_link_revoke POST",
    "chat:team": "api:team_chat_channels POST",
    "chat:program": "api:program_chat_channels POST",
    "chat:test": "api:chat_channel_test POST",
    "chat:disable": "api:chat_channel PATCH",  # with "active": false
    "chat:enable": "api:chat_channel PATCH",  # with "active": true
    "chat:delete": "api:chat_channel DELETE",
    "hooks:list": "api:webhooks POST",
    "hooks:endpoint": "api:webhook PATCH",
    "hooks:delete": "api:webhook DELETE",
    "hooks:secret": "api:webhook_secret POST",
    "hooks:test": "api:webhook_test POST",
    "hooks:resume": "api:webhook_resume POST",
    "hooks:replay": "api:webhook_replay POST",
}

# Page actions that belong to a browser, and why the API has none.
BROWSER_ONLY = {
    "web:lang": "a cookie for this browser; an account's language is PATCH /api/v1/me",
    "web:draft_save": "forms.js autosaving what is typed into a page's form",
    "web:draft_discard": "drops a page form's autosaved draft",
    **dict.fromkeys(
        ("auth:login", "auth:login_two_factor", "auth:logout", "auth:register"),
        "a browser session begins or ends; the API takes a personal token instead",
    ),
    **dict.fromkeys(
        ("auth:forgot", "auth:reset", "auth:invite"),
        "reached from an emailed link, before there is an account to hold a token",
    ),
    "auth:password": "a token must not be able to change the password and take the account",
    **dict.fromkeys(
        ("auth:tokens", "auth:token_revoke"),
        "tokens are made and ended in a signed-in browser, so a leaked one cannot make more",
    ),
    **dict.fromkeys(
        (
            "auth:two_factor_start",
            "auth:two_factor_confirm",
            "auth:two_factor_codes",
            "auth:two_factor_disable",
            "auth:two_factor_reset",
        ),
        "two-factor sign-in guards the browser session; a token is a second secret already",
    ),
    "people:erase": "erasing someone is for an admin at the screen that shows what goes",
    "notify:unsubscribe": "the signed one-click link in an email",
    "meetings:rsvp_link": "the signed answer link in an invitation email",
    "applications:guardian_consent": "the signed consent link emailed to a minor's guardian",
    "shifts:join": "a guest without an account; the API needs one (POST .../signup)",
    "shifts:door_check": "the QR code at the door, scanned by a phone's browser",
    **dict.fromkeys(
        ("shifts:kiosk_open", "shifts:kiosk_tap", "shifts:kiosk_leave"),
        "kiosk mode locks a shared tablet's browser; the API marks attendance instead",
    ),
    "help:contact": "a message to the administrators from anyone, signed in or not",
}

# Page actions still without an API operation: the gap issue #22 asked to close, now empty (a
# new page action takes its API operation in COUNTERPARTS, or a reason in BROWSER_ONLY).
NOT_YET: set[str] = set()


def page_actions(routes: list[OpsRoute]) -> set[str]:
    return {r.name for r in routes if r.api_doc is None and "POST" in (r.methods or ())}


def api_operations(routes: list[OpsRoute]) -> set[str]:
    return {f"{r.name} {m}" for r in routes if r.api_doc is not None for m in r.methods or ()}


def test_every_page_action_has_an_api_operation_or_a_reason(settings):
    routes = walked_routes(create_app(settings))
    actions = page_actions(routes)
    listed = [*COUNTERPARTS, *BROWSER_ONLY, *NOT_YET]
    assert len(listed) == len(set(listed)), "a page action is listed twice"
    missing = sorted(actions - set(listed))
    assert not missing, f"give these page actions an API operation (or a reason): {missing}"
    stale = sorted(set(listed) - actions)
    assert not stale, f"tests/web/test_api_parity.py lists page actions that are gone: {stale}"


def test_each_counterpart_is_a_documented_api_operation(settings):
    operations = api_operations(walked_routes(create_app(settings)))
    absent = sorted(
        f"{page} -> {api}" for page, api in COUNTERPARTS.items() if api not in operations
    )
    assert not absent, f"these API counterparts do not exist: {absent}"
