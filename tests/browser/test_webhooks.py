"""An admin adds a webhook endpoint in Chromium, copies its secret, sends a test event to a
real local receiver that checks the signature, and sees the delivery and its attempt on the
endpoint's page. Screenshots at 1280 and 390 px in both languages go to test-artifacts/;
neither width scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from opsuite.auth.models import Role
from tests.browser.conftest import ARTIFACTS, log_in_through_form
from tests.factories.auth import make_user
from tests.hooks.conftest import receiver, receiver_session  # noqa: F401 (fixtures)
from tests.hooks.receiver import Receiver

pytestmark = pytest.mark.browser


async def _switch_language(page: Page, lang: str) -> None:
    async with page.expect_navigation():
        await page.evaluate(
            "lang => { const s = document.querySelector('#lang-select');"
            " s.value = lang; s.form.submit(); }",
            lang,
        )


async def _shoot(page: Page, name: str) -> None:
    for lang in ("en", "zh_Hans"):
        await _switch_language(page, lang)
        for width in (1280, 390):
            await page.set_viewport_size({"width": width, "height": 900})
            path = ARTIFACTS / f"webhooks-{name}-{lang}-{width}.png"
            await page.screenshot(path=str(path), full_page=True)
            scroll = await page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{name} {lang} is {scroll} px wide at {width}"
    await _switch_language(page, "en")
    await page.set_viewport_size({"width": 1280, "height": 900})


async def test_an_admin_adds_an_endpoint_and_sees_a_delivery(page: Page, receiver: Receiver):  # noqa: F811
    admin = await make_user(Role.ADMIN)
    await log_in_through_form(page, admin.email)

    await page.goto("/admin/webhooks")
    await page.get_by_label("Address").fill(receiver.url)
    await page.get_by_label("Description").fill("Funder CRM")
    await page.get_by_label("Events").select_option(["shift.cancelled", "hours.approved"])
    async with page.expect_navigation():
        await page.get_by_role("button", name="Add endpoint").click()
    secret = (await page.locator("#webhook-secret").inner_text()).strip()
    assert secret.startswith("whsec_")
    receiver.secret = secret
    async with page.expect_navigation():
        await page.get_by_role("link", name="Go to the endpoint").click()

    await expect(page.get_by_text("Nothing sent to this endpoint yet.")).to_be_visible()
    assert secret not in await page.content()
    async with page.expect_navigation():
        await page.get_by_role("button", name="Send a test event").click()

    await expect(page.get_by_text("The test event was delivered.")).to_be_visible()
    row = page.locator("tbody tr").first
    await expect(row).to_contain_text("delivered")
    await expect(row).to_contain_text("200")
    assert receiver.refused == []
    assert receiver.received[0].body["type"] == "webhook.test"
    await _shoot(page, "endpoint")

    await page.goto("/admin/webhooks")
    await expect(page.get_by_role("link", name=receiver.url)).to_be_visible()
    await _shoot(page, "list")
