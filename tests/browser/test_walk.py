"""Every page of the route walk on a phone (#16): the demo organisation of tests/test_every_page.py,
edited in every way the forms allow, then every GET route of the app that answers an HTML page,
as every role the demo has (admin, manager, staff, volunteer) and someone signed out, in English
and in Chinese, at 390 px. No page scrolls sideways, axe finds no serious or critical violation
on any of them, and none shows a time with seconds or a raw recurrence rule once its scripts ran.

To keep the run short each route pattern is walked once per role and language: its first address
that answers 200 with HTML for that role (so a volunteer gets a page it may see, not the first id's
refusal), plus one link per route and set of query keys found on the pages (view tabs, filters).
OPSUITE_WALK_EVERY_URL=1 walks every address instead (minutes per role and language).
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page

from opsuite.auth.models import User
from opsuite.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.browser.conftest import NewContext
from tests.browser.test_accessibility import serious_violations
from tests.test_every_page import (
    NOT_FOR_PEOPLE,
    NOT_WALKED,
    Walk,
    World,
    expand,
    get_routes,
    visible_text,
)
from tests.test_every_page import world as world  # the module-scoped demo organisation

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ROLES = ("admin", "manager", "staff", "volunteer", "anonymous")
EVERY_URL = os.environ.get("OPSUITE_WALK_EVERY_URL") == "1"
LOCALES = {"en": "en-GB", "zh_Hans": "zh-CN"}
# Pages that still fail, each with the reason; the lead decides. Keys are "route-name problem-id"
# (problem-id: "scroll", "text" or an axe rule id).
KNOWN: dict[str, str] = {}


@pytest.fixture(autouse=True)
async def clean(world: World) -> None:
    """Replaces the suite's emptying of every table: the walk reads one shared organisation."""


async def log_in(page: Page, email: str) -> None:
    await page.goto("/login")  # by field ids, since the labels are in Chinese in one run
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(DEMO_PASSWORD)
    async with page.expect_navigation():
        await page.locator("main button.primary").click()
    assert "/login" not in page.url, f"{email} cannot log in"


async def answers_a_page(context: BrowserContext, url: str) -> bool:
    """200 with HTML, without following redirects (downloads, JSON, feeds and redirects are not
    pages)."""
    response = await context.request.get(url, max_redirects=0)
    kind = response.headers.get("content-type", "")
    await response.dispose()
    return response.status == 200 and kind.startswith("text/html")


# The elements that stick out of the window and are not inside a box that scrolls or clips them.
WIDEST = """() => {
  const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
      if (p === document.body || p === document.documentElement) return false;
      if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e))
    .slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
      + (typeof e.className === 'string' && e.className
         ? '.' + e.className.split(' ').join('.') : '')
      + ' ' + Math.round(e.getBoundingClientRect().right));
}"""


async def problems_of(page: Page, url: str) -> list[str]:
    found = []
    shown = visible_text(await page.content())  # as rendered: what the scripts wrote counts too
    for pattern, what in NOT_FOR_PEOPLE:
        if seen := pattern.search(shown):
            found.append(f"text: shows {what}: {seen.group(0)!r}")
    width = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        wide = await page.evaluate(WIDEST)
        found.append(f"scroll: {width[0]} px wide > {width[1]} ({wide})")
    found.extend(await serious_violations(page))
    return found


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize("role", ROLES)
async def test_every_page_fits_a_phone_and_passes_axe(
    role: str, locale: str, world: World, new_context: NewContext, app: Any
) -> None:
    started = time.monotonic()
    email = f"{role}@{DEMO_DOMAIN}"
    if role != "anonymous":
        await User.filter(email=email).update(locale=locale)  # the saved locale wins
    # Our CSP rightly refuses injected scripts; the test browser lets axe in.
    context = await new_context(locale=LOCALES[locale], viewport=PHONE, bypass_csp=True)
    page = await context.new_page()
    if role != "anonymous":
        await log_in(page, email)
    await page.goto("/")
    assert await page.evaluate("document.documentElement.lang") == locale.replace("_", "-")
    routes = get_routes(app)
    links = Walk(client=None, errors=None, routes=routes)  # type: ignore[arg-type]
    failures: list[str] = []
    walked: list[str] = []

    async def visit(name: str, url: str) -> None:
        response = await page.goto(url)
        assert response is not None, url
        walked.append(url)
        links.collect_links(await page.content(), url)
        for problem in await problems_of(page, url):
            rule = problem.split(" ", 1)[0].rstrip(":")
            if f"{name} {rule}" not in KNOWN:
                failures.append(f"{url} ({name}) as {role} in {locale}: {problem}")

    for route in routes:
        if route.name in NOT_WALKED or route.path.startswith("/api/"):
            continue
        for url in expand(route, world) or ():
            if await answers_a_page(context, url):
                await visit(route.name, url)
                if not EVERY_URL:
                    break
    seen_variants: set[tuple[str, frozenset[str]]] = set()
    for (name, keys, _query), url in list(links.variants.items()):
        if ((name, keys) in seen_variants and not EVERY_URL) or url in walked:
            continue
        seen_variants.add((name, keys))
        if await answers_a_page(context, url):
            await visit(name, url)
    print(f"\n{role} {locale}: {len(walked)} pages in {time.monotonic() - started:.0f} s")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
