"""The browsable API reference at /api/docs: Swagger UI from our own static files, under the
site's CSP, with nothing fetched from another host; signed in, "Try it out" acts as you."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import log_in_through_form
from tests.factories.auth import make_user

pytestmark = pytest.mark.browser


async def offline_page(new_context, live_server):
    """A page whose browser reaches only the app's own origin: every other host is aborted
    and remembered, and every CSP refusal is remembered too."""
    context = await new_context(viewport={"width": 1280, "height": 900})
    origin = urlsplit(live_server).netloc
    elsewhere: list[str] = []

    async def only_ours(route):
        if urlsplit(route.request.url).netloc == origin:
            await route.continue_()
        else:
            elsewhere.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_ours)
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    return page, elsewhere, refused


# What the rendered operations are, read from the page: "METHOD path" of each block.
RENDERED = """() => Array.from(document.querySelectorAll('.opblock')).map(block => {
  const method = block.querySelector('.opblock-summary-method');
  const path = block.querySelector('.opblock-summary-path');
  return (method ? method.textContent.trim() : '?') + ' ' + (path ? path.dataset.path : '?');
})"""
AT_END = "() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2"


async def read_while_scrolling(page, until=None) -> tuple[set[str], list[str]]:
    """Swagger UI renders a long list of operations as it is scrolled into view (only those
    near the viewport are in the page), as a reader scrolling down sees them. Scroll to the
    end (or until ``until`` is rendered), collecting every operation rendered on the way and
    any rendered twice at once."""
    seen: set[str] = set()
    twice: list[str] = []
    for _ in range(400):  # bounded: 400 steps of 600 px is far past any end
        now = await page.evaluate(RENDERED)
        twice += sorted({op for op in now if now.count(op) > 1})
        seen.update(now)
        if until is not None and await until.count():
            break
        if await page.evaluate(AT_END):
            await page.wait_for_timeout(300)  # the last ones may still be coming in
            seen.update(await page.evaluate(RENDERED))
            if await page.evaluate(AT_END):
                break
        await page.mouse.wheel(0, 600)
        await page.wait_for_timeout(50)
    return seen, twice


async def test_api_docs_render_offline_and_list_the_operations(new_context, live_server):
    page, elsewhere, refused = await offline_page(new_context, live_server)
    await page.goto("/api/docs")
    await page.locator(".opblock").first.wait_for(timeout=30_000)  # a 1.7 MB bundle to parse

    document = await (await page.request.get("/api/v1/openapi.json")).json()
    operations = {
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    }
    seen, twice = await read_while_scrolling(page)
    assert seen == operations  # each one, scrolling down the page
    assert twice == []
    await page.evaluate("window.scrollTo(0, 0)")
    assert await page.get_by_role("button", name="Authorize").count() == 1  # the bearer token
    assert elsewhere == []
    assert refused == []


async def test_try_it_out_signed_in_reads_and_writes_as_you(new_context, live_server):
    volunteer = await make_user("volunteer", name="Docs Reader", email="docs@example.org")
    page, elsewhere, refused = await offline_page(new_context, live_server)
    await log_in_through_form(page, volunteer.email)
    await page.goto("/api/docs")
    me = page.locator('.opblock-summary-path[data-path="/api/v1/me"]')
    block = page.locator(".opblock-patch").filter(has=me)
    await page.locator(".opblock").first.wait_for(timeout=30_000)
    await read_while_scrolling(page, until=block)  # further down the page
    await block.locator(".opblock-summary-control").click(timeout=30_000)
    await block.get_by_role("button", name="Try it out").click()
    await block.locator("textarea.body-param__text").fill('{"name": "Docs Writer"}')
    await block.get_by_role("button", name="Execute").click()

    # the write passed the CSRF check with the page's token: the answer shows the new name
    await block.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    await block.locator(".live-responses-table", has_text="Docs Writer").wait_for()
    await volunteer.refresh_from_db()
    assert volunteer.name == "Docs Writer"
    assert elsewhere == []
    assert refused == []
