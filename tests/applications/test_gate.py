"""Sign-up for a program that requires applications: only approved volunteers get in, and the
shift page says what is missing. Decisions are emailed (the real SMTP fixture)."""

from __future__ import annotations

from email.header import decode_header, make_header

import pytest

from opsuite.applications.service import decide
from opsuite.notify.service import dispatch_due
from opsuite.shifts import eligibility
from opsuite.shifts.models import SignUpStatus
from opsuite.shifts.newcomers import check_joinable
from opsuite.shifts.service import sign_up
from tests.conftest import log_in
from tests.factories.applications import make_application, require_applications
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def test_only_an_approved_volunteer_signs_up_when_the_program_requires_it(
    app, settings, frozen_clock, inbox
):
    opportunity = await make_opportunity()
    shift = await make_shift(opportunity)
    program = await opportunity.program
    await require_applications(program)
    manager = await manager_of(opportunity)
    ana = await make_volunteer(name="Ana", email="ana@example.org", locale="zh_Hans")
    with pytest.raises(eligibility.NotEligibleError, match="Apply to this program"):
        await sign_up(ana, shift.id, settings=settings)
    application = await make_application(ana, program)
    with pytest.raises(eligibility.NotEligibleError, match="waiting for a coordinator"):
        await sign_up(ana, shift.id, settings=settings)
    await decide(manager, application, decision="decline", note="", settings=settings)
    with pytest.raises(eligibility.NotEligibleError, match="declined"):
        await sign_up(ana, shift.id, settings=settings)
    await decide(manager, application, decision="approve", note="Welcome!", settings=settings)
    signup = await sign_up(ana, shift.id, settings=settings)
    assert signup.status == SignUpStatus.CONFIRMED
    # A newcomer without an account cannot hold a place either.
    with pytest.raises(eligibility.NotEligibleError):
        await check_joinable(shift.id)
    # Both decisions reached Ana, in her language.
    await dispatch_due(settings)
    mails = {str(make_header(decode_header(m.subject))): m for m in inbox.to("ana@example.org")}
    decisions = sorted(subject for subject in mails if "申请" in subject)
    assert decisions == [f"你对{program.name}的申请", f"你对{program.name}的申请已批准"]
    # And, once approved, the sign-up's own confirmation (with the shift for her calendar).
    assert any(subject.startswith("您已加入班次") for subject in mails)
    approved = mails[f"你对{program.name}的申请已批准"]
    assert "Welcome!" in approved.text
    assert f"/programs/{program.id}/apply" in approved.part("text/html")


async def test_a_program_without_the_setting_signs_up_as_before(settings, frozen_clock):
    opportunity = await make_opportunity()
    shift = await make_shift(opportunity)
    await require_applications(await opportunity.program, required=False)
    ana = await make_volunteer()
    assert (await sign_up(ana, shift.id, settings=settings)).status == SignUpStatus.CONFIRMED


async def test_the_shift_page_says_what_is_missing_and_links_to_the_application(
    client, settings, frozen_clock
):
    opportunity = await make_opportunity()
    shift = await make_shift(opportunity)
    program = await opportunity.program
    await require_applications(program)
    page = await client.get(f"/shifts/{shift.id}")
    assert "Apply to this program to sign up" in page.text
    assert f'href="/programs/{program.id}/apply"' in page.text
    assert f"/shifts/{shift.id}/join" not in page.text  # no newcomer form
    await make_volunteer(email="ben@example.org", password="correct horse 1")
    await log_in(client, "ben@example.org")
    page = await client.get(f"/shifts/{shift.id}")
    assert "Apply to this program to sign up" in page.text
    assert f"/shifts/{shift.id}/signup" not in page.text
