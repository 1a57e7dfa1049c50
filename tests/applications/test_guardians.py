"""Minors and their guardian's consent: the age on the day (29 February too), what the form
asks, the emailed link (real SMTP, the volunteer's language), and links that were changed,
used, replaced or expired. Nothing is half-saved."""

from __future__ import annotations

import re
from datetime import date, timedelta
from email.header import decode_header, make_header

import pytest

from opsuite import clock
from opsuite.applications.models import Application, GuardianConsent, Intake
from opsuite.applications.service import (
    Consent,
    LinkUsedError,
    Minor,
    age_on,
    answer_request,
    apply,
    ask_guardian,
    decide,
    is_minor,
    open_request,
    save_form,
)
from opsuite.audit.models import Activity
from opsuite.errors import Conflict, FieldErrors, InvalidInput
from opsuite.notify.models import Notification
from opsuite.notify.service import dispatch_due
from opsuite.shifts import eligibility
from opsuite.shifts.models import SignUpStatus
from opsuite.shifts.service import sign_up
from tests.conftest import log_in
from tests.factories.applications import ANSWERS, CONSENTS, QUESTIONS, require_applications
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer, manager_of

TOKEN = re.compile(r"/guardian-consent/(\S+)")


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2010, 3, 2), date(2026, 3, 1), 15),  # the day before the birthday
        (date(2010, 3, 2), date(2026, 3, 2), 16),  # on it
        (date(2010, 3, 2), date(2026, 3, 3), 16),  # the day after
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # no 29 February in 2026: not yet
        (date(2008, 2, 29), date(2026, 3, 1), 18),  # one day later
        (date(2008, 2, 29), date(2028, 2, 29), 20),  # a leap year: on the day itself
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2010, 12, 31), date(2026, 1, 1), 15),
    ],
)
def test_age_on_a_day(birth, day, age):
    assert age_on(birth, day) == age


def test_under_the_age_needs_consent_and_the_birthday_ends_it():
    intake = Intake(program_id=1, guardian_age=16)
    assert is_minor(intake, date(2010, 3, 2), date(2026, 3, 1))
    assert not is_minor(intake, date(2010, 3, 2), date(2026, 3, 2))
    assert not is_minor(Intake(program_id=1), date(2020, 1, 1), date(2026, 3, 1))


async def _minor_program(guardian_age: int = 18):
    opportunity = await make_opportunity()
    program = await opportunity.program
    await require_applications(program, guardian_age=guardian_age)
    return opportunity, program


def _minor(birth: date, **overrides: str) -> Minor:
    values = {"guardian_name": "Lan Zhou", "guardian_email": "lan@example.org"} | overrides
    return Minor(birth, **values)


async def _apply_minor(volunteer, program, settings, birth=date(2011, 5, 1)):
    return await apply(
        volunteer, program, version=1, answers=ANSWERS, consents=["c1"],
        minor=_minor(birth), settings=settings,
    )  # fmt: skip


async def test_a_minor_waits_for_the_emailed_consent_then_signs_up(settings, frozen_clock, inbox):
    opportunity, program = await _minor_program()
    shift = await make_shift(opportunity)
    mei = await make_volunteer(name="Mei", email="mei@example.org", locale="zh_Hans")
    application = await _apply_minor(mei, program, settings)
    await decide(await manager_of(opportunity), application, decision="approve", note="",
                 settings=settings)  # fmt: skip
    with pytest.raises(eligibility.NotEligibleError, match="Waiting for your guardian"):
        await sign_up(mei, shift.id, settings=settings)
    await dispatch_due(settings)
    [mail] = inbox.to("lan@example.org")
    subject = str(make_header(decode_header(mail.subject)))
    assert subject == f"Mei 请你同意其参加“{program.name}”的志愿服务"  # in her language
    assert "Lan Zhou" in mail.text
    assert "Lan Zhou" in mail.part("text/html")
    token = TOKEN.search(mail.text)[1]
    assert token in mail.part("text/html")
    row = await answer_request(token, consent=True, version=1, settings=settings)
    assert (row.answer, row.guardian_email) == ("consented", "lan@example.org")
    assert (await row.version).number == 1
    assert row.answered_at == clock.now()
    assert await Activity.exists(action="applications.guardian.consented")
    signup = await sign_up(mei, shift.id, settings=settings)
    assert signup.status == SignUpStatus.CONFIRMED
    # The link works once.
    with pytest.raises(LinkUsedError, match="used already"):
        await answer_request(token, consent=False, version=1, settings=settings)


async def test_a_declined_consent_keeps_the_minor_out(settings, frozen_clock):
    opportunity, program = await _minor_program()
    shift = await make_shift(opportunity)
    mei = await make_volunteer()
    application = await _apply_minor(mei, program, settings)
    await decide(await manager_of(opportunity), application, decision="approve", note="",
                 settings=settings)  # fmt: skip
    token = TOKEN.search((await Notification.get(kind="guardian_consent")).body_text)[1]
    await answer_request(token, consent=False, version=1, settings=settings)
    with pytest.raises(eligibility.NotEligibleError, match="declined"):
        await sign_up(mei, shift.id, settings=settings)


async def test_an_adult_gives_a_birth_date_and_no_guardian(settings, frozen_clock):
    _opportunity, program = await _minor_program(guardian_age=18)
    adult = await make_volunteer()
    application = await apply(
        adult, program, version=1, answers=ANSWERS, consents=["c1"],
        minor=Minor(date(2008, 3, 2)), settings=settings,  # 18 today
    )  # fmt: skip
    assert application.birth_date == date(2008, 3, 2)
    assert application.guardian_email == ""
    assert not await GuardianConsent.exists()
    # Born a day later: still 17, so a guardian is asked for.
    other = await make_volunteer()
    with pytest.raises(FieldErrors) as caught:
        await apply(other, program, version=1, answers=ANSWERS, consents=["c1"],
                    minor=Minor(date(2008, 3, 3)), settings=settings)  # fmt: skip
    assert set(caught.value.errors) == {"guardian_name", "guardian_email"}


