"""Leave through the web: request, the manager's email, the decision and the requester's email."""

from __future__ import annotations

from datetime import date

from opsuite.notify.service import dispatch_due
from opsuite.schedules.models import TimeOff, TimeOffStatus
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_team
from tests.factories.schedules import make_arrangement, make_leave
from tests.schedules.helpers import field_error, switch_to, table_rows, text_of

WEEK_START, WEEK_END = date(2026, 3, 10), date(2026, 3, 12)
WEEK = {"kind": "vacation", "start_date": "2026-03-10", "end_date": "2026-03-12"}


async def staff_with_manager():
    manager = await make_user("manager", name="Li Na", email="lina@example.org")
    staff = await make_user("staff", name="Sam Carter", email="sam@example.org")
    team = await make_team(manager=manager, members=[staff])
    await make_arrangement(staff, actor=manager)
    return manager, staff, team


async def test_leave_request_emails_the_manager_and_approval_emails_the_requester(
    client, settings, inbox, frozen_clock
):
    manager, staff, _team = await staff_with_manager()
    await log_in(client, staff.email)

    response = await post_form(client, "/schedule/leave", {**WEEK, "reason": "Family visit"})
    assert response.status_code == 303
    assert response.headers["location"] == "/schedule/leave"
    page = await client.get("/schedule/leave")
    assert "Your leave request is sent to your managers." in page.text
    assert "Waiting for a decision" in text_of(page.text)

    await dispatch_due(settings)
    [asked] = inbox.to("lina@example.org")
    assert asked.subject == "Sam Carter asks for leave from Mar 10, 2026 to Mar 12, 2026"
    assert "Reason: Family visit" in asked.text
    assert "http://testserver/schedule/approvals" in asked.text
    assert inbox.to("sam@example.org") == []

    await switch_to(client, manager.email)
    approvals = await client.get("/schedule/approvals")
    assert "Sam Carter: Vacation" in text_of(approvals.text)
    leave = await TimeOff.get(user_id=staff.id)
    response = await post_form(
        client,
        f"/schedule/approvals/leave/{leave.id}",
        {"decision": "approve", "note": "Enjoy the trip"},
        from_page="/schedule/approvals",
    )
    assert response.status_code == 303
    follow = await client.get("/schedule/approvals")
    assert "The leave of Sam Carter is approved." in follow.text
    assert "No leave requests are waiting for you." in follow.text

    await dispatch_due(settings)
    [told] = inbox.to("sam@example.org")
    assert told.subject == "Your leave from Mar 10, 2026 to Mar 12, 2026 is approved"
    assert "Li Na approved your leave request" in told.text
    assert "Note: Enjoy the trip" in told.text

    # The approved days show as time off in Sam's week (Shanghai, 09:00-17:00 workdays).
    await switch_to(client, staff.email)
    week = await client.get("/schedule?week=2026-03-09")
    tuesday = table_rows(week, "week")[0]
    assert "Time off (Vacation)" in tuesday
    assert "Planned this week: 16 hours" in text_of(week.text)


async def test_rejected_leave_tells_the_requester_and_leaves_the_week_alone(
    client, settings, inbox, frozen_clock
):
    manager, staff, _team = await staff_with_manager()
    leave = await make_leave(staff, WEEK_START, WEEK_END, settings=settings)
    await log_in(client, manager.email)
    response = await post_form(
        client,
        f"/schedule/approvals/leave/{leave.id}",
        {"decision": "reject", "note": "Inventory week, sorry"},
        from_page="/schedule/approvals",
    )
    assert response.status_code == 303

    await dispatch_due(settings)
    [told] = inbox.to("sam@example.org")
    assert told.subject == "Your leave from Mar 10, 2026 to Mar 12, 2026 was not approved"
    assert "Inventory week, sorry" in told.text
    await switch_to(client, staff.email)
    mine = await client.get("/schedule/leave")
    assert "Not approved: Inventory week, sorry" in text_of(mine.text)
    week = await client.get("/schedule?week=2026-03-09")
    assert "Time off" not in table_rows(week, "week")[0]


async def test_leave_overlapping_approved_leave_is_refused_next_to_the_field(
    client, settings, frozen_clock
):
    manager, staff, _team = await staff_with_manager()
    await make_leave(staff, WEEK_START, WEEK_END, settings=settings, approved_by=manager)
    await log_in(client, staff.email)

    response = await post_form(
        client,
        "/schedule/leave",
        {"kind": "vacation", "start_date": "2026-03-12", "end_date": "2026-03-13"},
    )
    assert response.status_code == 400
    assert field_error(response, "start_date") == (
        "This overlaps leave already approved from 2026-03-10 to 2026-03-12."
    )
    assert 'value="2026-03-13"' in response.text  # what was typed is still there
    assert await TimeOff.all().count() == 1


