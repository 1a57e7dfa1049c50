"""Helpers for the lifecycle tests: fill and send a form as a person would, check that pages
answer 200 and show what was typed, and read a calendar feed."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from urllib.parse import urlsplit

from playwright.async_api import Locator, Page

from opsuite.feeds.changes import refresh as refresh_feeds
from opsuite.settings import Settings
from tests.browser.conftest import NewContext, log_in_through_form
from tests.factories.auth import PASSWORD

Value = str | bool | Iterable[str]


async def fill_form(form: Locator, values: Mapping[str, Value]) -> None:
    """Type into the form's fields, named as in the HTML (``name="title"``): text goes into
    inputs and text areas, a string picks an option (by value or label) or a radio button (by
    value), a list picks several options or ticks exactly those boxes of a group, True or False
    ticks a box or clears it."""
    for name, value in values.items():
        element = form.locator(f'[name="{name}"]')
        if await element.count() > 1:  # radio buttons, or a group of boxes
            wanted = {value} if isinstance(value, str) else set(value)  # type: ignore[arg-type]
            for n in range(await element.count()):
                box = element.nth(n)
                chosen = await box.get_attribute("value") in wanted
                if chosen or await box.get_attribute("type") != "radio":
                    await box.set_checked(chosen)
            continue
        if isinstance(value, bool):
            await element.set_checked(value)
            continue
        tag = await element.evaluate("e => e.tagName.toLowerCase()")
        if tag == "select":
            wanted = [value] if isinstance(value, str) else list(value)
            options = await element.evaluate(
                "e => [...e.options].map(o => [o.value, o.textContent.trim()])"
            )
            await element.select_option([_option(name, options, w) for w in wanted])
        else:
            assert isinstance(value, str), f"{name}: type text into a text field"
            await element.fill(value)


def _option(name: str, options: list[list[str]], wanted: str) -> str:
    """The value of the option whose value or text is ``wanted`` (or whose text starts with
    it: "Ana Lima" picks "Ana Lima (America/New_York)")."""
    for match in (
        lambda v, label: v == wanted,
        lambda v, label: label == wanted,
        lambda v, label: label.startswith(wanted),
    ):
        found = [v for v, label in options if match(v, label)]
        if found:
            return found[0]
    raise AssertionError(f"{name} offers no {wanted!r}: {options}")


async def submit(form: Locator, button: str | None = None) -> None:
    """Press the form's button (the first one, or the one with this text) and wait for the
    page it leads to."""
    buttons = form.locator("button[type=submit], button:not([type])")
    target = buttons.filter(has_text=button).first if button else buttons.first
    async with form.page.expect_navigation():
        await target.click()


async def send(
    page: Page, action: str, values: Mapping[str, Value], button: str | None = None
) -> None:
    """Fill the form that posts to ``action`` on the current page (or, with "", the one that
    posts back to the page itself) and send it."""
    selector = f'form[action="{action}"]' if action else 'form[method="post"]:not([action])'
    forms = page.locator(selector)
    if button:  # of several forms posting to the same place, the one with this button
        forms = forms.filter(has=page.locator("button", has_text=button))
    form = forms.first
    await fill_form(form, values)
    await submit(form, button)


def text_of(body: str) -> str:
    """A page's text with the markup removed, so a test can look for what a reader sees."""
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


async def answers(page: Page, url: str, *shown: str, absent: Iterable[str] = ()) -> str:
    """Fetch ``url`` with the page's cookies; it must answer 200 and show each of ``shown``
    (and none of ``absent``). Returns the page's text."""
    response = await page.request.get(url)
    body = await response.text()
    assert response.status == 200, f"{url} answered {response.status}"
    text = text_of(body) if "html" in response.headers.get("content-type", "") else body
    for expected in shown:
        assert expected in text, f"{url} does not show {expected!r}"
    for unexpected in absent:
        assert unexpected not in text, f"{url} still shows {unexpected!r}"
    return text


async def new_person_feed(page: Page) -> str:
    """Create the signed-in person's calendar feed on /me/feeds; returns its path."""
    await page.goto("/me/feeds")
    await send(page, "/me/feeds/new", {}, "Create my calendar feed")
    url = await page.locator("code.token").inner_text()
    return urlsplit(url.strip()).path


def unfold(ics: str) -> str:
    """RFC 5545 lines joined again (long lines are folded with CRLF and a space), escapes
    undone, so a test can look for a value as it was typed."""
    text = ics.replace("\r\n ", "").replace("\r\n\t", "")
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\\\", "\\")


async def feed(
    page: Page, settings: Settings, path: str, *shown: str, absent: Iterable[str] = ()
) -> str:
    """The feed at ``path`` (no cookies needed) once the ``feeds.refresh`` job has run, as it
    does every few minutes; it must answer 200 with each of ``shown``."""
    await refresh_feeds(settings)
    response = await page.request.get(path)
    assert response.status == 200, f"{path} answered {response.status}"
    text = unfold(await response.text())
    assert text.startswith("BEGIN:VCALENDAR"), text[:200]
    for expected in shown:
        assert expected in text, f"the feed does not show {expected!r}"
    for unexpected in absent:
        assert unexpected not in text, f"the feed still shows {unexpected!r}"
    return text


async def activity_shows(new_context: NewContext, prefix: str, *codes: str) -> None:
    """The organisation's activity log, read by an administrator, has each of ``codes``
    (dotted, such as ``shifts.shift.cancelled``) among the entries starting with ``prefix``."""
    from tests.factories.auth import make_user

    admin = await make_user("admin", name="Log Reader")
    page = await logged_in(new_context, admin.email)
    await answers(page, f"/admin/activity?action={prefix}", *codes)


async def eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 10) -> None:
    """Wait until ``check()`` holds, for work the server does after it has answered (a
    newcomer's sign-up runs after the response, so its timing reveals nothing)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "it never happened"
        await asyncio.sleep(0.05)  # poll interval of a condition wait, not synchronisation


async def logged_in(new_context: NewContext, email: str, password: str = PASSWORD) -> Page:
    """A fresh English browser with this person logged in."""
    page = await (await new_context()).new_page()
    await log_in_through_form(page, email, password)
    return page
