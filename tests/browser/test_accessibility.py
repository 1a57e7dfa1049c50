"""axe-core (the npm package, injected into the page) finds no serious or critical
accessibility violations on the main pages, signed out and signed in, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories.auth import PASSWORD, make_user
from tests.factories.people import make_program, make_team

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PUBLIC_PAGES = ["/", "/login", "/register", "/password/forgot"]
SIGNED_IN_PAGES = [
    "/",
    "/me",
    "/me/notifications",
    "/me/tokens",
    "/people",
    "/teams",
    "/programs",
    "/schedule",
    "/schedule/leave",
    "/admin/activity",
    "/admin/outbox",
]


async def serious_violations(page) -> list[str]:
    assert AXE.exists(), "run `make install` (it installs axe-core with npm)"
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
async def test_main_pages_have_no_serious_accessibility_violations(new_context, locale):
    admin = await make_user("admin", locale="zh_Hans" if locale == "zh-CN" else "en")
    await make_team(manager=admin)
    await make_program(manager=admin)
    # Our CSP rightly refuses injected scripts; the test browser lets axe in.
    context = await new_context(locale=locale, bypass_csp=True)
    page = await context.new_page()
    found: dict[str, list[str]] = {}
    for path in PUBLIC_PAGES:
        await page.goto(path)
        found[f"anonymous {path}"] = await serious_violations(page)
    await page.goto("/login")  # by field ids, since the labels are in Chinese in one run
    await page.locator("#f-email").fill(admin.email)
    await page.locator("#f-password").fill(PASSWORD)
    async with page.expect_navigation():
        await page.locator("main button.primary").click()
    for path in SIGNED_IN_PAGES:
        response = await page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        found[path] = await serious_violations(page)
    problems = {path: v for path, v in found.items() if v}
    assert not problems, problems
