"""With JavaScript on, a refused check-in says why on the page instead of silently reloading,
and a refused sign-up comes back to the shift with the reason (issue #14, defect 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opsuite import clock
from opsuite.shifts.models import SignUp
from opsuite.shifts.service import sign_up
from tests.browser.conftest import ARTIFACTS, log_in_through_form
from tests.factories.shifts import make_opportunity, make_shift, make_volunteer

pytestmark = pytest.mark.browser

TEXTS = {
    "en": {
        "check_in": "Check in",
        "sign_up": "Sign up",
        "too_early": "Check-in opens an hour before the shift starts. Come back then.",
        "skills": "This shift needs these skills: forklift licence.",
    },
    "zh_Hans": {
        "check_in": "签到",
        "sign_up": "报名",
        "too_early": "签到在班次开始前一小时开放，请届时再来。",
        "skills": "此班次需要以下技能：forklift licence。",
    },
}


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
async def test_refusals_are_explained_where_the_volunteer_is(new_context, settings, language):
    words = TEXTS[language]
    soon = await make_shift(starts_at=clock.now() + timedelta(days=2))
    skilled = await make_shift(await make_opportunity(required_skills=["forklift licence"]))
    volunteer = await make_volunteer(locale=language)
    await sign_up(volunteer, soon.id, settings=settings)
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        context = await new_context(viewport={"width": width, "height": 900})
        page = await context.new_page()
        await log_in_through_form(page, volunteer.email)

        await page.goto(f"/shifts/{soon.id}")
        await page.get_by_role("button", name=words["check_in"], exact=True).click()
        alert = page.get_by_role("alert").filter(has_text=words["too_early"])
        await alert.wait_for()
        assert page.url.endswith(f"/shifts/{soon.id}")  # no reload, no dead end
        await page.screenshot(path=ARTIFACTS / f"checkin-refused-{language}-{width}.png")

        await page.goto(f"/shifts/{skilled.id}")
        async with page.expect_navigation():
            await page.get_by_role("button", name=words["sign_up"], exact=True).click()
        assert page.url.endswith(f"/shifts/{skilled.id}")
        await page.get_by_role("alert").filter(has_text=words["skills"]).wait_for()
        await page.screenshot(path=ARTIFACTS / f"signup-refused-{language}-{width}.png")
        await context.close()

    assert (await SignUp.get(shift_id=soon.id)).checked_in_at is None
    assert not await SignUp.filter(shift_id=skilled.id).exists()
