"""Real-browser fixtures: the app served by uvicorn in a subprocess on the test database, and a
headless Chromium (Debian's, driven by Playwright) with a fresh context for every test.

The server shares the database with the test process, so factories create people that the
browser can log in as; the autouse `clean` fixture empties the tables between tests as usual.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from opsuite.settings import Settings, database_url
from tests.factories.auth import PASSWORD
from tests.servers import wait_until_healthy
from tests.smtp import Inbox, free_port

CHROMIUM = os.environ.get("OPSUITE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
STARTUP_SECONDS = 30.0


def _server_env(settings: Settings, instance_dir: Path, smtp_port: int) -> dict[str, str]:
    # Our own OPSUITE_* variables only: an inherited one would change what the server runs.
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSUITE_")}
    env.update(
        OPSUITE_DATABASE_URL=database_url(settings),
        OPSUITE_SERVER_INSTANCE_PATH=str(instance_dir),
        OPSUITE_SECURITY_SECRET_KEY="b" * 48,
        OPSUITE_SCHEDULER_ENABLED="false",
        OPSUITE_MAIL_HOST="127.0.0.1",
        OPSUITE_MAIL_PORT=str(smtp_port),
        OPSUITE_MAIL_SECURITY="none",
        # The webhook tests' receiver listens on 127.0.0.1.
        OPSUITE_INTEGRATIONS_ALLOW_PRIVATE_HOSTS="true",
        # A file that does not exist, so the repository's settings.toml is not read.
        OPSUITE_SETTINGS_FILE=str(instance_dir / "no-settings.toml"),
    )
    return env


@pytest.fixture(scope="session")
def live_server(
    database: list[str], settings: Settings, instance_dir: Path, smtp: tuple[int, Inbox]
) -> Iterator[str]:
    """The base URL of a real uvicorn server on the (already migrated) test database."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = instance_dir / "live-server.log"
    command = [sys.executable, "-m", "uvicorn", "--factory", "opsuite.asgi:create"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=REPO,
            env=_server_env(settings, instance_dir, smtp[0]),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(process, url, log, seconds=STARTUP_SECONDS)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as p:
        yield p


@pytest.fixture(scope="session")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    browser = await playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    await browser.close()


NewContext = Callable[..., Awaitable[BrowserContext]]


def contexts_on(browser: Browser, base_url: str, opened: list[BrowserContext]) -> NewContext:
    """A maker of fresh browser contexts on ``base_url`` (each kept in ``opened`` to close)."""

    async def make(**options: Any) -> BrowserContext:
        options.setdefault("locale", "en-GB")
        context = await browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    return make


@pytest.fixture
async def new_context(browser: Browser, live_server: str) -> AsyncIterator[NewContext]:
    """Open a fresh browser context (no cookies, English unless `locale=` says otherwise);
    options such as `java_script_enabled` or `viewport` go to Playwright's new_context."""
    opened: list[BrowserContext] = []
    yield contexts_on(browser, live_server, opened)
    for context in opened:
        await context.close()


@pytest.fixture
async def page(new_context: NewContext) -> Page:
    """A page in a fresh English-speaking browser with no cookies."""
    context = await new_context()
    return await context.new_page()


async def log_in_through_form(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in as a person would: open the form, type, press the button."""
    await page.goto("/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log in").click()
