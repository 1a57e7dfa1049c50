"""The HTTP answers of a feed as a calendar client or a shared cache sees them, and what the
public open-shift feed shows."""

from __future__ import annotations

from datetime import date, time, timedelta

import icalendar

from opsuite import clock
from opsuite.auth.models import Role
from opsuite.feeds import service
from opsuite.feeds.models import FeedKind
from opsuite.shifts.models import Shift
from opsuite.shifts.planning import ShiftInput, create_series
from opsuite.shifts.service import sign_up
from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.schedules import make_arrangement, make_leave
from tests.factories.shifts import make_opportunity, make_volunteer


async def test_headers_encodings_and_etags_of_a_personal_feed(client, settings, frozen_clock):
    person = await make_user(Role.STAFF)
    await make_arrangement(person)  # one weekly rule, and five weeks of leave day by day:
    admin = await make_user(Role.ADMIN)  # a body well over the 1,000 bytes gzip looks at
    await make_leave(
        person, date(2026, 4, 6), date(2026, 5, 8), settings=settings, approved_by=admin
    )
    new = await service.create_feed(person, FeedKind.PERSON)
    url = f"/feeds/{new.token}.ics"
    plain = await client.get(url, headers={"accept-encoding": "identity"})
    assert len(plain.content) > 5000
    zipped = await client.get(url, headers={"accept-encoding": "gzip, deflate"})
    refused = await client.get(url, headers={"accept-encoding": "gzip;q=0, identity"})
    for answer in (plain, zipped, refused):
        assert answer.status_code == 200
        assert answer.headers.get_list("vary") == ["Accept-Encoding"]
        assert "set-cookie" not in answer.headers
        assert "script-src" not in answer.headers.get("content-security-policy", "")
        assert answer.headers["cache-control"] == "private, max-age=300"
        assert answer.content == plain.content  # httpx undoes the gzip
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert "content-encoding" not in refused.headers
    assert refused.headers["etag"] == plain.headers["etag"]
    # Two bodies, two strong validators; each revalidates only its own body.
    assert zipped.headers["etag"] != plain.headers["etag"]
    gz_headers = {"accept-encoding": "gzip"}
    same = await client.get(url, headers={**gz_headers, "if-none-match": zipped.headers["etag"]})
    assert same.status_code == 304
    assert same.headers["etag"] == zipped.headers["etag"]
    other = await client.get(url, headers={**gz_headers, "if-none-match": plain.headers["etag"]})
    assert other.status_code == 200
    assert (
        await client.get(
            url, headers={"accept-encoding": "identity", "if-none-match": plain.headers["etag"]}
        )
    ).status_code == 304


async def test_the_public_feed_is_shareable_and_shows_each_shift(client, settings, frozen_clock):
    manager = await make_user(Role.MANAGER, locale="zh_Hans")
    opportunity = await make_opportunity(
        manager=manager, is_public=True, location="Food bank, 12 Harbour Road"
    )
    data = ShiftInput(
        day=date(2026, 3, 21), start=time(9), end=time(12), timezone="Europe/Berlin", capacity=3
    )
    series = await create_series(manager, opportunity, data, rule="FREQ=WEEKLY;COUNT=3")
    shifts = await Shift.filter(series_id=series.id).order_by("starts_at")
    volunteer = await make_volunteer(name="Li Na")
    await sign_up(volunteer, shifts[1].id, settings=settings)
    public = await service.create_feed(manager, FeedKind.PUBLIC, program=await opportunity.program)

    answer = await client.get(f"/feeds/{public.token}.ics")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=300"
    assert "set-cookie" not in answer.headers
    body = answer.content
    text = body.decode()
    for private in ("Li Na", volunteer.email, "Harbour Road", manager.email):
        assert private not in text, private
    cal = icalendar.Calendar.from_ical(body)
    # In both languages, as nobody knows who will subscribe.
    assert "Open shifts" in str(cal["x-wr-calname"])
    assert "空缺班次" in str(cal["x-wr-calname"])
    overrides = {
        event.decoded("recurrence-id"): event
        for event in cal.walk("VEVENT")
        if event.get("recurrence-id") is not None
    }
    for shift, open_places in zip(shifts, (3, 2, 3), strict=True):
        event = overrides[shift.starts_at]
        assert str(event["url"]).endswith(f"/shifts/{shift.id}")
        description = str(event["description"])
        assert f"/shifts/{shift.id}" in description
        assert f"{open_places} of 3 places open" in description
        assert f"剩余名额：{open_places} / 3" in description
        assert "LOCATION" not in event


async def test_a_browser_with_a_session_gets_no_cookie_from_any_feed(
    client, settings, frozen_clock
):
    """Opening a feed address in a signed-in browser must not hand back the session (a
    shared cache may keep the public feed, cookie and all), on a 200, a 304 or a 404."""
    manager = await make_user(Role.MANAGER, email="lead@example.org")
    opportunity = await make_opportunity(manager=manager, is_public=True)
    program = await opportunity.program
    await log_in(client, "lead@example.org")
    public = await service.create_feed(manager, FeedKind.PUBLIC, program=program)
    personal = await service.create_feed(manager, FeedKind.PERSON)
    clock.set_now(frozen_clock + timedelta(hours=2))  # the session slides on this request
    answers = []
    for new in (public, personal):
        first = await client.get(f"/feeds/{new.token}.ics")
        again = await client.get(
            f"/feeds/{new.token}.ics", headers={"if-none-match": first.headers["etag"]}
        )
        assert (first.status_code, again.status_code) == (200, 304)
        answers += [first, again]
    answers.append(await client.get("/feeds/cal_no-such-token.ics"))
    for answer in answers:
        assert "set-cookie" not in answer.headers, answer.headers.get_list("set-cookie")
        assert answer.headers.get_list("vary") in ([], ["Accept-Encoding"])
    assert answers[0].headers["cache-control"] == "public, max-age=300"
    assert answers[1].headers["cache-control"] == "public, max-age=300"
    assert answers[2].headers["cache-control"] == "private, max-age=300"
