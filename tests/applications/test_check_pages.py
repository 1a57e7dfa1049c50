"""The checks pages through HTTP: a coordinator records a check for an applicant, garbage or
impossible dates come back as messages with nothing saved, and another program's check or
someone who never applied is a 404."""

from __future__ import annotations

from opsuite.applications.models import CheckRecord
from opsuite.applications.service import add_check
from tests.conftest import log_in, post_form
from tests.factories.applications import make_application, require_applications
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer


async def test_recording_a_check_on_the_page(client, settings, frozen_clock):
    manager = await make_user("manager", email="mia@example.org")
    program = await make_program(manager=manager)
    await require_applications(program)
    other = await make_program(manager=await make_user("manager"))
    theirs = await add_check(await make_user("admin"), other, name="Theirs", expires=False)
    check = await add_check(manager, program, name="Training done", expires=True)
    ana = await make_volunteer(name="Ana")
    await make_application(ana, program)
    stranger = await make_volunteer()
    await log_in(client, manager.email)
    url = f"/programs/{program.id}/checks/people/{ana.id}"
    for done, expires, message in (
        ("garbage", "2026-12-31", "Enter a date like 2026-03-09."),
        ("2026-13-40", "2026-12-31", "Enter a date like 2026-03-09."),
        ("2026-03-05", "2026-12-31", "in the future"),
        ("2026-03-01", "", "enter the last day it is valid"),
        ("2026-03-01", "2026-02-01", "cannot be before the day it was done"),
    ):
        answer = await post_form(client, url, {"check_id": str(check.id), "done_on": done,
                                               "expires_on": expires, "note": "x"})  # fmt: skip
        assert answer.status_code == 400, done
        assert message in answer.text
        assert f'value="{done}"' in answer.text  # what was typed stays
    alien = await post_form(client, url, {"check_id": str(theirs.id), "done_on": "2026-03-01"})
    assert alien.status_code == 404
    nobody = f"/programs/{program.id}/checks/people/{stranger.id}"
    assert (await client.get(nobody)).status_code == 404
    assert not await CheckRecord.exists()
    good = {"check_id": str(check.id), "done_on": "2026-03-01", "expires_on": "2026-03-20"}
    saved = await post_form(client, url, good)
    assert saved.status_code == 303
    page = await client.get(f"/programs/{program.id}/checks")
    assert "Expired or expiring within 30 days" in page.text
    assert "Ana" in page.text
