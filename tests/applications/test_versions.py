"""The application form's versions, applying with answers and consents, and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.applications.models import (
    Application,
    ApplicationStatus,
    ConsentRecord,
    FormVersion,
    QuestionKind,
)
from opsuite.applications.service import (
    Consent,
    Question,
    apply,
    consents_of,
    current_form,
    questions_of,
    save_form,
)
from opsuite.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from opsuite.people.service import deactivate_program
from tests.factories.applications import ANSWERS, CONSENTS, QUESTIONS, make_application
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer


async def test_editing_the_questions_makes_a_version_and_old_answers_keep_theirs(frozen_clock):
    manager = await make_user("manager")
    program = await make_program(manager=manager)
    await save_form(
        manager, program, requires_application=True, questions=QUESTIONS, consents=CONSENTS
    )
    ana = await make_volunteer(name="Ana")
    first = await make_application(ana, program)
    # The manager renames question 1, drops question 2 and adds a new one.
    form = await current_form(program.id)
    kept = questions_of(form)
    renamed = Question(kept[0].key, "What draws you to us?", QuestionKind.TEXT)
    new = Question("", "Do you drive?", QuestionKind.YES_NO)
    await save_form(
        manager,
        program,
        requires_application=True,
        questions=[renamed, kept[2], kept[3], new],
        consents=consents_of(form),
    )
    second = await current_form(program.id)
    assert second is not None
    assert second.number == 2
    assert [q.key for q in questions_of(second)] == ["q1", "q3", "q4", "q5"]
    # Ana's application still points at version 1, with its wording and her answers.
    first = await Application.get(id=first.id).prefetch_related("version")
    assert first.version.number == 1
    assert questions_of(first.version)[0].label == "Why do you want to help?"
    assert first.answers == ANSWERS
    # Saving the same form again makes no new version.
    await save_form(
        manager,
        program,
        requires_application=False,
        questions=questions_of(second),
        consents=[Consent("c1", "Photo consent", "We may take photos at events.")],
    )
    assert await FormVersion.filter(program_id=program.id).count() == 2


async def test_a_consent_is_recorded_with_its_version_and_time(frozen_clock):
    program = await make_program()
    from tests.factories.applications import require_applications

    await require_applications(program)
    ana = await make_volunteer()
    application = await make_application(ana, program)
    [consent] = await ConsentRecord.filter(application_id=application.id)
    version = await FormVersion.get(id=consent.version_id)
    assert (consent.volunteer_id, consent.consent_key, version.number) == (ana.id, "c1", 1)
    assert consent.accepted_at == frozen_clock
    assert application.status == ApplicationStatus.RECEIVED


async def test_answers_that_do_not_fit_their_question_are_refused_and_nothing_saved(
    frozen_clock,
):
    program = await make_program()
    from tests.factories.applications import require_applications

    await require_applications(program)
    ana = await make_volunteer()
    bad = {"q1": "", "q2": "Monday", "q3": "maybe", "q4": "14/03/2026"}
    with pytest.raises(FieldErrors) as refused:
        await apply(ana, program, version=1, answers=bad, consents=[])
    assert set(refused.value.errors) == {"q_q1", "q_q2", "q_q3", "q_q4", "c_c1"}
    with pytest.raises(FieldErrors):
        await apply(ana, program, version=1, answers={**ANSWERS, "q1": "a\x00b"}, consents=["c1"])
    assert await Application.all().count() == 0
    assert await ConsentRecord.all().count() == 0


async def test_an_outdated_form_version_and_a_closed_program_are_refused(frozen_clock):
    manager = await make_user("manager")
    program = await make_program(manager=manager)
    await save_form(
        manager, program, requires_application=True, questions=QUESTIONS, consents=CONSENTS
    )
    await save_form(
        manager, program, requires_application=True, questions=QUESTIONS[:1], consents=CONSENTS
    )
    ana = await make_volunteer()
    with pytest.raises(Conflict, match="changed since you opened it"):
        await apply(ana, program, version=1, answers=ANSWERS, consents=["c1"])
    await deactivate_program(manager, program)
    await program.refresh_from_db()
    with pytest.raises(NotFound):
        await apply(ana, program, version=2, answers=ANSWERS, consents=["c1"])
    assert await Application.all().count() == 0


async def test_only_those_who_run_the_program_edit_its_form_and_choices_need_two_options():
    program = await make_program()
    other = await make_user("manager")
    with pytest.raises(PermissionDenied):
        await save_form(other, program, requires_application=False, questions=[], consents=[])
    manager = await make_user("manager")
    mine = await make_program(manager=manager)
    lonely = Question("", "Pick", QuestionKind.CHOICE, choices=("Only",))
    with pytest.raises(FieldErrors) as refused:
        await save_form(manager, mine, requires_application=True, questions=[lonely], consents=[])
    assert "q0_choices" in refused.value.errors
    assert await FormVersion.all().count() == 0


async def test_answering_again_after_more_information_goes_back_to_the_queue(
    frozen_clock, settings
):
    from opsuite.applications.service import decide

    manager = await make_user("manager")
    program = await make_program(manager=manager)
    await save_form(
        manager, program, requires_application=True, questions=QUESTIONS, consents=CONSENTS
    )
    ana = await make_volunteer()
    application = await make_application(ana, program)
    await decide(
        manager, application, decision="more_info", note="Which Sunday?", settings=settings
    )
    clock.set_now(frozen_clock + timedelta(days=1))
    again = await apply(
        ana, program, version=1, answers={**ANSWERS, "q1": "Every Sunday."}, consents=["c1"]
    )
    assert again.id == application.id
    assert again.status == ApplicationStatus.RECEIVED
    assert again.submitted_at == frozen_clock  # the first time it was sent
    assert await ConsentRecord.filter(application_id=application.id).count() == 2
    await decide(manager, again, decision="approve", note="", settings=settings)
    with pytest.raises(Conflict, match="already approved"):
        await make_application(ana, program)
