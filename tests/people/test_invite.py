from __future__ import annotations

import re

from opsuite.auth.models import OneTimeLink, User
from opsuite.notify.service import dispatch_due
from opsuite.people.models import TeamMember
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user
from tests.factories.people import make_team

INVITE = {
    "name": "Aroha Ngata",
    "email": "aroha@example.org",
    "role": "volunteer",
    "timezone": "Pacific/Auckland",
    "locale": "en",
    "team_id": "",
}


async def test_invitee_gets_an_email_whose_link_sets_a_password_and_logs_in(
    client, settings, inbox
):
    manager = await make_user("manager", name="Mei Lin")
    team = await make_team(manager=manager, name="Food bank")
    await log_in(client, manager.email)

    response = await post_form(client, "/people/invite", {**INVITE, "team_id": str(team.id)})

    assert response.status_code == 303
    invitee = await User.get(email="aroha@example.org")
    assert response.headers["location"] == f"/people/{invitee.id}"
    assert "is invited" in (await client.get(response.headers["location"])).text
    assert await TeamMember.exists(team_id=team.id, user_id=invitee.id)

    await dispatch_due(settings)
    [message] = inbox.to("aroha@example.org")
    assert message.subject == "Mei Lin invites you to opsuite"
    assert "as volunteer" in message.text
    assert "expires in 7 days" in message.text
    link = re.search(r"http://testserver(/invite/\S+)", message.text).group(1)
    assert link in message.part("text/html")

    client.cookies.clear()
    page = await client.get(link)
    assert "Aroha Ngata" in page.text
    response = await post_form(client, link, {"password": "a long new password"})
    assert response.status_code == 303
    client.cookies.clear()
    await log_in(client, "aroha@example.org", "a long new password")
    assert "Hello, Aroha Ngata" in (await client.get("/")).text


async def test_duplicate_email_is_a_field_error_and_nothing_is_created(client, settings, inbox):
    manager = await make_user("manager")
    await make_user("volunteer", email="taken@example.org", name="Already Here")
    await log_in(client, manager.email)
    before = await User.all().count()

    response = await post_form(
        client, "/people/invite", {**INVITE, "email": "Taken@Example.org", "name": "Someone New"}
    )

    assert response.status_code == 400
    assert "Someone already uses this email address." in response.text
    assert 'value="Someone New"' in response.text  # what was typed is kept
    assert await User.all().count() == before
    assert await OneTimeLink.all().count() == 0
    await dispatch_due(settings)
    assert inbox.messages == []


async def test_unknown_time_zone_and_over_long_name_are_shown_by_their_fields(client):
    manager = await make_user("manager")
    await log_in(client, manager.email)
    long_name = "N" * 121

    response = await post_form(
        client, "/people/invite", {**INVITE, "name": long_name, "timezone": "Mars/Olympus"}
    )

    assert response.status_code == 400
    assert 'id="e-timezone"' in response.text
    assert "Unknown time zone" in response.text
    assert 'id="e-name"' in response.text
    assert "At most 120 characters" in response.text
    assert 'value="Mars/Olympus"' in response.text
    assert not await User.exists(email="aroha@example.org")


async def test_managers_invite_staff_but_only_admins_invite_managers(client):
    manager = await make_user("manager")
    await log_in(client, manager.email)

    refused = await post_form(client, "/people/invite", {**INVITE, "role": "manager"})
    allowed = await post_form(client, "/people/invite", {**INVITE, "role": "staff"})

    assert refused.status_code == 400
    assert 'id="e-role"' in refused.text
    assert allowed.status_code == 303
    assert (await User.get(email="aroha@example.org")).role == "staff"


async def test_admin_may_invite_a_manager(client):
    admin = await make_user("admin")
    await log_in(client, admin.email)

    response = await post_form(client, "/people/invite", {**INVITE, "role": "manager"})

    assert response.status_code == 303
    assert (await User.get(email="aroha@example.org")).role == "manager"


async def test_manager_cannot_invite_into_a_team_they_do_not_run(client):
    manager = await make_user("manager")
    other_team = await make_team()
    await log_in(client, manager.email)

    response = await post_form(client, "/people/invite", {**INVITE, "team_id": str(other_team.id)})

    assert response.status_code == 400
    assert 'id="e-team_id"' in response.text
    assert not await User.exists(email="aroha@example.org")


async def test_staff_cannot_open_the_invitation_page(client):
    staff = await make_user("staff")
    await log_in(client, staff.email)

    assert (await client.get("/people/invite")).status_code == 403


async def test_a_new_invitation_replaces_the_old_link(client, settings, inbox):
    manager = await make_user("manager")
    await log_in(client, manager.email)
    await post_form(client, "/people/invite", INVITE)
    invitee = await User.get(email="aroha@example.org")
    await dispatch_due(settings)
    first = re.search(r"(/invite/\S+)", inbox.messages[0].text).group(1)

    response = await post_form(
        client, f"/people/{invitee.id}/invite", {}, from_page=f"/people/{invitee.id}"
    )
    await dispatch_due(settings)

    assert response.status_code == 303
    assert len(inbox.to("aroha@example.org")) == 2
    second = re.search(r"(/invite/\S+)", inbox.messages[1].text).group(1)
    assert (await client.get(first)).status_code == 404
    assert (await client.get(second)).status_code == 200