@pytest.mark.parametrize(
    ("minor", "field"),
    [
        (None, "birth_date"),
        (Minor(None), "birth_date"),
        (Minor(date(2026, 3, 3)), "birth_date"),  # tomorrow: in the future
        (Minor(date(2012, 1, 1), "Lan", "not an address"), "guardian_email"),
        (Minor(date(2012, 1, 1), "Lan\x00", "lan@example.org"), "guardian_name"),
        (Minor(date(2012, 1, 1), "Lan", "lan@example.org", "1" * 41), "guardian_phone"),
    ],
)
async def test_bad_minor_details_are_refused_and_nothing_is_saved(
    settings, frozen_clock, minor, field
):
    _opportunity, program = await _minor_program()
    mei = await make_volunteer()
    with pytest.raises(FieldErrors) as caught:
        await apply(mei, program, version=1, answers=ANSWERS, consents=["c1"], minor=minor,
                    settings=settings)  # fmt: skip
    assert field in caught.value.errors
    assert not await Application.exists()
    assert not await Notification.exists()


async def test_the_guardian_age_needs_an_application_and_a_sensible_number(frozen_clock):
    opportunity = await make_opportunity()
    program = await opportunity.program
    manager = await manager_of(opportunity)
    for age, required in ((0, True), (99, True), (16, False)):
        with pytest.raises(FieldErrors) as caught:
            await save_form(manager, program, requires_application=required,
                            questions=QUESTIONS, consents=CONSENTS, guardian_age=age)  # fmt: skip
        assert "guardian_age" in caught.value.errors
    assert not await Intake.exists()


async def _token(settings) -> str:
    row = await Notification.filter(kind="guardian_consent").order_by("-id").first()
    return TOKEN.search(row.body_text)[1]


async def test_changed_cut_or_foreign_tokens_are_refused(settings, frozen_clock):
    _opportunity, program = await _minor_program()
    await _apply_minor(await make_volunteer(), program, settings)
    token = await _token(settings)
    request_id, expires, nonce, signature = token.split(".")
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    altered = [
        f"{request_id}.{expires}.{nonce}.{flipped}",  # one character of the signature
        f"{request_id}.{int(expires) + 86400}.{nonce}.{signature}",  # a later expiry
        f"{int(request_id) + 1}.{expires}.{nonce}.{signature}",  # another request
        token[:-3],
        "garbage",
        f"{request_id}.{expires}.{nonce}",
    ]
    for bad in altered:
        with pytest.raises(InvalidInput, match="not complete or was changed"):
            await answer_request(bad, consent=True, version=1, settings=settings)
    assert await GuardianConsent.filter(answer="waiting").count() == 1


async def test_an_expired_or_replaced_link_is_refused(settings, frozen_clock):
    _opportunity, program = await _minor_program()
    mei = await make_volunteer()
    application = await _apply_minor(mei, program, settings)
    first = await _token(settings)
    with pytest.raises(Conflict, match="a moment ago"):
        await ask_guardian(application, settings=settings)
    clock.advance(timedelta(minutes=10))
    await ask_guardian(application, settings=settings)
    second = await _token(settings)
    with pytest.raises(LinkUsedError, match="newer email"):
        await open_request(first, settings=settings)
    clock.advance(timedelta(days=14))
    with pytest.raises(LinkUsedError, match="expired"):
        await answer_request(second, consent=True, version=1, settings=settings)
    assert not await GuardianConsent.exists(answer="consented")


async def test_consent_to_an_outdated_version_is_refused(settings, frozen_clock):
    opportunity, program = await _minor_program()
    await _apply_minor(await make_volunteer(), program, settings)
    token = await _token(settings)
    manager = await manager_of(opportunity)
    changed = (Consent("c1", "Photo consent", "New text."),)
    await save_form(manager, program, requires_application=True, questions=QUESTIONS,
                    consents=changed, guardian_age=18)  # fmt: skip
    with pytest.raises(Conflict, match="consent text changed"):
        await answer_request(token, consent=True, version=1, settings=settings)
    assert not await GuardianConsent.exists(answer="consented")
    row = await answer_request(token, consent=True, version=2, settings=settings)
    assert (await row.version).number == 2


async def test_the_coordinator_sees_the_birth_date_the_guardian_and_the_answer(
    client, settings, frozen_clock
):
    opportunity, program = await _minor_program()
    mei = await make_volunteer(name="Mei", email="mei@example.org")
    application = await _apply_minor(mei, program, settings)
    coordinator = await manager_of(opportunity)
    await log_in(client, coordinator.email)
    page = (await client.get(f"/applications/{application.id}")).text
    assert "Lan Zhou" in page
    assert "lan@example.org" in page
    assert "May 1, 2011" in page
    assert "Waiting for the guardian" in page
    [sent] = await GuardianConsent.filter(application_id=application.id)
    assert sent.answer == "waiting"
    await answer_request(await _token(settings), consent=True, version=1, settings=settings)
    assert "The guardian consented" in (await client.get(f"/applications/{application.id}")).text
    # The volunteer's own view of the application does not show their guardian's contact.
    client.cookies.clear()
    await log_in(client, mei.email)
    mine = await client.get(f"/applications/{application.id}")
    assert mine.status_code == 200
    assert "Application of Mei" in mine.text
    assert "lan@example.org" not in mine.text