async def test_part_day_leave_beside_approved_part_day_leave_is_accepted(
    client, settings, frozen_clock
):
    manager, staff, _team = await staff_with_manager()
    await log_in(client, staff.email)
    morning = {"kind": "other", "start_date": "2026-03-10", "end_date": "2026-03-10"}
    first = await post_form(
        client, "/schedule/leave", {**morning, "start_time": "09:00", "end_time": "11:00"}
    )
    assert first.status_code == 303
    leave = await TimeOff.get(user_id=staff.id)
    await switch_to(client, manager.email)
    await post_form(
        client,
        f"/schedule/approvals/leave/{leave.id}",
        {"decision": "approve"},
        from_page="/schedule/approvals",
    )
    await switch_to(client, staff.email)
    afternoon = await post_form(
        client, "/schedule/leave", {**morning, "start_time": "14:00", "end_time": "15:30"}
    )
    assert afternoon.status_code == 303
    clash = await post_form(
        client, "/schedule/leave", {**morning, "start_time": "10:30", "end_time": "12:00"}
    )
    assert clash.status_code == 400
    assert "overlaps leave already approved" in field_error(clash, "start_date")


async def test_last_day_before_first_day_is_refused_and_nothing_is_saved(client, frozen_clock):
    _manager, staff, _team = await staff_with_manager()
    await log_in(client, staff.email)
    response = await post_form(
        client,
        "/schedule/leave",
        {"kind": "sick", "start_date": "2026-03-12", "end_date": "2026-03-10", "reason": "Flu"},
    )
    assert response.status_code == 400
    assert field_error(response, "end_date") == "The last day cannot be before the first day."
    assert 'value="2026-03-12"' in response.text
    assert ">Flu</textarea>" in response.text
    assert await TimeOff.all().count() == 0


async def test_half_a_part_day_and_a_nonsense_date_are_refused(client, frozen_clock):
    _manager, staff, _team = await staff_with_manager()
    await log_in(client, staff.email)
    response = await post_form(
        client,
        "/schedule/leave",
        {
            "kind": "vacation",
            "start_date": "2026-02-30",
            "end_date": "2026-03-01",
            "start_time": "09:00",
        },
    )
    assert response.status_code == 400
    assert field_error(response, "start_date") == "Enter a date like 2026-03-09."
    assert await TimeOff.all().count() == 0


async def test_cancelling_a_pending_request_withdraws_the_managers_email(
    client, settings, inbox, frozen_clock
):
    _manager, staff, _team = await staff_with_manager()
    await log_in(client, staff.email)
    await post_form(client, "/schedule/leave", WEEK)
    leave = await TimeOff.get(user_id=staff.id)
    response = await post_form(
        client, f"/schedule/leave/{leave.id}/cancel", {}, from_page="/schedule/leave"
    )
    assert response.status_code == 303
    await leave.refresh_from_db()
    assert leave.status == TimeOffStatus.CANCELLED
    await dispatch_due(settings)
    assert inbox.to("lina@example.org") == []
    page = await client.get("/schedule/leave")
    assert "Cancelled" in text_of(page.text)
    assert "Cancel request" not in page.text


async def test_someone_elses_leave_cannot_be_cancelled_or_decided_by_outsiders(
    client, settings, frozen_clock
):
    _manager, staff, _team = await staff_with_manager()
    leave = await make_leave(staff, WEEK_START, WEEK_END, settings=settings)
    colleague = await make_user("staff")
    outsider_manager = await make_user("manager")
    await make_team(manager=outsider_manager)

    await log_in(client, colleague.email)
    cancel = await post_form(
        client, f"/schedule/leave/{leave.id}/cancel", {}, from_page="/schedule/leave"
    )
    assert cancel.status_code == 404
    await switch_to(client, outsider_manager.email)
    decide = await post_form(
        client,
        f"/schedule/approvals/leave/{leave.id}",
        {"decision": "approve"},
        from_page="/schedule/approvals",
    )
    assert decide.status_code == 403
    approvals = await client.get("/schedule/approvals")
    assert "Sam Carter" not in approvals.text
    await leave.refresh_from_db()
    assert leave.status == TimeOffStatus.PENDING


async def test_a_manager_cannot_approve_their_own_leave(client, settings, frozen_clock):
    manager, _staff, _team = await staff_with_manager()
    own = await make_leave(manager, WEEK_START, WEEK_END, settings=settings)
    await log_in(client, manager.email)
    response = await post_form(
        client,
        f"/schedule/approvals/leave/{own.id}",
        {"decision": "approve"},
        from_page="/schedule/approvals",
    )
    assert response.status_code == 403


async def test_the_schedule_page_lists_my_requests(client, settings, frozen_clock):
    manager, staff, _team = await staff_with_manager()
    await make_leave(staff, WEEK_START, WEEK_END, settings=settings, approved_by=manager)
    await log_in(client, staff.email)
    page = await client.get("/schedule")
    assert "Approved" in section_text(page)


def section_text(response):
    return text_of(response.text.split("My leave requests", 1)[1])
