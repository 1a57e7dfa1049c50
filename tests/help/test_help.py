"""Help is online: guides for each area, and questions that reach the administrators."""

from __future__ import annotations

from opsuite.help.models import ContactRequest
from opsuite.notify.service import dispatch_due
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user


async def test_every_help_topic_is_a_page_in_both_languages(client):
    index = await client.get("/help")
    topics = [line.split('"')[1] for line in index.text.split("<a href=") if '"/help/' in line]
    assert "/help/start" in topics
    assert "/help/schedules" in topics
    for path in [t for t in topics if t != "/help/contact"]:
        english = await client.get(path)
        chinese = await client.get(path, headers={"accept-language": "zh-CN"})
        assert english.status_code == chinese.status_code == 200, path
        assert "Ask an administrator" in english.text
        assert "咨询管理员" in chinese.text, path
    assert (await client.get("/help/nonsense")).status_code == 404


async def test_a_question_reaches_every_admin_by_email_and_waits_in_the_app(
    client, settings, inbox
):
    admins = [await make_user("admin", locale="zh_Hans"), await make_user("admin")]
    volunteer = await make_user("volunteer", name="赵磊 Zhao Lei")
    await log_in(client, volunteer.email)
    form = await client.get("/help/contact?from=/schedule")
    assert 'value="赵磊 Zhao Lei"' in form.text  # signed-in people need not type their name

    sent = await post_form(
        client,
        "/help/contact",
        {
            "name": "赵磊 Zhao Lei",
            "email": volunteer.email,
            "subject": "Cannot see my shift",
            "message": "The shift on Saturday is gone from My shifts.",
            "from": "/schedule",
        },
        from_page="/help/contact",
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/schedule"
    await dispatch_due(settings)
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == sorted(a.email for a in admins)
    assert "The shift on Saturday is gone" in inbox.to(admins[1].email)[0].text

    client.cookies.clear()  # the volunteer's browser closes; an admin opens opsuite
    await log_in(client, admins[1].email)
    page = await client.get("/admin/requests")
    assert "Cannot see my shift" in page.text
    assert "/schedule" in page.text
    request = await ContactRequest.get()
    done = await post_form(
        client, f"/admin/requests/{request.id}/handled", {}, from_page="/admin/requests"
    )
    assert done.status_code == 303
    assert "Cannot see my shift" not in (await client.get("/admin/requests")).text
    again = await post_form(
        client, f"/admin/requests/{request.id}/handled", {}, from_page="/admin/requests?all=1"
    )
    assert again.status_code == 409


async def test_anyone_can_ask_without_an_account_and_mistakes_are_shown_by_the_field(client):
    await make_user("admin")
    bad = await post_form(
        client,
        "/help/contact",
        {"name": "", "email": "not an address", "subject": "Help", "message": "x" * 6000},
    )
    assert bad.status_code == 400
    assert "This field is required." in bad.text
    assert "Enter an email address" in bad.text
    assert "At most 5000 characters" in bad.text
    assert 'value="Help"' in bad.text
    assert not await ContactRequest.exists()
    good = await post_form(
        client,
        "/help/contact",
        {
            "name": "A Neighbour",
            "email": "n@example.org",
            "subject": "Volunteering",
            "message": "How do I join?",
        },
    )
    assert good.status_code == 303
    assert (await ContactRequest.get()).sender_id is None
