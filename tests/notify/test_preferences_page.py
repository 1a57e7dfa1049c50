from __future__ import annotations

from datetime import time

from opsuite.notify.preferences import preferences_for
from tests.conftest import log_in, post_form
from tests.factories.auth import make_user


async def test_person_chooses_kinds_lead_times_and_quiet_hours(client):
    volunteer = await make_user("volunteer")
    await log_in(client, volunteer.email)
    page = await client.get("/me/notifications")
    assert 'value="24h, 2h"' in page.text

    response = await post_form(
        client,
        "/me/notifications",
        {
            "enabled": ["shift", "meeting"],
            "lead_shift": "1d, 90m",
            "lead_meeting": "10m",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    assert response.status_code == 303
    prefs = await preferences_for(volunteer)
    assert prefs.leads("shift") == (1440, 90)
    assert not prefs.wants("digest_weekly")
    assert prefs.wants("shift")
    assert (prefs.quiet_start, prefs.quiet_end) == (time(22, 0), time(7, 0))


async def test_bad_lead_time_is_shown_by_the_field_and_nothing_is_saved(client):
    volunteer = await make_user("volunteer")
    await log_in(client, volunteer.email)
    response = await post_form(
        client,
        "/me/notifications",
        {
            "enabled": ["shift"],
            "lead_shift": "soon",
            "lead_meeting": "15m",
            "quiet_start": "25:99",
            "quiet_end": "",
        },
    )
    assert response.status_code == 400
    assert "Write lead times like 24h" in response.text
    assert 'value="soon"' in response.text  # what was typed is still there
    assert "Write a time like 22:00." in response.text
    prefs = await preferences_for(volunteer)
    assert prefs.leads("shift") == (1440, 120)
