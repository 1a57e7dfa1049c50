"""Find-a-time pages through all the times that suit everyone, not only the first ten
(issue #17, defect 6)."""

from __future__ import annotations

import html
import re

from tests.conftest import log_in
from tests.factories.auth import make_user
from tests.factories.schedules import make_arrangement

FIND = (
    "/meetings/find?required={a}&required={b}&duration=60&from_date=2026-03-03&to_date=2026-03-06"
)


def _slots(page: str) -> list[str]:
    return re.findall(r'name="slot" value="([^"]+)"', page)


async def test_more_times_pages_through_every_slot_of_the_range(client, frozen_clock):
    organizer = await make_user("staff", email="org@example.org", timezone="Europe/London")
    guest = await make_user("staff", timezone="Europe/London")
    for person in (organizer, guest):
        await make_arrangement(person)  # 09:00-17:00: 15 one-hour starts a day, 4 days
    await log_in(client, "org@example.org")
    path = FIND.format(a=organizer.id, b=guest.id)
    seen: list[str] = []
    pages = 0
    while path:
        page = await client.get(path)
        assert page.status_code == 200, page.text[-1500:]
        pages += 1
        found = _slots(page.text)
        assert 0 < len(found) <= 10
        seen += found
        more = re.search(r'<a href="([^"]+)"[^>]*>More times</a>', page.text)
        path = html.unescape(more.group(1)) if more else ""
        assert pages < 10
    assert len(seen) == len(set(seen)) == 4 * 15
    assert seen == sorted(seen)  # nobody optional: earliest first, across the whole range
    assert seen[-1].startswith("20260306T160000Z")
    assert pages == 6
    # A page number that makes no sense is the first page, never a 500.
    bad = await client.get(FIND.format(a=organizer.id, b=guest.id) + "&page=abc")
    assert bad.status_code == 200
    assert _slots(bad.text) == seen[:10]
