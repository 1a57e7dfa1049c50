"""A certificate of service in Chromium: a volunteer gets one on a phone (no sideways scroll),
anyone opens its verification address and sees it is genuine, and after one byte of the stored
record is changed the same address refuses it. Screenshots at 1280 and 390 px in both
languages go to test-artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, expect

from opsuite import clock
from opsuite.shifts.models import Certificate
from tests.browser.conftest import ARTIFACTS, log_in_through_form
from tests.factories.auth import PASSWORD
from tests.shifts.test_certificates import served

pytestmark = pytest.mark.browser


async def get_certificate(page: Page, language: str) -> str:
    """Fill "Get a certificate of service" on My shifts; the certificate page's address."""
    await page.goto("/shifts/mine")
    form = page.locator("form[action='/shifts/mine/certificates']")
    await form.locator("select[name=locale]").select_option(language)
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()
    return page.url


async def shoot(page: Page, name: str) -> None:
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900})
        path = ARTIFACTS / f"cert-{name}-{width}.png"
        await page.screenshot(path=str(path), full_page=True)


async def test_certificate_on_a_phone_is_genuine_until_one_byte_changes(new_context, settings):
    clock.set_now(datetime.now(UTC) - timedelta(days=1))  # served yesterday (the server's today)
    try:
        volunteer, *_rest = await served(settings)
    finally:
        clock.set_now(None)
    phone = await (await new_context(viewport={"width": 390, "height": 800})).new_page()
    await log_in_through_form(phone, volunteer.email)
    await get_certificate(phone, "en")
    await expect(
        phone.get_by_role("heading", name="Certificate of volunteer service")
    ).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert await phone.locator(".cert-qr svg").count() == 1
    verify = urlsplit(await phone.locator(".cert-url a").get_attribute("href") or "").path
    await shoot(phone, "en")

    anyone = await (await new_context()).new_page()
    await anyone.goto(verify)
    await expect(anyone.locator("main")).to_contain_text("Genuine: certificate")

    certificate = await Certificate.get(volunteer_id=volunteer.id)
    content = dict(certificate.content)
    content["volunteer"] = content["volunteer"][:-1] + chr(ord(content["volunteer"][-1]) ^ 1)
    await Certificate.filter(id=certificate.id).update(content=content)
    response = await anyone.goto(verify)
    assert response is not None
    assert response.status == 409
    await expect(anyone.locator("main")).to_contain_text("no longer matches its signature")
    assert "Genuine:" not in await anyone.locator("main").inner_text()

    chinese = await (await new_context(locale="zh-CN")).new_page()
    await log_in_through_form_zh(chinese, volunteer.email)
    await get_certificate(chinese, "zh_Hans")
    await expect(chinese.get_by_role("heading", name="志愿服务记录证明")).to_be_visible()
    await shoot(chinese, "zh_Hans")


async def log_in_through_form_zh(page: Page, email: str) -> None:
    """The login form in Chinese: the fields by name, the language the browser asked for."""
    await page.goto("/login")
    await page.locator("input[name=email]").fill(email)
    await page.locator("input[name=password]").fill(PASSWORD)
    async with page.expect_navigation():
        await page.locator("form[action='/login'] button[type=submit]").click()
