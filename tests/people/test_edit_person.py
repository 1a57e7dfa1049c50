from __future__ import annotations

import httpx
import pytest

from opsuite.audit.models import Activity
from opsuite.auth.models import Session, User
from opsuite.errors import FieldErrors, InvalidInput, PermissionDenied
from opsuite.people.models import TeamMember
from opsuite.people.service import deactivate_person, update_person
from tests.conftest import log_in, post_form
from tests.factories.auth import PASSWORD, make_user
from tests.factories.people import make_team


def _profile(person: User, **changes: str) -> dict[str, str]:
    return {
        "name": person.name,
        "role": str(person.role),
        "timezone": person.timezone,
        "locale": person.locale,
        "phone": person.phone,
        "skills": ", ".join(person.skills),
        **changes,
    }


async def test_manager_edits_a_volunteers_profile(client):
    manager = await make_user("manager")
    volunteer = await make_user("volunteer", name="Dara")
    await make_team(manager=manager, members=[volunteer])
    await log_in(client, manager.email)
    path = f"/people/{volunteer.id}/edit"

    response = await post_form(
        client,
        path,
        _profile(
            volunteer,
            name="Dara Okafor",
            role="staff",
            timezone="Africa/Lagos",
            skills="driving, first aid",
        ),
    )

    assert response.status_code == 303
    assert "profile is saved" in (await client.get(response.headers["location"])).text
    await volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.role, volunteer.timezone) == (
        "Dara Okafor",
        "staff",
        "Africa/Lagos",
    )
    assert volunteer.skills == ["driving", "first aid"]
    assert await Activity.exists(action="people.person.role_changed", target_id=str(volunteer.id))


async def test_edit_errors_are_shown_by_the_field_and_nothing_is_saved(client):
    manager = await make_user("manager")
    volunteer = await make_user("volunteer", name="Dara")
    await make_team(manager=manager, members=[volunteer])
    await log_in(client, manager.email)

    response = await post_form(
        client,
        f"/people/{volunteer.id}/edit",
        _profile(volunteer, name="Dara Okafor", timezone="Atlantis/Capital"),
    )

    assert response.status_code == 400
    assert 'id="e-timezone"' in response.text
    assert 'value="Dara Okafor"' in response.text
    await volunteer.refresh_from_db()
    assert volunteer.name == "Dara"


async def test_only_admins_change_roles_to_or_from_admin(client):
    manager = await make_user("manager")
    admin = await make_user("admin")
    staff = await make_user("staff")
    await make_team(manager=manager, members=[staff])

    with pytest.raises(FieldErrors) as raised:
        await update_person(manager, staff, role="admin")
    assert raised.value.field == "role"
    with pytest.raises(PermissionDenied):
        await update_person(manager, admin, role="staff")
    await update_person(admin, staff, role="admin")
    assert (await User.get(id=staff.id)).role == "admin"
    await update_person(admin, staff, role="volunteer")
    assert (await User.get(id=staff.id)).role == "volunteer"


async def test_nobody_changes_their_own_role(client):
    admin = await make_user("admin")

    with pytest.raises(FieldErrors) as raised:
        await update_person(admin, admin, role="volunteer")

    assert raised.value.field == "role"


async def test_manager_cannot_open_another_managers_edit_page(client):
    manager = await make_user("manager")
    other = await make_user("manager")
    await log_in(client, manager.email)

    assert (await client.get(f"/people/{other.id}/edit")).status_code == 403
    assert (await client.get(f"/people/{manager.id}/edit")).status_code == 200


async def test_staff_cannot_edit_people(client):
    staff = await make_user("staff")
    volunteer = await make_user("volunteer")
    await log_in(client, staff.email)

    response = await post_form(
        client, f"/people/{volunteer.id}/edit", _profile(volunteer), from_page="/people"
    )

    assert response.status_code == 403


async def test_deactivated_person_keeps_history_but_can_no_longer_log_in(client, app):
    manager = await make_user("manager")
    volunteer = await make_user("volunteer", name="Dara")
    team = await make_team(manager=manager, members=[volunteer])
    transport = httpx.ASGITransport(app=app, client=("127.0.0.2", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as theirs:
        await log_in(theirs, volunteer.email)
        await log_in(client, manager.email)

        response = await post_form(
            client, f"/people/{volunteer.id}/deactivate", {}, from_page=f"/people/{volunteer.id}"
        )

        assert response.status_code == 303
        page = await client.get(f"/people/{volunteer.id}")
        assert "Dara is deactivated and can no longer log in." in page.text
        assert not await Session.exists(user_id=volunteer.id)
        assert (await theirs.get("/me")).status_code == 303  # their open session has ended
        refused = await post_form(
            theirs, "/login", {"email": volunteer.email, "password": PASSWORD}
        )
        assert refused.status_code == 400
    assert await User.exists(id=volunteer.id, is_active=False)
    assert await TeamMember.exists(team_id=team.id, user_id=volunteer.id)
    assert await Activity.exists(action="people.person.deactivated", target_id=str(volunteer.id))

    await post_form(
        client, f"/people/{volunteer.id}/reactivate", {}, from_page=f"/people/{volunteer.id}"
    )
    fresh = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    async with fresh:
        await log_in(fresh, volunteer.email)


async def test_admin_cannot_deactivate_themself(client):
    admin = await make_user("admin")

    with pytest.raises(InvalidInput):
        await deactivate_person(admin, admin)
    await log_in(client, admin.email)
    response = await post_form(
        client, f"/people/{admin.id}/deactivate", {}, from_page=f"/people/{admin.id}"
    )

    assert response.status_code == 400
    assert await User.exists(id=admin.id, is_active=True)


async def test_manager_cannot_deactivate_an_admin(client):
    manager = await make_user("manager")
    admin = await make_user("admin")
    await log_in(client, manager.email)

    response = await post_form(
        client, f"/people/{admin.id}/deactivate", {}, from_page=f"/people/{manager.id}"
    )

    assert response.status_code == 403
    assert await User.exists(id=admin.id, is_active=True)
