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


async def test_api_docs_render_offline_and_list_the_operations(new_context, live_server):
    page, elsewhere, refused = await offline_page(new_context, live_server)
    await page.goto("/api/docs")
    await page.locator(".opblock").first.wait_for(timeout=30_000)  # a 1.7 MB bundle to parse

    document = await (await page.request.get("/api/v1/openapi.json")).json()
    operations = sum(len(item) for item in document["paths"].values())
    assert await page.locator(".opblock").count() == operations  # each one, once
    await page.locator(".opblock-summary-path", has_text="/api/v1/shifts/{id}/signup").wait_for()
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
