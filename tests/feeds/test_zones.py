"""Times where zone rules change: an event at 10:00 local on each day around each change of
offset in a feed's window comes back at zoneinfo's instant in all three readers, for zones
whose rules are irregular (Ramadan in Casablanca, Cairo's return to summer time, Tehran giving
it up, Lord Howe's half hour, Santiago, Pyongyang) and for ordinary ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsuite.feeds.ics import FeedEvent, build_calendar
from tests.feeds.readers import with_ical_js, with_icalendar, with_vobject

ZONES = (
    "Africa/Casablanca",
    "Africa/Cairo",
    "Asia/Tehran",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Pyongyang",
    "America/New_York",
    "Europe/London",
    "Asia/Shanghai",
)
# A feed's window as the app builds it on 2 December 2026 (60 days back, 550 ahead), and one
# from 2017 (Tehran and Pyongyang last changed in 2022 and 2018).
WINDOWS = ((date(2026, 10, 3), date(2028, 6, 3)), (date(2017, 1, 1), date(2028, 6, 3)))
LO = datetime(2016, 12, 1, tzinfo=UTC)
HI = datetime(2028, 7, 1, tzinfo=UTC)
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _change_days(zone: ZoneInfo, first: date, last: date) -> list[date]:
    """Days whose offset at noon differs from the day before's (zoneinfo's own answer)."""
    days = []
    day = first
    while day < last:
        before = datetime.combine(day, time(12), zone).utcoffset()
        after = datetime.combine(day + timedelta(days=1), time(12), zone).utcoffset()
        if before != after:
            days.append(day + timedelta(days=1))
        day += timedelta(days=1)
    return days


def _events(
    first: date, last: date
) -> tuple[list[FeedEvent], set[tuple[str, datetime, datetime, str]]]:
    items: list[FeedEvent] = []
    expected: set[tuple[str, datetime, datetime, str]] = set()
    for name in ZONES:
        zone = ZoneInfo(name)
        changes = _change_days(zone, first, last)
        days = {d + timedelta(days=k) for d in changes for k in (-1, 0, 1)}
        days |= {first + timedelta(days=1), date(2027, 1, 1), date(2027, 7, 1)}
        for day in sorted(days):
            start = datetime.combine(day, time(10), zone).astimezone(UTC)
            uid = f"{name}-{day:%Y%m%d}@test"
            items.append(
                FeedEvent(
                    uid=uid,
                    summary=uid,
                    start=start,
                    end=start + timedelta(hours=1),
                    timezone=name,
                    last_modified=STAMP,
                )
            )
            expected.add((uid, start, start + timedelta(hours=1), "CONFIRMED"))
    # The meeting of the report: monthly at 10:00 Casablanca, on the 15th, 20 times.
    zone = ZoneInfo("Africa/Casablanca")
    monthly = datetime(2026, 10, 15, 10, tzinfo=zone)
    items.append(
        FeedEvent(
            uid="monthly@test",
            summary="Monthly",
            start=monthly,
            end=monthly + timedelta(hours=1),
            timezone="Africa/Casablanca",
            last_modified=STAMP,
            rrule="FREQ=MONTHLY;COUNT=20",
        )
    )
    for n in range(20):
        local = datetime(2026 + (9 + n) // 12, (9 + n) % 12 + 1, 15, 10, tzinfo=zone)
        start = local.astimezone(UTC)
        expected.add(("monthly@test", start, start + timedelta(hours=1), "CONFIRMED"))
    return items, expected


@pytest.mark.parametrize(("first", "last"), WINDOWS)
def test_every_change_of_offset_in_the_window_reads_right_in_three_readers(first, last):
    items, expected = _events(first, last)
    if first.year < 2018:
        assert len(_change_days(ZoneInfo("Africa/Casablanca"), first, last)) >= 20
        assert len(_change_days(ZoneInfo("Asia/Pyongyang"), first, last)) == 1  # May 2018
    body = build_calendar("Zones", items, first=first, last=last)
    assert b"RDATE" not in body
    assert len(body) < 200_000
    for name, read in (
        ("icalendar", with_icalendar),
        ("vobject", with_vobject),
        ("ical.js", with_ical_js),
    ):
        seen = read(body, LO, HI)
        wrong = sorted((o for o in seen ^ expected), key=lambda o: (o[0], o[1]))
        assert not wrong, (name, wrong[:6])


async def test_an_invitation_uses_the_same_zone_writer(settings, frozen_clock, inbox):
    """The monthly 10:00 Casablanca meeting of the report, as its emailed invitation: right
    on 15 February and 15 March 2027 (Ramadan) in vobject and ical.js too."""
    from opsuite.notify.service import dispatch_due
    from tests.factories.auth import make_user
    from tests.factories.meetings import make_meeting

    zone = ZoneInfo("Africa/Casablanca")
    guest = await make_user(email="guest@example.org")
    start = datetime(2026, 10, 15, 10, tzinfo=zone).astimezone(UTC)
    meeting = await make_meeting(
        settings=settings,
        starts_at=start,
        attendees=[guest],
        timezone="Africa/Casablanca",
        rrule="FREQ=MONTHLY;COUNT=12",
    )
    await dispatch_due(settings)
    [mail] = [m for m in inbox.to(guest.email) if m.part("text/calendar")]
    body = mail.part("text/calendar").encode()
    expected = set()
    for n in range(12):
        local = datetime(2026 + (9 + n) // 12, (9 + n) % 12 + 1, 15, 10, tzinfo=zone)
        instant = local.astimezone(UTC)
        expected.add((meeting.uid, instant, instant + timedelta(hours=1)))
    assert (meeting.uid, datetime(2027, 2, 15, 10, tzinfo=UTC)) in {e[:2] for e in expected}
    for read in (with_icalendar, with_vobject, with_ical_js):
        seen = {o[:3] for o in read(body, LO, HI)}
        assert seen == expected, read.__name__
