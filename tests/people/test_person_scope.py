"""A manager acts only on the people of the teams and programs they run (issue #15, defect 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.auth.models import User
from opsuite.auth.permissions import can, manages_person
from opsuite.auth.service import create_link
from opsuite.caps import Cap
from opsuite.errors import FieldErrors, PermissionDenied
from opsuite.people.service import (
    deactivate_person,
    reactivate_person,
    resend_invite,
    update_person,
)
from opsuite.shifts.models import SignUp, SignUpStatus
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_program, make_team
from tests.factories.shifts import make_opportunity, make_shift


async def _world() -> dict[str, User]:
    """Two managers, each running a team with a staff member and a volunteer in it."""
    ours = await make_user("manager", name="Our Manager")
    theirs = await make_user("manager", name="Their Manager")
    staff = await make_user("staff", name="Our Staff")
    volunteer = await make_user("volunteer", name="Our Volunteer")
    stranger = await make_user("staff", name="Office Staff")
    await make_team(manager=ours, members=[staff, volunteer])
    await make_team(manager=theirs, members=[stranger])
    return {
        "ours": ours,
        "theirs": theirs,
        "staff": staff,
        "volunteer": volunteer,
        "stranger": stranger,
    }


async def test_a_manager_may_not_rename_demote_or_deactivate_someone_of_another_team(client):
    people = await _world()
    stranger = people["stranger"]
    await log_in(client, people["ours"].email)
    token = client.cookies["opsuite_csrf"]
    headers = {"x-csrf-token": token}

    for body in ({"name": "Hacked"}, {"role": "volunteer"}, {"is_active": False}):
        response = await client.patch(f"/api/v1/people/{stranger.id}", json=body, headers=headers)
        assert response.status_code == 403, body
    assert (await client.get(f"/people/{stranger.id}/edit")).status_code == 403
    deactivate = await post_form(
        client, f"/people/{stranger.id}/deactivate", {}, from_page=f"/people/{stranger.id}"
    )
    assert deactivate.status_code == 403

    await stranger.refresh_from_db()
    assert (stranger.name, stranger.role, stranger.is_active) == ("Office Staff", "staff", True)
    page = await client.get(f"/people/{stranger.id}")
    assert f"/people/{stranger.id}/edit" not in page.text
    assert f"/people/{stranger.id}/deactivate" not in page.text


async def test_a_manager_acts_on_the_people_of_their_own_team(client):
    people = await _world()
    staff = people["staff"]
    await log_in(client, people["ours"].email)
    headers = {"x-csrf-token": client.cookies["opsuite_csrf"]}

    renamed = await client.patch(
        f"/api/v1/people/{staff.id}", json={"name": "Our Staff Member"}, headers=headers
    )
    page = await client.get(f"/people/{staff.id}")
    deactivated = await post_form(
        client, f"/people/{staff.id}/deactivate", {}, from_page=f"/people/{staff.id}"
    )

    assert renamed.status_code == 200
    assert f"/people/{staff.id}/edit" in page.text
    assert deactivated.status_code == 303
    await staff.refresh_from_db()
    assert (staff.name, staff.is_active) == ("Our Staff Member", False)


async def test_reactivating_someone_of_another_team_is_refused():
    people = await _world()
    admin = await make_user("admin")
    await deactivate_person(admin, people["stranger"])

    with pytest.raises(PermissionDenied):
        await reactivate_person(people["ours"], people["stranger"])
    await reactivate_person(people["theirs"], people["stranger"])
    await people["stranger"].refresh_from_db()
    assert people["stranger"].is_active


async def test_a_manager_may_not_act_on_another_manager_even_in_their_team():
    people = await _world()
    colleague = await make_user("manager", name="Co-manager")
    await make_team(manager=people["ours"], members=[colleague])

    assert not await manages_person(people["ours"], colleague)
    with pytest.raises(PermissionDenied):
        await update_person(people["ours"], colleague, name="Renamed")
    with pytest.raises(PermissionDenied):
        await deactivate_person(people["ours"], people["theirs"])


async def test_a_manager_may_not_promote_their_own_staff_to_manager():
    people = await _world()
    with pytest.raises(FieldErrors) as refused:
        await update_person(people["ours"], people["staff"], role="manager")
    assert "role" in refused.value.errors
    await people["staff"].refresh_from_db()
    assert people["staff"].role == "staff"


async def test_nobody_deactivates_themself():
    admin = await make_user("admin")
    manager = await make_user("manager")
    for person in (admin, manager):
        with pytest.raises((FieldErrors, PermissionDenied)):
            await update_person(person, person, is_active=False)
        await person.refresh_from_db()
        assert person.is_active


async def test_admins_act_on_everyone():
    people = await _world()
    admin = await make_user("admin")
    for person in people.values():
        assert await can(admin, Cap.MANAGE, person)
    await update_person(admin, people["theirs"], role="staff")
    await people["theirs"].refresh_from_db()
    assert people["theirs"].role == "staff"


async def test_program_readers_and_volunteers_of_a_programs_shifts_are_its_managers_people():
    manager = await make_user("manager")
    reader = await make_user("volunteer", name="Board Member")
    signed_up = await make_user("volunteer", name="Shift Volunteer")
    nobody = await make_user("volunteer", name="Someone Else")
    program = await make_program(manager=manager, readers=[reader])
    shift = await make_shift(await make_opportunity(program=program, manager=manager))
    await SignUp.create(
        shift=shift,
        volunteer=signed_up,
        status=SignUpStatus.CONFIRMED,
        queued_at=clock.now(),
        created_at=clock.now(),
    )

    assert await manages_person(manager, reader)
    assert await manages_person(manager, signed_up)
    assert not await manages_person(manager, nobody)


async def test_resending_an_invitation_is_for_the_inviter_or_the_managers_of_the_person(
    settings,
):
    people = await _world()
    invitee = await make_user("volunteer", password="")
    admin = await make_user("admin")
    await create_link(
        invitee, purpose="invite", valid_for=timedelta(days=7), created_by=people["theirs"]
    )

    with pytest.raises(PermissionDenied):
        await resend_invite(people["ours"], invitee, settings=settings)
    await resend_invite(people["theirs"], invitee, settings=settings)
    await resend_invite(admin, invitee, settings=settings)
