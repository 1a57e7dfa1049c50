"""Certificates of service: approved hours only, refusals, the signature, the activity log."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from opsuite import clock
from opsuite.audit.models import Activity
from opsuite.errors import InvalidInput, NotFound, PermissionDenied
from opsuite.shifts import certificates, hours, service
from opsuite.shifts.models import Attendance, Certificate, HoursRecord
from tests.factories.people import make_program
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of


async def served(settings, volunteer=None, *, opportunity=None, approve=True):
    """A volunteer attended a three-hour shift two hours from now (the clock moves past it)."""
    shift = await make_shift(opportunity, starts_at=clock.now() + timedelta(hours=2))
    volunteer = volunteer or await make_volunteer()
    signup = await service.sign_up(volunteer, shift.id, settings=settings)
    manager = await manager_of(await shift.opportunity)
    clock.advance(timedelta(hours=6))
    await hours.mark_attendance(manager, signup.id, Attendance.ATTENDED)
    entry = await HoursRecord.get(signup_id=signup.id)
    if approve:
        await hours.decide_hours(manager, entry.id, approve=True)
    return volunteer, manager, shift, entry


async def issue(settings, actor, volunteer, **overrides):
    today = clock.now().date()
    values = {
        "period_start": today - timedelta(days=30),
        "period_end": today,
        "program_id": None,
        "locale": "en",
        **overrides,
    }
    return await certificates.issue_certificate(actor, volunteer, settings=settings, **values)


async def test_certificate_counts_approved_hours_only(settings, frozen_clock):
    volunteer, _manager, shift, _entry = await served(settings)
    await served(settings, volunteer, approve=False)  # pending: not on the certificate
    certificate = await issue(settings, volunteer, volunteer)
    opportunity = await shift.opportunity
    assert certificate.number == f"OPS-2026-{certificate.id:06d}"
    assert certificate.content["total_minutes"] == 180
    [row] = certificate.content["programs"]
    assert row["service"] == [opportunity.title]
    assert row["places"] == [opportunity.location]
    assert row["dates"] == [str(shift.starts_at.date())]
    assert certificate.content["volunteer"] == volunteer.name
    assert certificate.content["organisation"]
    assert (await certificates.verify(settings, certificate.code)).is_genuine


async def test_one_changed_byte_of_content_fails_verification(settings, frozen_clock):
    volunteer, *_rest = await served(settings)
    certificate = await issue(settings, volunteer, volunteer)
    raw = json.dumps(certificate.content)
    changed = json.loads(raw.replace('"total_minutes": 180', '"total_minutes": 181'))
    await Certificate.filter(id=certificate.id).update(content=changed)
    result = await certificates.verify(settings, certificate.code)
    assert result.certificate.id == certificate.id
    assert not result.is_genuine


async def test_unknown_or_malformed_codes_are_not_found(settings, frozen_clock):
    for code in ("nope", "", "a\x00b", "x" * 5000):
        with pytest.raises(NotFound):
            await certificates.verify(settings, code)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 3, 1), date(2026, 2, 1), "before its start"),
        (date(2010, 1, 1), date(2026, 3, 1), "at most ten years"),
        (date(2026, 1, 1), date(2026, 1, 31), "no approved hours"),
    ],
)
async def test_bad_periods_are_refused(settings, frozen_clock, start, end, message):
    volunteer, *_rest = await served(settings)
    with pytest.raises(InvalidInput, match=message):
        await issue(settings, volunteer, volunteer, period_start=start, period_end=end)
    assert await Certificate.all().count() == 0


async def test_a_program_never_served_with_is_refused(settings, frozen_clock):
    volunteer, *_rest = await served(settings)
    other = await make_program()
    with pytest.raises(InvalidInput, match="no hours in this program") as refused:
        await issue(settings, volunteer, volunteer, program_id=other.id)
    assert refused.value.field == "program_id"
    with pytest.raises(InvalidInput, match="Choose from the list"):
        await issue(settings, volunteer, volunteer, locale="fr")


async def test_coordinator_issues_for_a_volunteer_and_it_is_logged(settings, frozen_clock):
    volunteer, manager, shift, _entry = await served(settings)
    elsewhere = await make_opportunity()
    await served(settings, volunteer, opportunity=elsewhere)
    certificate = await issue(settings, manager, volunteer, locale="zh_Hans")
    # only the programs the coordinator runs
    program = await (await shift.opportunity).program
    assert [p["program"] for p in certificate.content["programs"]] == [program.name]
    assert certificate.issued_by_id == manager.id
    line = await Activity.get(action="shifts.certificate.issued")
    assert (line.actor_id, line.target_id) == (manager.id, str(certificate.id))
    assert line.data["volunteer_id"] == volunteer.id
    with pytest.raises(PermissionDenied):
        await issue(settings, await make_volunteer(), volunteer)
    with pytest.raises(PermissionDenied):
        await issue(settings, manager, volunteer, program_id=elsewhere.program_id)
    assert (await issue(settings, manager, volunteer, program_id=program.id)).program_id


async def test_only_the_volunteer_and_issuer_see_a_certificate(settings, frozen_clock):
    volunteer, manager, *_rest = await served(settings)
    certificate = await issue(settings, manager, volunteer)
    assert (await certificates.get_certificate(volunteer, certificate.id)).id == certificate.id
    assert (await certificates.get_certificate(manager, certificate.id)).id == certificate.id
    with pytest.raises(NotFound):
        await certificates.get_certificate(await make_volunteer(), certificate.id)
    rows, total = await certificates.certificates_page(volunteer.id, offset=0, limit=10)
    assert ([r.id for r in rows], total) == ([certificate.id], 1)
