"""Bad input to the application pages (issue #21): a closed program, answers that do not fit
their question, a consent to a text that has changed since the form was opened. Each is a
clear refusal (4xx and why), and nothing is saved."""

from __future__ import annotations

from opsuite.applications.models import Application, ConsentRecord, FormVersion, QuestionKind
from opsuite.applications.service import (
    Consent,
    Question,
    current_form,
    questions_of,
    save_form,
)
from opsuite.people.service import deactivate_program
from tests.conftest import csrf_token, log_in, post_form
from tests.factories.applications import CONSENTS, require_applications
from tests.factories.auth import make_user
from tests.factories.people import make_program
from tests.factories.shifts import make_volunteer

GOOD = {
    "version": "1",
    "q_q1": "I like sorting.",
    "q_q2": "Sunday",
    "q_q3": "no",
    "q_q4": "2026-03-14",
    "c_c1": "on",
}


async def program_taking_applications():
    manager = await make_user("manager")
    program = await make_program(manager=manager)
    await require_applications(program)
    return program, manager


async def nothing_saved() -> None:
    assert await Application.all().count() == 0
    assert await ConsentRecord.all().count() == 0


async def test_a_closed_program_takes_no_application(client, frozen_clock):
    program, manager = await program_taking_applications()
    await deactivate_program(manager, program)
    volunteer = await make_volunteer()
    await log_in(client, volunteer.email)
    path = f"/programs/{program.id}/apply"
    page = await client.get(path)
    assert page.status_code == 404
    assert "This program is closed; it takes no applications." in page.text
    sent = await post_form(client, path, GOOD, from_page="/applications/mine")
    assert sent.status_code == 404
    assert "This program is closed" in sent.text
    await nothing_saved()


async def test_answers_that_do_not_fit_are_named_and_what_was_typed_stays(client, frozen_clock):
    program, _manager = await program_taking_applications()
    volunteer = await make_volunteer()
    await log_in(client, volunteer.email)
    path = f"/programs/{program.id}/apply"
    bad = {**GOOD, "q_q2": "Monday", "q_q3": "maybe", "q_q4": "14/03/2026"}
    del bad["c_c1"]
    sent = await post_form(client, path, bad)
    assert sent.status_code == 400
    assert "I like sorting." in sent.text  # the good answer is still in the form
    for name in ("q_q2", "q_q3", "q_q4"):
        assert f'aria-describedby="e-{name}"' in sent.text, name
    assert 'aria-describedby="e-q_q1"' not in sent.text
    assert "Accept this to apply." in sent.text  # said now, not after the answers are fixed
    await nothing_saved()
    unaccepted = {k: v for k, v in GOOD.items() if k != "c_c1"}
    sent = await post_form(client, path, unaccepted)
    assert sent.status_code == 400
    assert "Accept this to apply." in sent.text
    await nothing_saved()


async def test_a_consent_to_an_outdated_text_is_refused(client, frozen_clock):
    program, manager = await program_taking_applications()
    volunteer = await make_volunteer()
    await log_in(client, volunteer.email)
    path = f"/programs/{program.id}/apply"
    assert 'name="version" value="1"' in (await client.get(path)).text
    # While the volunteer reads, the consent's text changes: version 2.
    first = await current_form(program.id)
    reworded = (Consent("c1", "Photo consent", "We may take and publish photos."),)
    await save_form(
        manager,
        program,
        requires_application=True,
        questions=questions_of(first),  # the same questions, with their keys
        consents=reworded,
    )
    assert await FormVersion.filter(program_id=program.id).count() == 2
    sent = await post_form(client, path, GOOD)  # accepting the text of version 1
    assert sent.status_code == 409
    assert "The application form changed since you opened it" in sent.text
    await nothing_saved()
    # The same page, now the new form: the answers typed are kept (the questions are the
    # same), the new consent text is shown and has to be accepted again.
    again = sent.text
    assert 'name="version" value="2"' in again
    assert "We may take and publish photos." in again
    assert CONSENTS[0].text not in again
    assert "I like sorting." in again
    assert "This field is required." not in again
    assert 'name="c_c1" checked' not in again
    assert (await post_form(client, path, {**GOOD, "version": "2"})).status_code == 303
    assert await ConsentRecord.filter(consent_key="c1").count() == 1


async def test_answers_to_questions_since_replaced_are_not_called_missing(client, frozen_clock):
    program, manager = await program_taking_applications()
    volunteer = await make_volunteer()
    await log_in(client, volunteer.email)
    path = f"/programs/{program.id}/apply"
    await client.get(path)
    asked = (Question("", "What can you lift?", QuestionKind.TEXT),)
    await save_form(manager, program, requires_application=True, questions=asked, consents=CONSENTS)
    sent = await post_form(client, path, GOOD)  # the answers to version 1's questions
    assert sent.status_code == 409
    assert "The application form changed since you opened it" in sent.text
    assert "What can you lift?" in sent.text
    assert "This field is required." not in sent.text
    await nothing_saved()


async def test_the_api_refuses_a_closed_program_and_unknown_consents(client, frozen_clock):
    program, manager = await program_taking_applications()
    volunteer = await make_volunteer()
    await log_in(client, volunteer.email)
    url = f"/api/v1/programs/{program.id}/applications"
    token = await csrf_token(client, "/applications/mine")
    answers = {"q1": "I like sorting.", "q2": "Sunday", "q3": "no"}

    async def send(body):
        return await client.post(url, json=body, headers={"x-csrf-token": token})

    unknown = await send({"version": 1, "answers": answers, "consents": ["c9"]})
    assert unknown.status_code == 400
    assert unknown.json()["field"] == "c_c1"  # the real consent is still not accepted
    wrong_kind = await send({"version": 1, "answers": {**answers, "q3": 1}, "consents": ["c1"]})
    assert wrong_kind.status_code == 400
    assert wrong_kind.json()["error"]
    await nothing_saved()
    await deactivate_program(manager, program)
    closed = await send({"version": 1, "answers": answers, "consents": ["c1"]})
    assert closed.status_code == 404
    assert "closed" in closed.json()["error"]
    await nothing_saved()
