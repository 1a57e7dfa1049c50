"""Time zones are chosen from a list: common ones first, each with its offset at the time."""

from __future__ import annotations

from datetime import UTC, datetime

from opsuite.web.i18n import COMMON_TIMEZONES, timezone_choices
from tests.conftest import log_in
from tests.factories.auth import make_user


def test_offsets_follow_daylight_saving_time_and_common_zones_come_first():
    winter, summer = datetime(2027, 1, 15, tzinfo=UTC), datetime(2027, 7, 15, tzinfo=UTC)
    common, others = timezone_choices(winter)
    assert [zone for zone, _label in common] == list(COMMON_TIMEZONES)
    assert dict(common)["America/New_York"] == "UTC−05:00 America/New_York"
    assert dict(timezone_choices(summer)[0])["America/New_York"] == "UTC−04:00 America/New_York"
    assert dict(common)["Asia/Kolkata"] == "UTC+05:30 Asia/Kolkata"
    assert "Asia/Shanghai" not in dict(others)  # each zone once
    assert dict(others)["Australia/Lord_Howe"] == "UTC+11:00 Australia/Lord_Howe"


async def test_the_profile_offers_the_list_with_the_persons_zone_chosen(client):
    person = await make_user("staff", timezone="Africa/Nairobi")
    await log_in(client, person.email)
    page = (await client.get("/me")).text
    assert '<select id="f-timezone" name="timezone" data-timezone' in page
    assert '<option value="Africa/Nairobi" selected>UTC+03:00 Africa/Nairobi</option>' in page
    assert page.count('<option value="Africa/Nairobi"') == 1
