"""Sending find-a-time's best times as a poll: the form asks how people meet (in person by
default), and a refusal comes back on the same page, next to the field, with what was typed
and the times chosen kept (issue #14, defect 8)."""

from __future__ import annotations

import html
import re

from opsuite.meetings.models import Poll
from tests.conftest import csrf_token, log_in
from tests.factories.auth import make_user
from tests.factories.schedules import make_arrangement

FIND = (
    "/meetings/find?required={a}&required={b}&duration=60&from_date=2026-03-03&to_date=2026-03-06"
)


async def _find_page(client, frozen_clock):
    organizer = await make_user("staff", email="org@example.org", timezone="Europe/London")
    guest = await make_user("staff", timezone="Europe/London")
    for person in (organizer, guest):
        await make_arrangement(person)
    await log_in(client, "org@example.org")
    path = FIND.format(a=organizer.id, b=guest.id)
    page = await client.get(path)
    assert page.status_code == 200, page.text[-1500:]
    return organizer, guest, path, page.text


def _poll_form(page: str) -> dict[str, list[str]]:
    """What the browser would send from the poll form as the page shows it."""
    form = page[page.index('action="/meetings/polls"') :]
    form = form[: form.index("</form>")]
    values: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        values.setdefault(name.group(1), []).append(html.unescape(value.group(1) if value else ""))
    for select in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', select[1])
        values[select[0]] = [chosen.group(1) if chosen else ""]
    return values


async def test_poll_form_asks_how_people_meet_in_person_by_default(client, frozen_clock):
    _organizer, _guest, _path, page = await _find_page(client, frozen_clock)
    form = _poll_form(page)
    assert form["mode"] == ["in_person"]
    assert "location" in form
    assert "video_url" in form
    assert len(form["slot"]) == 3  # the three best times are offered


async def test_a_refused_poll_comes_back_on_the_find_page_with_what_was_typed(client, frozen_clock):
    _organizer, _guest, _path, page = await _find_page(client, frozen_clock)
    form = _poll_form(page)
    chosen = form["slot"][1]
    form.update(slot=[chosen], title=["Budget review"], mode=["online"], video_url=[""])

    refused = await client.post("/meetings/polls", data=form)

    assert refused.status_code == 400
    text = html.unescape(refused.text)
    assert 'id="e-video_url"' in refused.text
    assert "An online or hybrid meeting needs a video link." in text
    assert 'value="Budget review"' in refused.text  # the title typed is kept
    again = _poll_form(refused.text)
    assert again["slot"] == [chosen]  # and the times chosen
    assert again["mode"] == ["online"]
    assert await Poll.all().count() == 0

    form.update(mode=["in_person"], location=[""])
    refused = await client.post("/meetings/polls", data=form)
    assert refused.status_code == 400
    assert 'id="e-location"' in refused.text
    assert await Poll.all().count() == 0


async def test_an_in_person_poll_without_a_video_link_is_sent(client, frozen_clock):
    _organizer, _guest, _path, page = await _find_page(client, frozen_clock)
    form = _poll_form(page)
    form.update(title=["Budget review"], location=["Room 2"], video_url=[""])
    form["csrf_token"] = [await csrf_token(client, "/meetings")]

    sent = await client.post("/meetings/polls", data=form)

    assert sent.status_code == 303, sent.text[-1500:]
    poll = await Poll.get()
    assert (poll.mode, poll.location, poll.video_url) == ("in_person", "Room 2", "")
    assert sent.headers["location"] == f"/meetings/polls/{poll.id}"
