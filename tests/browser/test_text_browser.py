"""The pages make sense in a text browser (w3m, Debian's package): content, labels and
buttons are there as text, in the order a reader meets them."""

from __future__ import annotations

import shutil
import subprocess

import httpx
import pytest

from tests.factories.auth import PASSWORD, make_user

pytestmark = pytest.mark.browser


def dump(html: str) -> str:
    w3m = shutil.which("w3m")
    assert w3m, "install Debian's w3m (`.ci/run` does)"
    result = subprocess.run(  # noqa: S603 - a fixed local program reading our own page
        [w3m, "-dump", "-T", "text/html", "-cols", "100", "-O", "UTF-8"],
        input=html.encode(),
        capture_output=True,
        check=True,
        timeout=30,
    )
    return result.stdout.decode()


async def test_login_and_signed_in_pages_read_well_as_plain_text(live_server):
    manager = await make_user("manager", name="Sarah Thompson", timezone="Europe/London")
    async with httpx.AsyncClient(base_url=live_server, follow_redirects=True) as browser:
        login = await browser.get("/login")
        text = dump(login.text)
        assert "Log in" in text
        assert "Email" in text
        assert "Forgot your password?" in text

        token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
        await browser.post(
            "/login", data={"csrf_token": token, "email": manager.email, "password": PASSWORD}
        )
        home = dump((await browser.get("/")).text)
        assert "Hello, Sarah Thompson" in home
        assert "Teams" in home
        profile = dump((await browser.get("/me")).text)
        assert "Europe/London" in profile
        assert "Save profile" in profile
    async with httpx.AsyncClient(base_url=live_server) as newcomer:
        chinese = dump((await newcomer.get("/login", headers={"accept-language": "zh-CN"})).text)
    assert "登录" in chinese
    assert "忘记密码？" in chinese
